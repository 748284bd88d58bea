"""What the federation does its own way, registered for the shared engine."""

from engine.models.registry import CoopModel

MODEL = CoopModel(
    name="federation",
    kind="federation",
    commands=(),
    demo=None,
    hooks={},
)
