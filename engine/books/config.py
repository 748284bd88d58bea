"""``federation.yaml``: the founding document, parsed and validated at the edge.

People write this file; everything after founding lives in the journal. The
models here are strict (unknown keys are refused) so a typo is reported, not
silently ignored, and a validation failure is turned into one line naming
the file, the YAML line, the field and what was expected.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal, Union

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from engine.books.ids import Identifier, MemberId
from engine.books.mail import MailSettings
from engine.books.money import CURRENCY, Money
from engine.books.parameters import parameter_classes, parameters_of
from engine.books.portal import Portal
from engine.books.rules import DecisionRule, Matter, model_rules
from engine.books.schedules import Schedule
from engine.errors import UserError
from engine.models.registry import get as model_named
from engine.models.registry import names as model_names

MODELS = model_names()
ModelName = Literal[MODELS]  # type: ignore[valid-type]
AnyParameters = Annotated[Union[parameter_classes()], Field(discriminator="model")]  # type: ignore[valid-type]  # noqa: UP007
"""Each model's own parameters, chosen by ``model:``; a new model package brings its class."""

FILENAME = "federation.yaml"
FILE_VERSION = 1

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _email(value: str) -> str:
    if not _EMAIL.match(value):
        raise ValueError("an email address such as name@example.org")
    return value


