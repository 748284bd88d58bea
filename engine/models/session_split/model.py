"""What the session split co-op does its own way, registered for the shared engine."""

from engine.models.registry import CoopModel

MODEL = CoopModel(
    name="session_split",
    kind="session split co-op",
    commands=(),
    demo=None,
    hooks={},
    manual_title="Members' manual",
    manual_folder="session_split",
    documents="engine.models.session_split.documents:documents",
)
