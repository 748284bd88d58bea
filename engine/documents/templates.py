"""Document templates: one Jinja environment, the template registry, and the check.

Templates produce Markdown (never XML: DOCX is built from the Markdown by
python-docx, which escapes text itself, and the batch path escapes what it
fills in). Every interpolated string is Markdown-escaped on the way out, so a
practice called "Mind & Body *Care*" prints as written. Undefined variables
are errors (``StrictUndefined``), never blanks in a contract.

``check`` reads each template's syntax tree and compares the attributes it
uses with the fields of its pydantic model, both ways: a name the model lacks
is a typo that would fail at render time on some branch; a field nothing uses
is data someone expects to see in the document and will not.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from types import UnionType
from typing import Any, Union, get_args, get_origin

import jinja2
from jinja2 import nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment
from pydantic import BaseModel

from engine.books.money import format_cents
from engine.documents.placeholders import joined

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")
_LINE_START = re.compile(r"(?m)^([ \t]*)(#|=+[ \t]*$|-{3,}[ \t]*$)")
"""What would make a line of a member's text a heading or a rule: ``# ...``, or a line of ``===``/``---`` under it."""


def md_escape(text: str) -> str:
    """Backslash-escape the characters Markdown would read as markup, so a text adds no heading, clause or link."""
    escaped = _MD_SPECIAL.sub(r"\\\1", text)
    return _LINE_START.sub(r"\1\\\2", escaped) if "#" in escaped or "\n" in escaped else escaped


class Pending(str):
    """A per-provider value not yet known: a token standing in the compiled text.

    Filters applied to it are remembered in the token (``provider.start:long_date``)
    and applied to the real value when the document is filled in.
    """

    __slots__ = ()


TOKEN_OPEN, TOKEN_CLOSE = "\u27e6", "\u27e7"
TOKEN = re.compile(f"{TOKEN_OPEN}([^{TOKEN_CLOSE}]+){TOKEN_CLOSE}")


def pending(path: str) -> Pending:
    return Pending(f"{TOKEN_OPEN}{path}{TOKEN_CLOSE}")


def _pending_aware(name: str, fn: Callable[..., str]) -> Callable[..., str]:
    def apply(value: Any, *args: Any) -> str:
        if isinstance(value, Pending):
            return pending(f"{value[1:-1]}:{name}")
        return fn(value, *args)

    return apply


def long_date(day: date) -> str:
    """``1 January 2027``: unambiguous in every English-speaking jurisdiction."""
    return f"{day.day} {day.strftime('%B')} {day.year}"


def filters(currency: str) -> dict[str, Callable[..., str]]:
    return {
        "money": lambda cents: format_cents(cents, currency),
        "long_date": long_date,
        "joined": joined,
    }


def _finalize(value: Any) -> Any:
    if isinstance(value, Pending):
        return value
    if isinstance(value, str):
        return md_escape(value)
    if isinstance(value, date):
        return long_date(value)
    return value


def environment(currency: str, loader: jinja2.BaseLoader | None = None) -> jinja2.Environment:
    """The one environment for shipped templates: sandboxed and immutable, so even a template cannot reach Python."""
    env = ImmutableSandboxedEnvironment(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_finalize,
    )
    env.filters.update({k: _pending_aware(k, f) for k, f in filters(currency).items()})
    return env


def plain_value(value: Any, chain: list[str], currency: str) -> str:
    """One token's text: the real value through the filters the template applied, unescaped."""
    table = filters(currency)
    for name in chain:
        value = table[name](value)
    if isinstance(value, date):
        return long_date(value)
    return str(value)


# --- the registry ------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateSpec:
    name: str
    file: str
    model: type[BaseModel]
    title: str
    sample: Callable[[], BaseModel]
    party: str = "provider"
    """The field of the data naming whom the document is for (its signer or addressee)."""
    footer: Callable[[Any], str] | None = None
    """The footer's text from the document's data (None: the agreement's reference and manual version)."""
    subject: Callable[[Any], str] | None = None
    """The file's subject property from the data (None: the template's name)."""


_INCLUDE = re.compile(r'^\{% include "([a-z_]+\.md\.j2)" %\}\n', re.M)


