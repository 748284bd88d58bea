"""The federation's parameters: none beyond its budget and policies."""

from __future__ import annotations

from typing import Literal

from engine.books.parameters import ModelParameters


class FederationParameters(ModelParameters):
    """The federation model runs on its budget and policies alone."""

    model: Literal["federation"] = "federation"
