"""The journal's words for agreements: what is issued, what is signed, and the business associate agreement's kind.

Kept apart from engine.documents.contracts (which typesets agreements and
imports python-docx and Jinja2) so that checking signatures, as
``coop audit verify`` does, does not load the typesetter.
"""

from __future__ import annotations

ISSUED = "contract.issued"
BUSINESS_ASSOCIATE = "business-associate"
"""A business associate agreement: issued to each signer while a shared service holds client records (``client_records``)."""
SIGNED = "contract.signed"
