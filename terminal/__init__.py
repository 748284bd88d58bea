"""The terminal: the ``coop`` command groups, a thin door over the engine.

Each module is one command group, named for it; it parses, calls the engine
and presents. Nothing here decides a rule: a second interface calls the same
engine functions.
"""
