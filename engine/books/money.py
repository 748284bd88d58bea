"""Amounts of money as integer cents.

Money never touches binary floating point: amounts from files and the command
line arrive as text or Decimal, are checked for whole cents, and live as
``int`` cents from then on. Splitting is ``engine.allocation``'s job.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer

Cents = int

_SYMBOLS = {"USD": "$", "CAD": "$", "EUR": "€", "GBP": "£"}

DEFAULT_CAP = 10_000_000_00
"""The default ``amount_cap`` (a dated parameter every model has): the largest single amount recorded, in cents.

Checked as an entry is written (see folder.EntryGuard), against the cap in
force on the entry's date, so members may vote it higher or lower.
"""

LIMIT = 1_000_000_000_000_00
"""No amount is read beyond this, whatever the books say: fifteen digits fit any spreadsheet cell and any float exactly."""

_AMOUNT = re.compile(
    r"""^(?P<sign>[-+])?[ ]?(?P<symbol>[^0-9\s.,+-])?[ ]?
        (?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)?
        (?:\.(?P<frac>[0-9]*))?\Z""",
    re.VERBOSE | re.ASCII,
)
_EXPECTED = "an amount written as digits with at most two decimals, e.g. 1250.00 or 1,250.00"


CURRENCY: ContextVar[str | None] = ContextVar("currency", default=None)
"""The currency of the books being read: a symbol other than its own is refused at every door."""


def parse_cents(value: Any, *, allow_negative: bool = False, currency: str | None = None, cap: int = LIMIT) -> Cents:
    """Turn ``"1,250.5"``, ``"$12.34"``, ``Decimal("12.34")`` or ``12`` (currency units) into cents.

    Every door (command line, YAML, CSV) comes through here, so one spelling
    of money is accepted everywhere: no exponent (``1e3``), no decimal comma
    (``1,50`` is ambiguous between Europe and a typo), no other currency's
    symbol, no commas out of place. Floats are refused outright: by the time
    a float exists, the cent it stood for may already be gone.
    """
    if isinstance(value, (bool, float)):
        raise ValueError(_EXPECTED)
    if isinstance(value, int):
        cents = value * 100 if abs(value) <= cap else cap + 1
    elif isinstance(value, Decimal):
        cents = _decimal_cents(value, cap)
    elif isinstance(value, str):
        cents = _text_cents(value, currency or CURRENCY.get(), cap)
    else:
        raise ValueError(f"an amount such as 1250.00, not {type(value).__name__}")
    if abs(cents) > cap:
        raise ValueError(f"an amount of at most {format_cents(cap, currency or 'USD')}")
    if cents < 0 and not allow_negative:
        raise ValueError(f"an amount of zero or more, not {value}")
    return cents


def _decimal_cents(amount: Decimal, cap: int) -> int:
    if not amount.is_finite():
        raise ValueError("a finite amount")
    if abs(amount.adjusted()) > 30:  # 1E+999999 must not be multiplied out
        return cap + 1
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"whole cents, not {amount}")
    return int(cents)


def _text_cents(value: str, currency: str | None, cap: int) -> int:
    text = value.strip(" \t")  # a newline or NUL inside an amount is not padding
    match = _AMOUNT.match(text) if len(text) <= 40 else None
    if match is None or (match["whole"] is None and not match["frac"]):
        raise ValueError(f"{_EXPECTED}, not {value!r}")
    symbol = match["symbol"]
    if symbol is not None:
        allowed = {_SYMBOLS.get(currency, "")} if currency else set(_SYMBOLS.values())
        if symbol not in allowed:
            money = f"{currency} " if currency else ""
            raise ValueError(f"an amount in {money}without another currency's sign, not {value!r}")
    frac = match["frac"] or ""
    if len(frac) > 2:
        raise ValueError(f"whole cents (at most two decimals), not {value}")
    whole = int((match["whole"] or "0").replace(",", ""))
    cents = whole * 100 + int((frac + "00")[:2])
    return -cents if match["sign"] == "-" else cents


def format_cents(cents: Cents, currency: str = "USD") -> str:
    """``123456`` -> ``$1,234.56``; negative amounts keep their sign in front."""
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    symbol = _SYMBOLS.get(currency, "")
    suffix = "" if symbol else f" {currency}"
    return f"{sign}{symbol}{whole:,}.{frac:02d}{suffix}"


def cents_to_decimal_text(cents: Cents) -> str:
    """``123456`` -> ``"1234.56"``: how amounts are written back to YAML, CSV and JSON."""
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    return f"{sign}{whole}.{frac:02d}"


Money = Annotated[
    int,
    BeforeValidator(parse_cents),
    PlainSerializer(cents_to_decimal_text, return_type=str, when_used="json"),
]
"""A non-negative amount given in currency units, held as integer cents."""

SignedMoney = Annotated[
    int,
    BeforeValidator(lambda v: parse_cents(v, allow_negative=True)),
    PlainSerializer(cents_to_decimal_text, return_type=str, when_used="json"),
]


def fraction_text(value: Fraction | int, places: int) -> str:
    """An exact fraction for people: whole numbers as they are, others rounded half up to ``places``.

    Provider-months and percentages are fractions; they are shown without
    passing through binary floating point, like money.
    """
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    quantum = Decimal(1).scaleb(-places)
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return str(exact.quantize(quantum, rounding=ROUND_HALF_UP))
