"""The Co-Op Procedures manual: sections, their data, and the rendered text of a version.

A section is a Markdown file with YAML front matter (``id``, ``title``,
``order``). The defaults shipped in ``manual/sections`` are sandboxed Jinja
templates; every other section text is data with ``{{ name }}`` placeholders
only (engine.placeholders), because members and the administrator write it.
The defaults live in ``manual/sections``;
a federation overrides any of them (or adds one) with a file of the same
``id`` under ``<books>/manual/``; an adopted amendment replaces sections by
id from its version on. Every figure the text states is read from the books
(``ManualContext``), so the manual cannot disagree with the engine.

Headings are numbered here, not in the sources, so an inserted section
renumbers the rest and the redline shows it.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from engine.audit.anchors import Anchor
from engine.books.budget import lines_on
from engine.books.config import CycleSpec
from engine.books.folder import Books
from engine.books.holder import holder_on
from engine.books.output import write_bytes, write_text
from engine.books.roster import active
from engine.books.rules import DecisionRule, Matter
from engine.documents import anchor as anchoring
from engine.documents import placeholders
from engine.documents.data import (
    BudgetRow,
    CycleView,
    EntityView,
    ManualContext,
    ManualVersionView,
    ParentParty,
    PolicyView,
    RuleBook,
    RuleView,
    fraction_words,
    number_words,
)
from engine.documents.redline import Redline, redline
from engine.documents.templates import environment, md_escape
from engine.documents.typesetting import DocMeta, to_docx
from engine.errors import UserError
from engine.governance.proposals import rules_in_force
from engine.ledger.fee_quote import monthly_fee
from engine.ledger.fees import DEFICIT_WORDS, JOINER_WORDS, LEAVER_WORDS, REFUND_WORDS
from engine.models.registry import CoopModel, get

TITLE = CoopModel.manual_title
PLACEHOLDER_FILTERS = ("money", "long_date", "joined")
"""The filters a member's text may apply to a placeholder."""
OVERRIDES = "manual"
"""Folder inside the books where a federation keeps its own sections."""

_FRONT = re.compile(r"\A---\s*\n(.*?)\n---\s*\n(.*)\Z", re.S)