def expand(source: str) -> str:
    """A template with its ``{% include "..." %}`` lines replaced by the shipped text, so the check sees every name it uses."""
    return _INCLUDE.sub(lambda m: contract_source(m[1]), source)


def contract_source(file: str) -> str:
    return expand(resources.files("contracts").joinpath(file).read_text(encoding="utf-8"))


def registry() -> dict[str, TemplateSpec]:
    """Every template: the shared ones, then each co-op model's own (its agreement)."""
    from engine.documents import samples
    from engine.documents.data import (
        AcknowledgmentData,
        AgreementData,
        BusinessAssociateData,
        CycleStatementData,
        FeeNoticeData,
        SettlementData,
    )
    from engine.documents.pipeline import of
    from engine.models.registry import get, names

    notice = _notice_footer
    specs = [
        TemplateSpec("agreement", "provider_agreement.md.j2", AgreementData, "Provider services agreement", samples.agreement),
        TemplateSpec("acknowledgment", "manual_acknowledgment.md.j2", AcknowledgmentData, "Manual acknowledgment", samples.acknowledgment),
        TemplateSpec("fee-notice", "fee_notice.md.j2", FeeNoticeData, "Fee notice", samples.fee_notice, footer=notice("Fee notice")),
        TemplateSpec(
            "settlement",
            "settlement_letter.md.j2",
            SettlementData,
            "Departure settlement letter",
            samples.settlement,
            footer=notice("Departure settlement letter"),
        ),
        TemplateSpec(
            "cycle-statement",
            "cycle_statement.md.j2",
            CycleStatementData,
            "Cycle statement",
            samples.cycle_statement,
            footer=notice("Cycle statement"),
        ),
    ]
    specs.append(
        TemplateSpec(
            "business-associate",
            "business_associate_agreement.md.j2",
            BusinessAssociateData,
            "Business associate agreement",
            samples.business_associate,
            footer=lambda d: f"{d.provider.reference} · Business associate agreement · Issued {long_date(d.issued)}",
        )
    )
    for name in names():
        specs += of(get(name)).templates()
    return {s.name: s for s in specs}


def _notice_footer(title: str) -> Callable[[Any], str]:
    """A notice's footer names what it is, the practice it is addressed to and its date."""
    return lambda data: f"{title} · {data.provider.practice} · Issued {long_date(data.issued)}"


# --- the check ---------------------------------------------------------------------------


@dataclass
class Usage:
    missing: set[str] = field(default_factory=set)
    used: set[tuple[type[BaseModel], str]] = field(default_factory=set)


