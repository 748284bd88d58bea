"""Mail: messages to members kept in an outbox in the journal, and sent through the co-op's own mail server.

Every message is queued inside the transaction of the command that causes it
(a ``mail.queued`` entry with the body's SHA-256, never the body, and the full
message in a spool file), so nothing is lost when no server is set or the
server is down; ``coop mail send`` delivers what is queued and records each
``mail.sent`` or ``mail.failed``. Kept free of imports so the founding file's
settings model can be read without loading the books.
"""