class SectionMeta(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str = Field(min_length=1)
    order: int


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    order: int
    body: str
    origin: str
    """Where the source came from (a file, or the version that adopted it), for error messages."""
    body_line: int = 1
    """The source line the body starts on, so template errors point at the right line."""
    shipped: bool = False
    """Only the sections shipped with coop are templates; any other text is data with placeholders."""


def parse_section(source: str, origin: str) -> Section:
    """One section source; a malformed one is the author's mistake, reported in one line."""
    match = _FRONT.match(source.replace("\r\n", "\n"))
    if not match:
        raise UserError("a manual section starts with front matter between '---' lines", file=origin, line=1, expected="id, title, order")
    try:
        meta = SectionMeta.model_validate(yaml.safe_load(match[1]) or {})
    except yaml.YAMLError:
        raise UserError("malformed front matter", file=origin, line=2, expected="YAML with id, title, order") from None
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        field = ".".join(str(p) for p in err["loc"]) or None
        raise UserError(err["msg"], file=origin, line=2, field=field, expected="id (lower_case), title, order (a number)") from None
    return Section(meta.id, meta.title, meta.order, match[2], origin, match[1].count("\n") + 4)


def default_sections(model: CoopModel) -> dict[str, Section]:
    """The sections shipped for ``model`` (its own folder under ``manual/``)."""
    folder = resources.files("manual").joinpath(model.manual_folder)
    out = {}
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if item.name.endswith(".md"):
            section = parse_section(item.read_text(encoding="utf-8"), f"manual/{model.manual_folder}/{item.name}")
            out[section.id] = replace(section, shipped=True)
    return out


def override_sections(folder: Path) -> dict[str, Section]:
    out: dict[str, Section] = {}
    where = folder / OVERRIDES
    if where.is_dir():
        for path in sorted(where.glob("*.md")):
            section = parse_section(path.read_text(encoding="utf-8"), str(path))
            if section.id in out:
                raise UserError(f"two files define manual section '{section.id}'", file=path, field="id")
            out[section.id] = section
    return out


def apply_changes(sections: dict[str, Section], changes: dict[str, str], origin: str) -> dict[str, Section]:
    """Sections after an amendment: each change replaces (or adds) a section by id; empty text removes it."""
    out = dict(sections)
    for section_id, source in changes.items():
        if not source.strip():
            out.pop(section_id, None)
            continue
        where = f"{origin}, section {section_id}"
        if not _FRONT.match(source.replace("\r\n", "\n")) and section_id in out:
            # Replacing a section's text keeps its id, title and place.
            old = out[section_id]
            section = Section(old.id, old.title, old.order, source, where)
        else:
            section = parse_section(source, where)
        if section.id != section_id:
            raise UserError(f"the change for section '{section_id}' declares id '{section.id}'", field="changes", expected="matching ids")
        out[section_id] = section
    return out


def sections_of(books: Books, number: int, extra: dict[str, str] | None = None) -> dict[str, Section]:
    """The sources of version ``number``; ``extra`` is an amendment being adopted as that version."""
    from engine.governance.versions import versions

    sections = {**default_sections(get(books.federation.model)), **override_sections(books.folder)}
    for v in versions(books)[1:number]:
        sections = apply_changes(sections, v.changes, f"manual v{v.number}")
    if extra is not None:
        sections = apply_changes(sections, extra, f"manual v{number}")
    return sections


# --- the data the text states ------------------------------------------------------------

RULE_TITLES = {
    Matter.onboarding: "Admitting a new provider",
    Matter.admin_staffing: "Administrative staffing",
    Matter.admin_pay: "Pay for administrative staff",
    Matter.budget_change: "Other changes to the shared budget",
    Matter.manual_amendment: "Amending this manual",
    Matter.termination: "Ending a provider's agreement for cause",
    Matter.end_parent: "Continuing without the parent",
    Matter.rule_change: "Changing a decision rule",
    Matter.general: "Other decisions the members take together",
    Matter.membership: "Becoming a member-owner",
    Matter.parameter_change: "Changing a rate or share",
    Matter.rent_cover: "Covering rent during extended leave",
    Matter.low_rate: "Seeing a client at a very low rate",
    Matter.software: "Choosing shared software",
    Matter.supervisor: "Choosing the contracted supervisor",
    Matter.surplus_use: "What the surplus is used for",
}

_RECUSAL = {
    "subject": "the provider the matter concerns does not vote on it",
    "principal": "the parent's principal does not vote on it",
}

# The policies are stated in the fee engine's own words, so the two cannot drift apart.
JOINER, LEAVER, REFUND, DEFICIT = JOINER_WORDS, LEAVER_WORDS, REFUND_WORDS, DEFICIT_WORDS


def decided_text(rule: DecisionRule) -> str:
    """How a rule decides, in one phrase: "at least two thirds of all members eligible to vote"."""
    basis = "of the votes cast" if rule.basis == "votes_cast" else "of all members eligible to vote"
    share = fraction_words(rule.threshold)
    if rule.method == "majority":
        return f"a majority (more than {share} {basis})"
    if rule.method == "supermajority":
        return f"at least {share} {basis}"
    if rule.method == "unanimous":
        return "every member eligible to vote votes yes" if rule.basis == "eligible" else "every vote cast is a yes"
    return "consensus: at least one yes, and nobody votes no or blocks (a block gives its reason in writing)"


def rule_view(matter: Matter, rule: DecisionRule) -> RuleView:
    return RuleView(
        title=RULE_TITLES[matter],
        decided=decided_text(rule),
        threshold_words=fraction_words(rule.threshold),
        basis_words="the votes cast" if rule.basis == "votes_cast" else "all members eligible to vote",
        quorum_words=fraction_words(rule.quorum),
        notice_days=rule.notice_days,
        response_days=rule.response_days,
        voting_days=rule.voting_days,
        cooling_off_days=rule.cooling_off_days,
        ratification_days=rule.ratification_days,
        recusal="; ".join(_RECUSAL[r] for r in rule.recuse),
        second_reading=rule.second_reading,
        secret=rule.secret,
    )


def rule_book(rules: dict[Matter, DecisionRule]) -> tuple[RuleBook, list[RuleView]]:
    """The model's matters (those it has rules for), in the order the model lists them."""
    views = rule_views(rules)
    return RuleBook(**views), list(views.values())


def in_manual_order(books: Books, rules: dict[Matter, DecisionRule]) -> dict[Matter, DecisionRule]:
    """The rules in the order the founding file lists the model's matters, however the journal changed them.

    A table rendered in a stable order diffs row by row: a rule changed by vote
    must not move every other row of the voting-rules table in a redline.
    """
    order = list(books.federation.decision_rules)
    return {m: rules[m] for m in [*order, *(m for m in rules if m not in order)] if m in rules}


def member_words(text: str) -> str:
    """The fee engine and rule views speak of providers; a co-op of members speaks of members."""
    return text.replace("providers", "members").replace("provider", "member")


def rule_views(
    rules: dict[Matter, DecisionRule], titles: dict[Matter, str] | None = None, order: list[Matter] | None = None, members: bool = False
) -> dict[str, RuleView]:
    """Each matter's rule in words, keyed by matter: in the manual's ``order`` first, then as the rules list them.

    ``titles`` are a model's own words where they differ from the shared ones;
    ``members`` says the co-op's people are members, not providers.
    """
    titles = titles or {}
    views: dict[str, RuleView] = {}
    for m in [*(order or []), *rules]:
        if m in rules and m.value not in views:
            v = rule_view(m, rules[m])
            update = {"title": titles.get(m, v.title)}
            if members:
                update["recusal"] = member_words(v.recusal)
            views[m.value] = v.model_copy(update=update)
    return views


def entity_view(books: Books) -> EntityView:
    """The co-op's own legal entity (every model but the federation names one; config checks)."""
    e = books.federation.entity
    assert e is not None
    return EntityView(legal_name=e.legal_name, structure=e.structure)


def version_view(number: int, effective: date, summary: str, proposal: str | None) -> ManualVersionView:
    return ManualVersionView(number=number, effective=effective, summary=summary, proposal=proposal)


def context_for(books: Books) -> Any:
    """The function that builds what this model's manual states."""
    from engine.documents.pipeline import for_books

    return for_books(books).manual_context


def budget_rows(books: Books, on: date) -> list[BudgetRow]:
    return [BudgetRow(name=b.name, vendor=b.vendor, monthly=b.monthly, cooperative=b.cooperative_vendor) for b in lines_on(books, on)]


def cycle_view(spec: CycleSpec) -> CycleView:
    """The fee cycle in words, as every model's manual states it."""
    return CycleView(
        months=spec.months,
        months_words=number_words(spec.months),
        start_month_name=calendar.month_name[spec.start_month],
        per_year_words=number_words(12 // spec.months),
    )


def manual_context(books: Books, number: int, effective: date, summary: str, proposal: str | None = None) -> ManualContext:
    """What version ``number`` states, as the books stood on its effective date."""
    fed = books.federation
    lines = lines_on(books, effective)
    rules, table = rule_book(in_manual_order(books, rules_in_force(books, effective)))
    holder = holder_on(books, effective)  # a version effective after a handover names the successor
    return ManualContext(
        federation_name=fed.name,
        parent=ParentParty(legal_name=holder.legal_name, principal=holder.principal if fed.parent else ""),
        founded=fed.founded,
        version=version_view(number, effective, summary, proposal),
        cycle=cycle_view(fed.cycle),
        policies=PolicyView(
            joiner_charging=JOINER[fed.policies.joiner_charging.at(effective)],
            leaver_charging=LEAVER[fed.policies.leaver_charging.at(effective)],
            refund_basis=REFUND[fed.policies.refund_basis.at(effective)],
            deficit=DEFICIT[fed.policies.deficit.at(effective)],
        ),
        rules=rules,
        rule_table=table,
        budget=budget_rows(books, effective),
        budget_total=sum(b.monthly for b in lines),
        fee=monthly_fee(books, effective),
        provider_count=len(active(books, effective)),
        ce_monthly=sum(b.monthly for b in lines if b.category == "education"),
        cooperative_vendors=[b.vendor for b in lines if b.cooperative_vendor],
        settle_within_days=fed.terms.payment.settle_within_days,
    )


# --- rendering ---------------------------------------------------------------------------


def render_sections(sections: dict[str, Section], context: Any, currency: str) -> str:
    """The whole manual; ``context`` is the model's own (a model with a ``title`` names its manual)."""
    env = environment(currency)
    data = context.model_dump()
    version = f"Version {context.version.number}, effective {_long(context.version.effective)}"
    # A co-op model's own context may name its manual and the co-op (``manual_title`` or ``title``, ``coop_name``).
    name = getattr(context, "coop_name", None) or context.federation_name
    heading = getattr(context, "manual_title", None) or getattr(context, "title", None) or TITLE
    title = f"# {heading}\n\n**{md_escape(name)}**\n\n{version}\n\n<!-- toc -->\n\n<!-- page-break -->\n"
    parts = [title]
    for section in sorted(sections.values(), key=lambda s: (s.order, s.id)):
        body = _SUBHEADING.sub(r"#\1 ", _render_one(env, section, data, currency))
        parts.append(f"\n## {section.title}\n\n{body.strip()}\n")
    return number_headings("".join(parts))


@lru_cache(maxsize=512)
def _shipped(body: str, currency: str) -> jinja2.Template:
    """A shipped section compiled once per process and currency: compiling one costs more than rendering it."""
    return environment(currency).from_string(body)


def _render_one(env: jinja2.Environment, section: Section, data: dict[str, Any], currency: str) -> str:
    if not section.shipped:
        return placeholders.render(
            section.body,
            data,
            {name: env.filters[name] for name in PLACEHOLDER_FILTERS},
            lambda value: placeholders.plain(value, md_escape),
            origin=section.origin,
            first_line=section.body_line,
        )
    try:
        return _shipped(section.body, currency).render(data)
    except jinja2.TemplateSyntaxError as exc:
        raise UserError(f"template error: {exc.message}", file=section.origin, line=(exc.lineno or 1) + section.body_line - 1) from None
    except jinja2.UndefinedError as exc:
        raise UserError(
            f"template error: {exc.message}", file=section.origin, expected="a name from the manual's data (coop templates check)"
        ) from None


def _long(day: date) -> str:
    from engine.documents.templates import long_date

    return long_date(day)


_SUBHEADING = re.compile(r"^(#{2,5}) ", re.M)
"""A section's own headings sit one level below its title."""
_HEADING = re.compile(r"^(##|###) (.+?)(\s*\{-\})?$", re.M)


def number_headings(markdown: str) -> str:
    """``## Title`` -> ``## 3. Title`` and ``### Sub`` -> ``### 3.2 Sub``; ``{-}`` marks one to leave unnumbered."""
    counters = [0, 0]
    in_fence = False
    out = []
    for line in markdown.split("\n"):
        if line.startswith("```"):
            in_fence = not in_fence
        match = None if in_fence else _HEADING.match(line)
        if match:
            level, text, unnumbered = match[1], match[2], match[3]
            if unnumbered:
                line = f"{level} {text}"
            elif level == "##":
                counters = [counters[0] + 1, 0]
                line = f"## {counters[0]}. {text}"
            else:
                counters[1] += 1
                line = f"### {counters[0]}.{counters[1]} {text}"
        out.append(line)
    return "\n".join(out)


def render_version(
    books: Books, number: int, effective: date, summary: str, extra: dict[str, str] | None = None, proposal: int | None = None
) -> str:
    """The full Markdown of a version, from its sources and the books as of its effective date.

    ``proposal`` is the adopting proposal's opening entry (what the journal
    refers to); the text names it by its label, as members know it.
    """
    from engine.governance.versions import proposal_label

    context = context_for(books)(books, number, effective, summary, proposal_label(books, proposal))
    return render_sections(sections_of(books, number, extra), context, books.federation.currency)


def check_amendment(books: Books, changes: dict[str, str], effective: date) -> None:
    """Render the version an amendment would make, so a broken text is refused when proposed, not when adopted."""
    from engine.governance.versions import versions

    number = len(versions(books)) + 1
    render_version(books, number, effective, "check", extra=changes)


# --- files -----------------------------------------------------------------------------


def version_meta(books: Books, number: int, effective: date, anchor: Anchor | None = None) -> DocMeta:
    from engine.documents.templates import long_date

    title = get(books.federation.model).manual_title
    return DocMeta(
        title=f"{title}, version {number}",
        footer=f"{title} · Version {number} · Effective {long_date(effective)}",
        issued=effective,
        author=holder_on(books, effective).legal_name,
        subject=books.federation.name,
        anchor=anchoring.line(anchor),
    )


@dataclass(frozen=True)
class Published:
    markdown: Path
    docx: Path
    stored: bool
    """Whether the text is the one stored in the journal (else rendered now, not yet recorded)."""
    sha256: str
    anchor: Anchor | None = None
    """The journal head when the copy was written, which its DOCX footer prints."""


def publish_version(books: Books, number: int, out: Path) -> Published:
    """Write version ``number`` as Markdown and DOCX under ``out/manual``.

    The Markdown is the version's text exactly (its SHA-256 is the one the
    journal records), so only the DOCX footer prints the anchor.
    """
    from engine.governance.versions import content, require, sha256_text

    v = require(books, number)
    text, stored = content(books, number)
    head = anchoring.current(books.journal)
    folder = out / "manual"
    md = write_text(folder / f"manual-v{number}.md", text)
    docx = write_bytes(folder / f"manual-v{number}.docx", to_docx(text, version_meta(books, number, v.effective, head)))
    return Published(md, docx, stored, sha256_text(text), head)


def publish_redline(books: Books, old: int, new: int, out: Path) -> tuple[Published, Redline]:
    """The redline from version ``old`` to ``new`` as Markdown and DOCX under ``out/manual``."""
    from engine.documents.templates import long_date, md_escape
    from engine.governance.versions import content, require, sha256_text

    before, after = require(books, old), require(books, new)
    if old == new:
        raise UserError("a redline compares two different versions", field="V2")
    marked = redline(content(books, old)[0], content(books, new)[0])
    title, _, rest = marked.markdown.partition("\n")
    note = (
        f"**Redline from version {old} to version {new}.** Text added in version {new} is <ins>underlined</ins>; "
        f"text removed is <del>struck through</del>. Version {new} takes effect on {long_date(after.effective)}: "
        f"{md_escape(after.summary)}."
    )
    text = f"{title}\n\n{note}\n{rest}"
    name = get(books.federation.model).manual_title
    meta = DocMeta(
        title=f"{name}: redline from version {old} to version {new}",
        footer=f"Redline of the {name} · Version {old} ({long_date(before.effective)}) to version {new} ({long_date(after.effective)})",
        issued=after.effective,
        author=holder_on(books, after.effective).legal_name,
        subject=books.federation.name,
        anchor=anchoring.line(head := anchoring.current(books.journal)),
    )
    folder = out / "manual"
    md = write_text(folder / f"redline-v{old}-v{new}.md", anchoring.markdown(text, meta.anchor))
    docx = write_bytes(folder / f"redline-v{old}-v{new}.docx", to_docx(text, meta))
    return Published(md, docx, True, sha256_text(text), head), marked
