"""The members' portal: the browser door over the same engine functions the terminal calls.

Pages are rendered on the server and work without JavaScript; only a passkey
needs the browser's WebAuthn call (static/passkey.js), and a member without
one can do everything with their credential.
"""
