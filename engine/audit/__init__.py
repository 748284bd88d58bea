"""What members can check: the hash chain, every recount, every ballot's eligibility."""
