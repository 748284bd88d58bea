"""The money derived from the journal: double-entry accounts, the fee, the cycle close, capital accounts.

Nothing here is stored: charges, balances and refunds are recomputed from the
journal, so the ledger cannot drift from what was recorded.
"""
