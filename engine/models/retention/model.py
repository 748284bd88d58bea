"""What the retention co-op does its own way, registered for the shared engine."""

from engine.models.registry import CoopModel

MODEL = CoopModel(
    name="retention",
    kind="retention co-op",
    commands=(),
    demo=None,
    hooks={},
    manual_title="Members' handbook",
    manual_folder="retention",
    documents="engine.models.retention.documents:documents",
)
