"""The flat-pay model: one hourly rate for all labour, two entities, capital accounts."""
