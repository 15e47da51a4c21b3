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
    Column(_("Wastewater plant built"), "wastewater_plant_built", lambda c: c.wastewater_plant_built),
    Column(_("Wastewater plant meets standards"), "wastewater_plant_compliant", lambda c: c.wastewater_plant_compliant),
]