_NOT_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff\ud800-\udfff]|\u27e6|\u27e7|\\{\\{|\\}\\}|\\{%|%\\}|\\{#|#\\}")


def _one_line(value: str) -> str:
    """A name printed in documents: a newline could start a heading or a clause, ``⟦provider.email⟧`` a placeholder."""
    found = _NOT_ONE_LINE.search(value)
    if found:
        char = found[0]
        shown = char if len(char) == 2 or char in "\u27e6\u27e7" else ascii(char)[1:-1]
        raise ValueError(f"one line of text without control characters or placeholder syntax, not one holding '{shown}'")
    return value


Email = Annotated[str, AfterValidator(_email)]
Text = Annotated[str, Field(min_length=1)]
Line = Annotated[str, Field(min_length=1), AfterValidator(_one_line)]
"""A name or other single-line field: it appears in documents, so it may not add lines or placeholders to them."""
OptionalLine = Annotated[str, AfterValidator(_one_line)]
"""A single-line field that may be left blank (documents then say it is not on file)."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Provider(Strict):
    """A licensed provider who owns an independent practice and joins the federation."""

    id: MemberId
    name: Line
    practice: Line = Field(description="the provider's own practice's legal name")
    licence: Line
    email: Email
    start: date
    address: OptionalLine = Field(default="", description="the practice's postal address, for notices")
    entity_type: OptionalLine = Field(default="", description="e.g. professional limited liability company")
    formed_in: OptionalLine = Field(default="", description="the state the practice's entity was formed in")


class BudgetLine(Strict):
    """One agreed shared expense: what the parent buys for everyone."""

    id: Identifier
    name: Line
    category: Literal[
        "software",
        "admin_staff",
        "admin_pay",
        "bookkeeping",
        "insurance",
        "education",
        "rent",
        "supervision",
        "other",
        # session split: what the co-op's share pays besides supervision and software
        "licensing",
        "state_fees",
    ]
    monthly: Money
    vendor: Line
    cooperative_vendor: bool = False
    effective: date = Field(alias="from")
    until: date | None = None
    client_records: bool = Field(
        default=False, description="the service holds clients' health records (needs a business associate agreement)"
    )

    @model_validator(mode="after")
    def _dates_in_order(self) -> BudgetLine:
        if self.until is not None and self.until < self.effective:
            raise ValueError(f"'until' ({self.until}) must not be before 'from' ({self.effective})")
        return self


class Parent(Strict):
    """The parent practice that holds the shared accounts and makes no profit."""

    legal_name: Line
    principal: Line
    principal_id: MemberId | None = Field(default=None, description="the principal's provider id, if they are a provider")
    address: OptionalLine = Field(default="", description="postal address, for notices")
    entity_type: OptionalLine = Field(default="", description="e.g. professional limited liability company")
    formed_in: OptionalLine = Field(default="", description="the state the entity was formed in")


class Entity(Strict):
    """The co-op's own legal entity, for the models that have no parent practice."""

    legal_name: Line
    structure: Line = Field(default="LLC", description="e.g. LLC, cooperative corporation")
    address: OptionalLine = Field(default="", description="postal address, for notices")
    formed_in: OptionalLine = Field(default="", description="the state the entity was formed in")


class CycleSpec(Strict):
    """Fee cycles: ``months`` long, the first starting in ``start_month``."""

    start_month: int = Field(default=1, ge=1, le=12)
    months: Literal[1, 2, 3, 4, 6, 12] = 6


JoinerCharging = Literal["first_full_month", "joining_month", "prorate_days"]
LeaverCharging = Literal["through_leaving_month", "last_full_month", "prorate_days"]
RefundBasis = Literal["months", "per_head"]
DeficitPolicy = Literal["carry_forward", "assess"]


def _schedule(value: Any) -> Any:
    return Field(default_factory=lambda: value)


class Policies(Strict):
    """Money policies: each schedule is a dated parameter members may change by vote; ``future_days`` guards typing."""

    joiner_charging: Schedule[JoinerCharging] = Field(default_factory=lambda: Schedule[JoinerCharging].model_validate("first_full_month"))
    leaver_charging: Schedule[LeaverCharging] = Field(
        default_factory=lambda: Schedule[LeaverCharging].model_validate("through_leaving_month")
    )
    refund_basis: Schedule[RefundBasis] = Field(default_factory=lambda: Schedule[RefundBasis].model_validate("months"))
    deficit: Schedule[DeficitPolicy] = Field(default_factory=lambda: Schedule[DeficitPolicy].model_validate("carry_forward"))
    future_days: int = Field(
        default=31, ge=0, le=3660, description="how many days after today a payment, expense or write-off may be dated"
    )


# --- agreement terms: what a lawyer expects every agreement to state ---------------------------


class DisputeStep(Strict):
    """One rung of the dispute ladder; a dispute moves to the next rung when this one has not settled it in ``days``."""

    step: Literal["talk", "mediation", "arbitration", "court"]
    days: int = Field(default=30, ge=0, le=365)
    by: str = Field(default="", description="who runs the step (a mediation service, an arbitration body); empty: agreed at the time")


class PaymentTerms(Strict):
    due_day: int = Field(default=5, ge=1, le=28, description="day of the month an amount charged for that month is due")
    method: Text = "bank transfer to the account the holder names in writing"
    grace_days: int = Field(default=10, ge=0, le=90)
    late: Literal["reminder", "reminder_then_members"] = "reminder_then_members"
    settle_within_days: int = Field(default=30, ge=1, le=180, description="days to pay a departure settlement, either way")


class Insurance(Strict):
    who: Literal["holder", "signer"]
    """``holder``: the parent (or the co-op's entity); ``signer``: each provider or member."""
    cover: Text
    minimum: Money | None = None


def _default_insurance() -> list[Insurance]:
    return [
        Insurance(who="holder", cover="general liability insurance for the shared premises and services"),
        Insurance(who="signer", cover="professional liability (malpractice) insurance for their own clinical work"),
    ]


def _default_disputes() -> list[DisputeStep]:
    return [DisputeStep(step="talk", days=30), DisputeStep(step="mediation", days=60), DisputeStep(step="court", days=0)]


class AgreementTerms(Strict):
    """The terms every agreement states besides the model's own: law, disputes, payment, insurance, liability, notice."""

    governing_law: Text = "the state in which the holder has its principal office"
    venue: Text = "the state or federal courts for the county of the holder's principal office"
    disputes: list[DisputeStep] = Field(default_factory=_default_disputes, min_length=1)
    payment: PaymentTerms = PaymentTerms()
    insurance: list[Insurance] = Field(default_factory=_default_insurance)
    liability_cap_months: int = Field(default=12, ge=1, le=120, description="liability is capped at the fees paid in this many months")
    withdrawal_notice_days: int = Field(default=90, ge=0, le=730, description="notice the holder gives to end every agreement")
    signer_notice_days: int = Field(default=0, ge=0, le=365, description="notice a provider gives to leave (0: any time)")
    breach_notice_days: int = Field(default=10, ge=1, le=60, description="days to report a breach of client records' security")


class Federation(Strict):
    """The whole of ``federation.yaml``."""

    version: Literal[1] = FILE_VERSION
    name: Line
    model: ModelName = "federation"
    parameters: AnyParameters = Field(default_factory=lambda: parameters_of("federation")())
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = "USD"
    founded: date
    parent: Parent | None = None
    entity: Entity | None = None
    cycle: CycleSpec = CycleSpec()
    policies: Policies = Policies()
    decision_rules: dict[Matter, DecisionRule] = Field(default_factory=dict, validate_default=True)
    providers: list[Provider] = Field(default_factory=list)
    budget: list[BudgetLine] = Field(default_factory=list)
    terms: AgreementTerms = AgreementTerms()
    portal: Portal | None = None
    mail: MailSettings | None = Field(default=None, description="the mail server; absent: mail is queued, not sent")

    @model_validator(mode="before")
    @classmethod
    def _parameters_follow_the_model(cls, data: Any) -> Any:
        """The ``parameters`` block is read as the chosen model's own parameters."""
        if isinstance(data, dict) and isinstance(data.get("parameters", {}), dict):
            params = dict(data.get("parameters") or {})
            params["model"] = data.get("model", "federation")
            data = {**data, "parameters": params}
        return data

    @field_validator("providers", "budget", mode="before")
    @classmethod
    def _empty_list(cls, value: Any) -> Any:
        """``providers:`` with only comments under it (a new file's commented example) is an empty roster, not an error."""
        return [] if value is None else value

    @field_validator("decision_rules", mode="after")
    @classmethod
    def _fill_rules(cls, rules: dict[Matter, DecisionRule], info: ValidationInfo) -> dict[Matter, DecisionRule]:
        """The model's own matters, each with its rule: as written, else the model's default."""
        model = info.data.get("model", "federation")
        defaults = model_rules(model)
        extra = sorted(m.value for m in rules if m not in defaults)
        if extra:
            raise ValueError(f"matter {', '.join(extra)} does not apply to the {model} model (its matters: {', '.join(defaults)})")
        return {**defaults, **rules}

    @model_validator(mode="after")
    def _consistent(self) -> Federation:
        if self.model == "federation" and self.parent is None:
            raise ValueError("a federation needs its parent practice: add 'parent:' with legal_name and principal")
        if self.model != "federation":
            if self.parent is not None:
                raise ValueError(f"'parent' belongs to the federation model; a {self.model} co-op names its own 'entity'")
            if self.entity is None:
                raise ValueError(f"a {self.model} co-op needs 'entity:' with its legal_name")
        why = model_named(self.model).call("check_config", self)
        if why:
            raise ValueError(why)
        _unique([p.id for p in self.providers], "providers", "provider id")
        _unique([b.id for b in self.budget], "budget", "budget line id")
        ids = {p.id for p in self.providers}
        if self.parent is not None and self.parent.principal_id is not None and self.parent.principal_id not in ids:
            raise ValueError(f"parent.principal_id '{self.parent.principal_id}' is not one of the providers")
        return self

    @property
    def holder(self) -> str:
        """Who holds the shared accounts: the parent practice, or the co-op's own entity."""
        if self.parent is not None:
            return self.parent.legal_name
        assert self.entity is not None  # checked by _consistent
        return self.entity.legal_name

    @property
    def keeper(self) -> str:
        """How reports name whoever holds the accounts and keeps nothing: "the parent" or "the co-op"."""
        return "the parent" if self.parent is not None else "the co-op"

    def provider(self, provider_id: str) -> Provider | None:
        return next((p for p in self.providers if p.id == provider_id), None)


def _unique(values: list[str], where: str, what: str) -> None:
    seen: set[str] = set()
    for i, v in enumerate(values):
        if v in seen:
            raise DuplicateError(f"duplicate {what} '{v}'", (where, i, "id"))
        seen.add(v)


class DuplicateError(ValueError):
    """A duplicate id, carrying where it stands so the error can name the line."""

    def __init__(self, message: str, loc: tuple[Any, ...]) -> None:
        super().__init__(message)
        self.loc = loc


# --- reading YAML -----------------------------------------------------------------


MAX_BYTES = 64 * 1024 * 1024
"""Larger than any real federation's file (20,000 providers is about 5 MB); a bigger one is refused unread."""
MAX_ALIASES = 20
"""YAML aliases allowed in one file: enough to share a rule, too few to multiply a file into gigabytes."""


class _DecimalLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe YAML whose decimal numbers become ``Decimal``, never ``float``, and whose keys are unique.

    A second ``providers:`` would otherwise silently replace the first roster.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge" or not isinstance(key_node, yaml.ScalarNode):
                continue
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in seen:
                raise _Duplicate(f"duplicate key '{key}' (first written on line {seen[key]})", line)
            seen[key] = line
        return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]


