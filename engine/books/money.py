"""Amounts of money as integer cents.

Money never touches binary floating point: amounts from files and the command
line arrive as text or Decimal, are checked for whole cents, and live as
``int`` cents from then on. Splitting is ``engine.allocation``'s job.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer

Cents = int

_SYMBOLS = {"USD": "$", "CAD": "$", "EUR": "€", "GBP": "£"}


def parse_cents(value: Any, *, allow_negative: bool = False) -> Cents:
    """Turn ``"1,250.5"``, ``Decimal("12.34")`` or ``12`` (currency units) into cents.

    Floats are refused outright: by the time a float exists, the cent it
    stood for may already be gone.
    """
    if isinstance(value, (bool, float)):
        raise ValueError("an amount written as digits with at most two decimals, e.g. 1250.00")
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, Decimal):
        amount = value
    elif isinstance(value, str):
        text = value.strip().replace(",", "").replace("_", "")
        for sym in set(_SYMBOLS.values()):
            text = text.replace(sym, "")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"an amount such as 1250.00, not {value!r}") from None
    else:
        raise ValueError(f"an amount such as 1250.00, not {type(value).__name__}")
    if not amount.is_finite():
        raise ValueError("a finite amount")
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"whole cents, not {value}")
    if cents < 0 and not allow_negative:
        raise ValueError(f"an amount of zero or more, not {value}")
    return int(cents)


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
