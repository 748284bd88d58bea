"""The coop rules engine.

Input files are parsed into pydantic models at the edge (``engine.config``),
everything that happens afterwards is an append-only journal entry
(``engine.journal``), and current state is always derived from the two
(``engine.state``). Modules here compute; ``cli.py`` and ``engine.output``
are the only places that write.
"""

__version__ = "0.1.0"
