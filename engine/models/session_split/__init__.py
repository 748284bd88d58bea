"""The session-split model: each session's fee shared between clinician and co-op, paid out quarterly."""
