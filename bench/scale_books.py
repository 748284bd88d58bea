"""A large federation's first cycle, built as a real journal: the books every scale benchmark shares.

N providers (1 in 50 joining mid-cycle, 1 in 50 leaving), 1,000 budget changes,
12 payments per provider from the month they join, and 40 expense lines a month.
Built in one transaction of ordinary ``Writer.append`` calls, so the journal is
hash-chained and every entry passed the books' guard. By default the expenses
come in under budget, so closing the cycle refunds every provider charged: the
case where every statement states a refund share.
"""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.books.folder import open_books
from engine.books.founding import create_books
from engine.models.federation.demo import founding_text

START = date(2027, 1, 1)
CATEGORIES = ["software", "bookkeeping", "insurance", "education", "other"]


def build(folder: Path, n: int, refunding: bool = True) -> None:
    """N providers' six-month cycle; ``refunding``: expenses under budget, so the close refunds everyone (else a deficit is carried)."""
    create_books(folder, text=founding_text())
    books = open_books(folder)
    with books.transaction() as w:
        for i in range(n):
            start = START if i % 50 else START + timedelta(days=40 + i % 90)
            provider = {
                "id": f"p{i:06d}",
                "name": f"Provider {i}",
                "practice": f"Practice {i} LLC",
                "licence": f"L-{i}",
                "email": f"p{i}@x.example",
                "start": start.isoformat(),
            }
            w.append("provider.joined", start, {"provider": provider})
        for i in range(1, n, 50):
            w.append("provider.left", START + timedelta(days=60 + i % 100), {"provider": f"p{i:06d}", "reason": ""})
        for i in range(1000):
            eff = START + timedelta(days=i % 180)
            line = {
                "id": f"line-{i % 40}",
                "name": f"Line {i % 40}",
                "category": CATEGORIES[i % 5],
                "monthly": f"{100 + i % 700}.00",
                "vendor": "Vendor",
                "cooperative_vendor": i % 3 == 0,
                "from": eff.isoformat(),
                "until": None,
            }
            w.append("budget.line_set", eff, {"line": line, "note": ""})
        for m in range(6):
            for k in range(2):
                on = date(2027, m + 1, 5 + 10 * k)
                for i in range(n):
                    if i % 50 == 0 and on < START + timedelta(days=40 + i % 90):
                        continue  # not a member yet
                    w.append("payment.received", on, {"provider": f"p{i:06d}", "amount": 30000 + i % 7, "ref": ""})
        for m in range(6):
            for line in range(40):
                w.append(
                    "expense.paid",
                    date(2027, m + 1, 20),
                    {
                        "line": f"line-{line}",
                        "category": CATEGORIES[line % 5],
                        "amount": 20000 if refunding else 40000,
                        "vendor": "Vendor",
                        "cooperative_vendor": False,
                        "receipt": "R",
                        "cycle": "2027-01",
                        "month": f"2027-{m + 1:02d}",
                    },
                )
    books.close()
