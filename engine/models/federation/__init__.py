"""The federation model: independent practices sharing a parent's services at cost, an equal monthly fee."""
