"""What a co-op model brings to the one document pipeline, and how shared code finds it.

Every model's manual, agreement and statements are built, typeset, written
and registered by the same code (engine.documents.manual, .contracts,
.notices); a model contributes only data: the context its manual sections
read, a sample of it for ``coop templates check``, and its agreement's
template and data. A model registers them as its ``documents`` hook
(engine.models.registry); a model without one uses the shared federation
documents below. Shared code therefore never names a model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from engine.models.registry import CoopModel, get, hook

if TYPE_CHECKING:
    from engine.books.folder import Books
    from engine.books.roster import Membership
    from engine.documents.statements import Movement
    from engine.documents.templates import TemplateSpec
    from engine.governance import versions as mv


AgreementBuilder = Callable[["Books", Any, date, "mv.Version", "int | None", "int | None"], Any]
"""``(books, party, issue date, manual version in force, monthly fee or None, version last signed)`` -> the document's data."""
PartyBuilder = Callable[["Books", "Membership", date], Any]
"""``(books, membership, issue date)`` -> the signer as the document names them."""


@dataclass(frozen=True)
class AgreementSpec:
    """A model's agreement: its template, how its data is built, and where its files go."""

    template: str
    """The template's name in :func:`engine.documents.templates.registry`."""
    data: AgreementBuilder
    party: PartyBuilder
    stem: str = "{id}-{kind}-v{version}"
    """The file name (without suffix): ``{id}`` the signer, ``{kind}`` the document, ``{version}`` the manual version stated."""
    dated: bool = True
    """Files go under ``agreements/DATE`` (else straight under ``agreements``)."""
    register: bool = True
    """Write ``register.csv`` and ``register.json`` beside the batch."""
    batch: bool = True
    """The signer's fields are the only per-signer data, so the batch is rendered once and filled per signer."""
    figure: Callable[[Any], int | None] = lambda data: data.fee.monthly
    """The figure the journal records as the agreement's fee."""
    needs_fee: bool = True
    """Refuse to issue while no monthly fee is set (a federation's agreement states it)."""


@dataclass(frozen=True)
class ModelDocuments:
    manual_context: Callable[..., Any]
    """``(books, number, effective, summary, proposal=None)`` -> what the model's manual sections may state."""
    manual_sample: Callable[[], Any]
    """A filled-in manual context for ``coop templates check``."""
    agreement: AgreementSpec
    templates: Callable[[], list[TemplateSpec]] = lambda: []
    """The model's own templates (its agreement's), added to the shared registry."""
    statement_credits: Callable[..., list[Movement]] | None = None
    """``(books, provider, cycle)`` -> what the model credits a member in a cycle besides fees and payments (amounts negative)."""


def shared() -> ModelDocuments:
    """The federation's documents: the provider services agreement and the Co-Op Procedures manual."""
    from engine.documents import samples
    from engine.documents.contracts import provider_agreement_for, provider_party_for
    from engine.documents.manual import manual_context

    return ModelDocuments(
        manual_context=manual_context,
        manual_sample=samples.manual_context,
        agreement=AgreementSpec(template="agreement", data=provider_agreement_for, party=provider_party_for("agreement")),
    )


def of(model: CoopModel) -> ModelDocuments:
    fn = hook(model.documents)
    return shared() if fn is None else fn()  # type: ignore[no-any-return]


def for_books(books: Books) -> ModelDocuments:
    return of(get(books.federation.model))


def model_of(books: Books) -> CoopModel:
    return get(books.federation.model)
