"""The one interface between the shared engine and a co-op model.

Each model is a package under engine/models/ whose ``model`` module defines
``MODEL``, a :class:`CoopModel`. Shared code asks ``get(name)`` for what
differs (its rules, parameters, postings, close, effects, documents,
commands, demo) and never names a model. Hooks are ``"module:function"``
strings imported when first used, so a command pays only for the model it
runs on and ``coop --help`` stays fast. A fifth model is one new folder.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from engine.errors import UserError


def hook(ref: str | None) -> Any:
    """What a ``"module:name"`` reference names: a function, a class or a table (None stays None)."""
    if ref is None:
        return None
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class CoopModel:
    name: str
    """The name in federation.yaml (``model:``) and on the command line."""
    kind: str
    """How the model names itself to a person: "federation", "retention co-op", ..."""
    description: str = ""
    """What the model is, in a phrase, for the head of a new federation.yaml."""
    cycle_months: int = 6
    """The model's accounting cycle: fee cycles, a year, a payout quarter."""
    cycle_note: str = ""
    """What happens in a cycle, as the comment in a new federation.yaml."""
    rules_ref: str = ""
    """``module:NAME`` of the model's matters and the rule that decides each (exactly these matters)."""
    parameters_ref: str = ""
    """``module:Class`` of the model's parameters (the ``parameters:`` block of federation.yaml)."""
    commands: tuple[str, ...] = ()
    """Top-level commands that belong to this model alone; other models' books do not list them."""
    parent_practice: bool = False
    """Whether a parent practice holds the shared accounts (else the co-op names its own legal entity)."""
    replaces: dict[str, str] = field(default_factory=dict)
    """Shared commands this model answers with one of its own, by command path: ``{"cycle close": "payout quarter"}``."""
    demo: str | None = None
    """``module:function`` giving the demo year (a founding text and its steps)."""
    no_fee: str | None = None
    """Why the model charges no monthly fee (None: it charges the equal-share fee)."""
    no_cycle_close: str | None = None
    """Why ``cycle close`` does not apply and what closes the model's period instead (None: it applies)."""
    hooks: dict[str, str] = field(default_factory=dict)
    """Named ``module:function`` references for what the model does its own way. The names shared code asks for:

    - ``postings(books, until, provider_id)``: the model's own ledger transactions;
    - ``credits(books, as_of) -> {member: cents}``: what it credits to members' accounts;
    - ``require_open(books, day, what)``: its own closed periods, beyond closed cycles;
    - ``cycle_terms(books, cycle)``: the income, commitments and weights a cycle close shares out;
    - ``fee_rules(books, on) -> [str]``: its money rules in words, where it has no fee;
    - ``non_voters(books, on) -> {member: reason}``: members who do not yet vote;
    - ``check_effect(books, matter, fields, on)`` (raises UserError) and ``apply_effect(writer, books, proposal, on)``:
      what a passed proposal of one of its matters changes;
    - ``check_config(federation) -> str | None``: why its federation.yaml is inconsistent;
    - ``status_lines(books, on) -> [str]``: the model's own lines in ``coop status`` (a rate, a split);
    - ``year_end(books, year) -> engine.documents.yearend.YearEnd``: the per-member totals for the year's filings;
    - ``unplanned_leaves(books)`` or ``extended_leaves(books)``: the leave it records, as rows to list.
    """
    manual_title: str = "Co-Op Procedures manual"
    """What the model calls its manual: in its heading, its footer and its redlines."""
    manual_folder: str = "sections"
    """The folder under ``manual/`` holding the model's own shipped sections, so each manual reads as that co-op's."""
    documents: str | None = None
    """``module:function`` giving the model's :class:`engine.documents.pipeline.ModelDocuments` (None: the shared ones)."""

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """Run the model's hook ``name``; a model without it simply has no such step (None)."""
        fn = hook(self.hooks.get(name))
        return None if fn is None else fn(*args, **kwargs)

    def has(self, name: str) -> bool:
        return name in self.hooks

    def rules(self) -> dict[Any, Any]:
        return hook(self.rules_ref)  # type: ignore[return-value]

    def parameters(self) -> type[Any]:
        return hook(self.parameters_ref)  # type: ignore[return-value]


@cache
def names() -> tuple[str, ...]:
    """Every model shipped, in a stable order (the federation first: it is the default)."""
    import engine.models as package

    found = sorted(m.name for m in pkgutil.iter_modules(package.__path__) if m.ispkg)
    return tuple(sorted(found, key=lambda n: (n != "federation", n)))


def normalise(name: str) -> str:
    """``flat-pay`` and ``flat_pay`` are one model; case does not matter."""
    return name.strip().lower().replace("-", "_")


@cache
def get(name: str) -> CoopModel:
    key = normalise(name)
    if key not in names():
        raise UserError(f"there is no co-op model '{name}'", field="model", expected=", ".join(names()))
    return importlib.import_module(f"engine.models.{key}.model").MODEL  # type: ignore[no-any-return]


def of(books: Any) -> CoopModel:
    """The model the books run on."""
    return get(books.federation.model)


def owner_of(command: str) -> tuple[CoopModel, ...]:
    """The models a top-level command belongs to (``leave`` has two), or none for a shared command."""
    return tuple(model for model in map(get, names()) if command in model.commands)