class _Duplicate(ValueError):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


_PLAIN_DECIMAL = re.compile(r"^[-+]?[0-9]+\.[0-9]*$|^[-+]?\.[0-9]+$", re.ASCII)
_PLAIN_INT = re.compile(r"^[-+]?[0-9]+$", re.ASCII)


def _decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal | str:
    """A plain decimal as ``Decimal``; ``1.5e3``, ``1_000.0`` or ``.inf`` stay text, so money refuses them by name."""
    text = str(loader.construct_scalar(node))
    return Decimal(text) if _PLAIN_DECIMAL.match(text) else text


def _int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int | str:
    """Plain digits as ``int``; YAML 1.1's ``0x10``, ``0o17``, ``1_000`` and ``1:30`` stay text and are refused where a number is due."""
    text = str(loader.construct_scalar(node))
    return int(text) if _PLAIN_INT.match(text) and len(text) <= 30 else text


def _as_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    """Leave dates as text: pydantic parses them and reports a bad one by field."""
    return str(loader.construct_scalar(node))


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _decimal)
_DecimalLoader.add_constructor("tag:yaml.org,2002:int", _int)
_DecimalLoader.add_constructor("tag:yaml.org,2002:timestamp", _as_text)


def _count_aliases(text: str) -> int:
    """Aliases in ``text``, counted on the parser's events before anything is built from them."""
    if "*" not in text:
        return 0
    return sum(isinstance(event, yaml.AliasEvent) for event in yaml.parse(text, Loader=_DecimalLoader))


