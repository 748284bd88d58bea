"""The co-op models: one package per model, each registering what differs from the shared engine.

Shared code asks the registry (engine.models.registry) and never names a model.
"""
