"""The industry app's models, one module per subject; each is imported here so Django finds it."""
from industry.models.production import ElectricityMonth, ProductionIndex, ProductionTarget  # noqa: F401