def _unwrap(tp: Any) -> Any:
    """``int | None`` -> ``int``: optional fields are used like the value they hold."""
    if get_origin(tp) in (Union, UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        return args[0] if len(args) == 1 else tp
    return tp


def _item(tp: Any) -> Any:
    tp = _unwrap(tp)
    return _unwrap(get_args(tp)[0]) if get_origin(tp) is list and get_args(tp) else None


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


class _Walker:
    """Resolves ``a.b.c`` chains against model types, following ``for`` loop variables."""

    def __init__(self, root: type[BaseModel], usage: Usage) -> None:
        self.usage = usage
        self.scopes: list[dict[str, Any]] = [{name: f.annotation for name, f in root.model_fields.items()}]
        self.root = root

    def lookup(self, name: str) -> tuple[bool, Any]:
        for scope in reversed(self.scopes):
            if name in scope:
                return True, scope[name]
        return False, None

    def resolve(self, node: nodes.Node) -> Any:
        """The type of an expression when it is a name or attribute chain, else ``None``."""
        if isinstance(node, nodes.Name):
            found, tp = self.lookup(node.name)
            if not found:
                if node.ctx == "load" and node.name not in {"loop", "true", "false", "none"}:
                    self.usage.missing.add(node.name)
                return None
            if len(self.scopes) == 1 or node.name in self.scopes[0]:
                self.usage.used.add((self.root, node.name))
            return tp
        if isinstance(node, nodes.Getattr):
            owner = _unwrap(self.resolve(node.node))
            if _is_model(owner):
                if node.attr not in owner.model_fields:
                    self.usage.missing.add(f"{self.path(node.node)}.{node.attr}")
                    return None
                self.usage.used.add((owner, node.attr))
                return owner.model_fields[node.attr].annotation
            return None
        return None

    def path(self, node: nodes.Node) -> str:
        if isinstance(node, nodes.Name):
            return node.name
        if isinstance(node, nodes.Getattr):
            return f"{self.path(node.node)}.{node.attr}"
        return "?"

    def walk(self, node: nodes.Node) -> None:
        if isinstance(node, nodes.For):
            self.walk(node.iter)
            item = _item(self.resolve(node.iter))
            names = _names(node.target)
            self.scopes.append({n: item for n in names})
            for child in [*node.body, *node.else_]:
                self.walk(child)
            if node.test is not None:
                self.walk(node.test)
            self.scopes.pop()
            return
        if isinstance(node, nodes.Assign):
            self.walk(node.node)
            self.scopes[-1].update({n: self.resolve(node.node) for n in _names(node.target)})
            return
        if isinstance(node, (nodes.Name, nodes.Getattr)):
            self.resolve(node)
            return
        for child in node.iter_child_nodes():
            self.walk(child)


def _names(target: nodes.Node) -> list[str]:
    found = [target] if isinstance(target, nodes.Name) else list(target.find_all(nodes.Name))
    return [n.name for n in found]


def _fields(model: type[BaseModel]) -> Iterator[tuple[type[BaseModel], str]]:
    seen: set[type[BaseModel]] = set()
    todo = [model]
    while todo:
        m = todo.pop()
        if m in seen:
            continue
        seen.add(m)
        for name, f in m.model_fields.items():
            yield m, name
            tp = _unwrap(f.annotation)
            inner = _item(tp) if get_origin(tp) is list else tp
            if _is_model(inner):
                todo.append(inner)


def _absent(sample: BaseModel) -> set[tuple[type[BaseModel], str]]:
    """(model, field) pairs that are None everywhere in ``sample``."""
    present: set[tuple[type[BaseModel], str]] = set()
    nones: set[tuple[type[BaseModel], str]] = set()
    todo: list[Any] = [sample]
    while todo:
        obj = todo.pop()
        if isinstance(obj, BaseModel):
            for name in type(obj).model_fields:
                value = getattr(obj, name)
                (nones if value is None else present).add((type(obj), name))
                todo.append(value)
        elif isinstance(obj, list | tuple):
            todo.extend(obj)
    return nones - present


@dataclass(frozen=True)
class CheckResult:
    name: str
    missing: list[str]
    unused: list[str]
    error: str | None = None

    @property
    def ok(self) -> bool:
        return not self.missing and not self.unused and self.error is None


def check_sources(name: str, sources: list[str], model: type[BaseModel], sample: BaseModel | None, currency: str = "USD") -> CheckResult:
    """Check templates that share one model (the manual's sections share one context)."""
    env = environment(currency)
    usage = Usage()
    try:
        for source in sources:
            _Walker(model, usage).walk(env.parse(source))
        if sample is not None:
            for source in sources:
                env.from_string(source).render(sample.model_dump())
    except jinja2.TemplateError as exc:
        return CheckResult(name, sorted(usage.missing), [], f"{type(exc).__name__}: {exc}")
    # A field whose sample value is None is one this template set's model may lack (another
    # co-op model's matter, say); only fields the sample fills must be used.
    absent = _absent(sample) if sample is not None else set()
    unused = [f"{m.__name__}.{f}" for m, f in _fields(model) if (m, f) not in usage.used and (m, f) not in absent]
    return CheckResult(name, sorted(usage.missing), sorted(set(unused)))


def check_all(contracts_dir: Path | None = None) -> list[CheckResult]:
    """Every contract template with its sample data, then each model's manual sections together."""
    from engine.documents.manual import default_sections
    from engine.documents.pipeline import of
    from engine.models.registry import get, names

    results = []
    for spec in registry().values():
        mine = contracts_dir / spec.file if contracts_dir else None
        source = expand(mine.read_text(encoding="utf-8")) if mine is not None and mine.is_file() else contract_source(spec.file)
        results.append(check_sources(spec.name, [source], spec.model, spec.sample()))
    for name in names():
        model = get(name)
        sample = of(model).manual_sample()
        sections = [s.body for s in default_sections(model).values()]
        label = "manual" if model.documents is None else f"manual ({model.kind})"
        results.append(check_sources(label, sections, type(sample), sample))
    return results
