"""The industry app's models, one module per subject; each is imported here so Django finds it."""
from industry.models.production import ElectricityMonth, ProductionIndex, ProductionTarget  # noqa: F401
from industry.models.obstacles import Obstacle, ObstacleAction  # noqa: E402,F401
from industry.models.schemes import Scheme, SchemePlan  # noqa: E402,F401
from industry.models.infrastructure import InfrastructureItem  # noqa: F401
