"""Templates for agreements, notices and statements."""
