"""The books: the founding file, the append-only journal, and the facts derived from them.

Owns federation.yaml (config), the hash-chained journal and its one writer,
the clock, money as integer cents and the one allocation, fee cycles, dated
parameters and schedules, CSV imports, the roster, the budget, and the one
place files are written. Every other package reads the books through here.
"""
