"""Members' decisions: rules, proposals, ballots, the count, the result and its effect, credentials.

A rule is data (engine.books.rules); a count is a pure function
(tally); what a passed proposal changes is applied in the transaction that
records the result (decisions, outcomes).
"""
