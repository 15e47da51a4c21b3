"""The cluster page's infrastructure panel, drawn by a template tag: clusters never imports industry (the cluster
template loads this library; no Python module of clusters does), so the dependency runs one way, industry → clusters."""
from django import template
from django.utils import timezone

from industry.models.infrastructure import InfrastructureItem
from industry.selectors.infrastructure import (
    WASTEWATER_LABELS, cluster_items, cluster_totals, expansion_check, item_rows, reported_facts,
)
from tracker import access

register = template.Library()


def _items(cluster, user) -> list:
    """The cluster's items for this user, loaded once per page whichever tag asks first."""
    if not access.can(user, InfrastructureItem, "view"):
        return []
    if not hasattr(cluster, "_infrastructure_items"):
        cluster._infrastructure_items = cluster_items(cluster=cluster, user=user)
    return cluster._infrastructure_items


@register.simple_tag(takes_context=True)
def cluster_infrastructure_facts(context, cluster):
    """The cluster's infrastructure investment and wastewater plant as form 04 and the dashboard read them today:
    from its items where they hold the fact, else its typed values (industry.selectors.reported_facts)."""
    typed = {name: getattr(cluster, name) for name in (
        "infrastructure_investment_approved_vnd", "infrastructure_investment_paid_vnd", "wastewater_plant_built",
        "wastewater_plant_compliant")}
    return reported_facts(typed, item_rows(_items(cluster, context["request"].user)), timezone.localdate())


@register.inclusion_tag("industry/infrastructure_panel.html", takes_context=True)
def cluster_infrastructure_panel(context, cluster):
    """The items of `cluster` (already fetched for the user, with its occupancy_pct from cluster_queryset), their
    totals and the expansion check of Decree 32/2024 Art. 8(2): one query, none for a user who may not see them."""
    user = context["request"].user
    visible = access.can(user, InfrastructureItem, "view")
    items = _items(cluster, user)
    check = expansion_check(occupancy_pct=cluster.occupancy_pct, items=items, day=timezone.localdate())
    return {
        "cluster": cluster,
        "visible": visible,
        "items": items,
        "totals": cluster_totals(items),
        "check": check,
        "wastewater_label": WASTEWATER_LABELS[check["completeness"].wastewater],
        "request": context["request"],
    }
