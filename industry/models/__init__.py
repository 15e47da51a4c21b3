"""The industry app's models, one module per subject; each is imported here so Django finds it."""
from industry.models.infrastructure import InfrastructureItem  # noqa: F401