def parse_yaml(text: str, *, file: Path | None = None, field: str | None = None) -> Any:
    """YAML text to plain data, safely: every refusal is a one-line :class:`UserError`.

    The same rules for ``federation.yaml`` and for a value typed on the
    command line (``rule-change --set secret=true``): no Python tags, no
    duplicate keys, no alias bombs, no floats.
    """
    where: dict[str, Any] = {"file": file, "field": field}
    try:
        aliases = _count_aliases(text)
        if aliases > MAX_ALIASES:
            raise UserError(
                f"{aliases} YAML aliases (*name); at most {MAX_ALIASES} are allowed", **where, expected="the values written out"
            )
        return yaml.load(text, Loader=_DecimalLoader)
    except _Duplicate as exc:
        raise UserError(str(exc), **where, line=exc.line if file else None, expected="each key once") from None
    except (yaml.YAMLError, ValueError, ArithmeticError, RecursionError) as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or (str(exc).splitlines() or ["too deeply nested"])[0]
        raise UserError(
            f"malformed YAML: {problem}",
            **where,
            line=mark.line + 1 if mark and file else None,
            expected="valid YAML",
        ) from None


def yaml_value(text: str, field: str) -> Any:
    """One value as written on the command line (``true``, ``3``, ``[a, b]``), read by :func:`parse_yaml`."""
    return parse_yaml(text, field=field)


_CURRENCY_LINE = re.compile(r"""^currency:[ \t]*["']?([A-Z]{3})\b""", re.MULTILINE)


def currency_of(folder: Path | None) -> str | None:
    """The currency written in the books' file, read cheaply before the books are opened.

    The command line parses an amount before the command opens the books, and
    a symbol (``€5``) must still be checked against the federation's own.
    ``None`` when there are no books to ask: opening them will say why.
    """
    candidates = [folder] if folder is not None else [Path.cwd(), *Path.cwd().parents]
    for place in candidates:
        try:
            text = (Path(place) / FILENAME).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        match = _CURRENCY_LINE.search(text)
        return match[1] if match else "USD"
    return None


def read_yaml(path: Path) -> Any:
    """Parse a YAML file, turning syntax errors and size limits into a one-line :class:`UserError`."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise UserError(f"the file is {size:,} bytes; at most {MAX_BYTES:,} are read", file=path)
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError("file not found", file=path) from None
    except IsADirectoryError:
        raise UserError("is a folder, not a YAML file", file=path) from None
    except PermissionError:
        raise UserError("cannot be read (permission denied)", file=path) from None
    except UnicodeDecodeError:
        raise UserError("not UTF-8 text", file=path) from None
    except OSError as exc:
        raise UserError(f"cannot be read ({exc.strerror or exc})", file=path) from None
    return parse_yaml(text, file=path)


def line_of(path: Path, loc: tuple[Any, ...]) -> int | None:
    """The YAML line where ``loc`` (a pydantic error location) is written.

    Only called on the error path, so the slower node-keeping parse costs
    nothing when the file is valid. Falls back to the nearest parent found.
    """
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if k.value == str(part)), None)
            if match is None:
                break
            line = match[0].start_mark.line + 1
            node = match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def dotted(loc: tuple[Any, ...]) -> str:
    """``('providers', 2, 'email')`` -> ``providers[2].email``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


