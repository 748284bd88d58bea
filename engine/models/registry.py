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
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from engine.errors import UserError


def hook(ref: str | None) -> Callable[..., Any] | None:
    """The function a ``"module:function"`` reference names (None stays None)."""
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
    commands: tuple[str, ...] = ()
    """Top-level commands that belong to this model alone; other models' books do not list them."""
    demo: str | None = None
    """``module:function`` giving the demo year (a founding text and its steps)."""
    hooks: dict[str, str] = field(default_factory=dict)
    """Named ``module:function`` references for what the model does its own way."""
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


def owner_of(command: str) -> CoopModel | None:
    """The model a top-level command belongs to, or None for a shared command."""
    for name in names():
        model = get(name)
        if command in model.commands:
            return model
    return None
