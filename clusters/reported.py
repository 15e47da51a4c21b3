"""Facts about a cluster that an app above `clusters` answers better than the cluster's own typed fields, as query
expressions that app registers here.

The cluster's wastewater plant is the case: `industry` keeps the plant as an infrastructure item (completed,
certified) and `industry.selectors.infrastructure.reported_facts` reads the records first and the typed flag only
when the cluster has no such item; the cluster page, form 04 and the dashboard show that answer. The cluster list's
filter and the cluster export must give the same one, but `clusters` may not import `industry` (contracts
`clusters-before-industry` and `industry-above` in .importlinter: `industry` depends on `clusters`). So `industry`
registers, when the apps are ready (`IndustryConfig.ready`), a function that builds the fact as an expression over
the cluster's row (subqueries on its items), and `clusters.selectors.cluster_queryset` annotates each cluster with
it. Nothing registered (an installation without `industry`, or a test that unregisters): the typed field answers,
as `reported_facts` does for a cluster without items."""
from collections.abc import Callable
from datetime import date

from django.db.models import Expression, F
from django.utils import timezone

# fact → (typed field of the cluster it falls back to)
FACTS = {
    "wastewater_built": "wastewater_plant_built",
    "wastewater_compliant": "wastewater_plant_compliant",
}
_registry: dict[str, Callable[[date], Expression]] = {}


def register(fact: str, build: Callable[[date], Expression]) -> None:
    """`build(day)` gives the fact on `day` as an expression over a Cluster row (OuterRef("pk") is the cluster)."""
    if fact not in FACTS:
        raise ValueError(f"unknown cluster fact: {fact}")
    _registry[fact] = build


def unregister(fact: str) -> None:
    _registry.pop(fact, None)


def expression(fact: str, day: date | None = None) -> Expression:
    """The fact as an expression: the registered one on `day` (today by default), else the typed field."""
    build = _registry.get(fact)
    return build(day or timezone.localdate()) if build else F(FACTS[fact])


def annotations(day: date | None = None) -> dict[str, Expression]:
    """Every fact as `reported_<fact>` for QuerySet.annotate()."""
    return {f"reported_{fact}": expression(fact, day) for fact in FACTS}