_EXPECTED = {
    "missing": "this field to be present",
    "extra_forbidden": "no such key; check its spelling",
    "date_from_datetime_parsing": "a date written YYYY-MM-DD",
    "date_parsing": "a date written YYYY-MM-DD",
    "date_type": "a date written YYYY-MM-DD",
    "literal_error": None,
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "string_type": "text",
    "list_type": "a list",
    "dict_type": "a mapping of keys to values",
    "model_type": "a mapping of keys to values",
}


def _clean_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Drop pydantic's internal steps (generic, validator and union tag names) from a location."""
    if len(loc) > 1 and loc[0] == "parameters" and loc[1] in MODELS:
        loc = (loc[0], *loc[2:])
    return tuple(p for p in loc if not (isinstance(p, str) and ("[" in p or p in {"steps", "function-after", "function-before"})))


def validation_error(exc: ValidationError, path: Path, root: tuple[Any, ...] = ()) -> UserError:
    """Reduce a pydantic error to its first, most useful line."""
    errors = exc.errors(include_url=False)
    err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])  # a misspelt key explains a "missing" one
    ctx_error = (err.get("ctx") or {}).get("error")
    loc = root + _clean_loc(tuple(err["loc"]))
    message = err["msg"].removeprefix("Value error, ")
    if isinstance(ctx_error, DuplicateError):
        loc = root + ctx_error.loc
    kind = err["type"]
    expected = _EXPECTED.get(kind)
    if kind == "extra_forbidden":
        message = f"unknown key '{loc[-1]}'"
    elif kind == "missing":
        message = "required field is missing"
    elif kind == "literal_error":
        message = f"{err.get('input')!r} is not allowed"
        expected = (err.get("ctx") or {}).get("expected")
    return UserError(message, file=path, line=line_of(path, loc), field=dotted(loc) or None, expected=expected)


def load_federation(path: Path) -> Federation:
    """Read and validate ``federation.yaml``; any mistake becomes a :class:`UserError`."""
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise UserError("the file must be a mapping of keys to values", file=path, line=1, expected="'name: ...' and so on")
    currency = data.get("currency")
    CURRENCY.set(currency if isinstance(currency, str) else "USD")
    try:
        # by alias only: a budget line's 'from' may not be written 'effective'
        federation = Federation.model_validate(data, by_alias=True, by_name=False)
    except ValidationError as exc:
        raise validation_error(exc, path) from None
    _within_bounds(federation, path)
    return federation


def _within_bounds(federation: Federation, path: Path) -> None:
    """Dates the books can count with, and budget lines within the amount cap in force on their date.

    Checked after validation so the line named is the one written: a founding
    date in 9999 would otherwise overflow the first cycle's arithmetic.
    """
    from engine.books.clock import EARLIEST, LATEST
    from engine.books.money import format_cents

    dates: list[tuple[tuple[Any, ...], date | None]] = [(("founded",), federation.founded)]
    dates += [(("providers", i, "start"), p.start) for i, p in enumerate(federation.providers)]
    dates += [(("budget", i, "from"), b.effective) for i, b in enumerate(federation.budget)]
    dates += [(("budget", i, "until"), b.until) for i, b in enumerate(federation.budget)]
    for loc, day in dates:
        if day is not None and not EARLIEST <= day <= LATEST:
            raise UserError(
                f"{day} is out of range",
                file=path,
                line=line_of(path, loc),
                field=dotted(loc),
                expected=f"a date from {EARLIEST} to {LATEST}",
            )
    cap = federation.parameters.amount_cap
    for i, b in enumerate(federation.budget):
        if b.monthly > cap.at(b.effective):
            loc = ("budget", i, "monthly")
            raise UserError(
                f"{format_cents(b.monthly, federation.currency)} is more than one amount may be",
                file=path,
                line=line_of(path, loc),
                field=dotted(loc),
                expected=f"at most {format_cents(cap.at(b.effective), federation.currency)} (parameter amount_cap)",
            )
