"""A proposal form built from the matter's fields model, so the web asks for exactly what the engine validates.

Each field of the pydantic model becomes one input by its type: a date, an
amount of money (a field described in cents), a choice (a Literal or an
enum), a section and its new text (a mapping to text), free settings (any
other mapping, one ``name: value`` per line) or text. What the member sends
is turned back into the same data the terminal passes to
``open_proposal``; the model then validates it, with the same one-line
refusals.
"""

from __future__ import annotations

import enum
import types
import typing
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel

from engine.errors import UserError

LONG = {"text", "statement", "summary", "grounds_text"}


@dataclass(frozen=True)
class Input:
    name: str
    label: str
    kind: str
    """text, long, date, money, choice, section, settings."""
    required: bool
    help: str = ""
    choices: tuple[str, ...] = ()


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """The type inside Optional/Annotated, and whether None is allowed."""
    optional = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            optional = optional or len(args) < len(typing.get_args(annotation))
            annotation = args[0]
        else:
            return annotation, optional


def inputs(model: type[BaseModel], prefix: str = "") -> list[Input]:
    out: list[Input] = []
    for name, info in model.model_fields.items():
        kind_of, optional = _unwrap(info.annotation)
        key = f"{prefix}{name}"
        label = name.replace("_", " ").capitalize()
        required = info.is_required() and not optional
        help_text = info.description or ""
        origin = typing.get_origin(kind_of)
        if isinstance(kind_of, type) and issubclass(kind_of, BaseModel):
            out.extend(inputs(kind_of, prefix=f"{key}."))
        elif kind_of is date:
            out.append(Input(key, label, "date", required, help_text))
        elif kind_of is int:
            out.append(
                Input(key, label, "money" if "cents" in help_text else "number", required, "" if "cents" in help_text else help_text)
            )
        elif kind_of is bool:
            out.append(Input(key, label, "choice", required, help_text, ("false", "true")))
        elif origin is Literal:
            out.append(Input(key, label, "choice", required, help_text, tuple(str(a) for a in typing.get_args(kind_of))))
        elif isinstance(kind_of, type) and issubclass(kind_of, enum.Enum):
            out.append(Input(key, label, "choice", required, help_text, tuple(str(m.value) for m in kind_of)))
        elif origin is dict and _unwrap(typing.get_args(kind_of)[1])[0] is str:
            out.append(Input(key, label, "section", required, help_text or "which part, and its new text"))
        elif origin is dict:
            out.append(Input(key, label, "settings", required, help_text or "one 'name: value' per line"))
        else:
            out.append(Input(key, label, "long" if name in LONG else "text", required, help_text))
    return out


def data_from(model: type[BaseModel], form: dict[str, str], currency: str) -> dict[str, Any]:
    """The fields as the terminal would pass them; empty inputs are left out, so defaults and 'required' apply as on the CLI."""
    from engine.books.clock import parse_date
    from engine.books.config import yaml_value
    from engine.books.money import parse_cents

    out: dict[str, Any] = {}
    for field in inputs(model):
        if field.kind == "section":
            key, text = form.get(f"{field.name}.key", "").strip(), form.get(f"{field.name}.value", "")
            if key or text.strip():
                value: Any = {key: text.replace("\r\n", "\n")}
            else:
                continue
        else:
            raw = form.get(field.name, "")
            if not raw.strip():
                continue
            if field.kind == "date":
                value = parse_date(raw, field.name)
            elif field.kind == "money":
                value = parse_cents(raw.strip(), currency=currency)
            elif field.kind == "number":
                try:
                    value = int(raw.strip())
                except ValueError:
                    raise UserError(f"'{raw.strip()}' is not a whole number", field=field.name) from None
            elif field.kind == "settings":
                value = {}
                for n, line in enumerate(raw.replace("\r\n", "\n").split("\n"), start=1):
                    if not line.strip():
                        continue
                    name, sep, given = line.partition(":")
                    if not sep or not name.strip():
                        raise UserError(f"line {n} is not 'name: value'", field=field.name)
                    value[name.strip()] = yaml_value(given.strip(), f"{field.name}.{name.strip()}")
            else:
                value = raw.replace("\r\n", "\n").strip()
        target = out
        *parents, last = field.name.split(".")
        for p in parents:
            target = target.setdefault(p, {})
        target[last] = value
    return out
