"""The columns of the exported cluster list; the keys are those of the import template, a choice is exported as its
label (the import reads a key or either label back)."""
from django.utils.translation import gettext_lazy as _

from tracker.exports import Column

CLUSTER_COLUMNS = [
    Column(_("Code"), "cluster_code", lambda c: c.code),
    Column(_("Name"), "cluster_name", lambda c: c.name),
    Column(_("Commune or ward"), "commune", lambda c: c.commune.name),
    Column(_("Former district"), "former_district", lambda c: c.former_district.name),
    Column(_("Kind"), "kind", lambda c: c.get_kind_display()),
    Column(_("Total area (ha)"), "total_area_ha", lambda c: c.total_area_ha),
    Column(_("Industrial land (ha)"), "industrial_land_ha", lambda c: c.industrial_land_ha),
    Column(_("Stage"), "stage", lambda c: c.get_stage_display()),
    Column(_("Establishment decision"), "establishment_decision_number", lambda c: c.establishment_decision_number),
    Column(_("Establishment date"), "establishment_date", lambda c: c.establishment_date),
    Column(_("Infrastructure developer"), "developer_name", lambda c: c.developer_name),
    Column(_("Leased (ha)"), "leased_ha", lambda c: c.leased_ha),
    Column(_("Unleased (ha)"), "unleased_ha", lambda c: c.unleased_ha),
    Column(_("Occupancy (%)"), "occupancy_pct", lambda c: None if c.occupancy_pct is None else round(c.occupancy_pct, 2)),
    Column(_("Projects"), "projects", lambda c: c.project_count),
    # The plant as the cluster page and form 04 read it: its records first, the typed flag without them
    # (clusters.reported; annotated by clusters.selectors.cluster_queryset).
    Column(_("Wastewater plant built"), "wastewater_plant_built", lambda c: c.reported_wastewater_built),
    Column(_("Wastewater plant meets standards"), "wastewater_plant_compliant",
           lambda c: c.reported_wastewater_compliant),
]


def cluster_geojson(clusters) -> dict:
    """The clusters that have coordinates as a GeoJSON FeatureCollection for the map: a point (longitude, latitude,
    in GeoJSON's order) with what the marker's popup shows, in words and figures as the pages write them (the
    occupancy is occupancy_pct()'s, the figure of the list and the dashboard)."""
    from django.utils.translation import gettext

    from tracker.numbers import format_decimal

    features = []
    for cluster in clusters:
        if cluster.latitude is None or cluster.longitude is None:
            continue
        occupancy = cluster.occupancy_pct
        features.append(
            {
                "type": "Feature",
                "id": cluster.pk,
                "geometry": {"type": "Point", "coordinates": [float(cluster.longitude), float(cluster.latitude)]},
                "properties": {
                    "code": cluster.code,
                    "name": cluster.name,
                    "url": cluster.get_absolute_url(),
                    "commune": cluster.commune.name,
                    "stage": str(cluster.get_stage_display()),
                    "occupancy_text": (
                        gettext("no industrial land recorded") if occupancy is None
                        else format_decimal(occupancy, 1) + " %"
                    ),
                    "band": occupancy_band(occupancy),
                    "projects": cluster.project_count,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


# The map's colour bands for occupancy, in the legend's order: (key, lower bound included, upper bound excluded).
OCCUPANCY_BANDS = [("low", None, 50), ("mid", 50, 80), ("high", 80, None)]


def occupancy_band(occupancy) -> str:
    """"none" when the cluster records no industrial land, else the band its occupancy falls in."""
    if occupancy is None:
        return "none"
    for key, low, high in OCCUPANCY_BANDS:
        if (low is None or occupancy >= low) and (high is None or occupancy < high):
            return key
    raise AssertionError("the bands cover every number")
