"""The retention model: members keep what they earn, less an equal share of the shared expenses."""
