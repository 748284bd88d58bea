"""What the flat pay co-op does its own way, registered for the shared engine."""

from engine.models.registry import CoopModel

MODEL = CoopModel(
    name="flat_pay",
    kind="flat pay co-op",
    commands=(),
    demo=None,
    hooks={},
    manual_title="Members' manual",
    manual_folder="flat_pay",
    documents="engine.models.flat_pay.documents:documents",
)
