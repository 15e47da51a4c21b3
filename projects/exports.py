"""The columns of each exported list; the keys are those of the import template (issue 5). A choice is exported as
its label in the page's language, which a reader knows (the import reads a key or either label back)."""
from django.utils.translation import gettext_lazy as _

from tracker.exports import Column
from tracker.numbers import vnd_to_billions

PROJECT_COLUMNS = [
    Column(_("Project code"), "project_code", field="code"),
    Column(_("Project name"), "project_name", field="name"),
    Column(_("Cluster code"), "cluster_code", field="cluster__code"),
    Column(_("Cluster"), "cluster_name", field="cluster__name"),
    Column(_("Commune or ward"), "commune", field="cluster__commune__name"),
    Column(_("Former district"), "former_district", field="cluster__former_district__name"),
    Column(_("Investor"), "investor_name", field="investor__name"),
    Column(_("Tax code"), "investor_tax_code", field="investor__tax_code"),
    Column(_("Country"), "investor_country", field="investor__country"),
    Column(_("Industry"), "industry", field="industry", kind="choice"),
    Column(_("Registered capital (billion VND)"), "registered_capital_billion_vnd", field="registered_capital_vnd", kind="billions"),
    Column(_("Registered capital (USD)"), "registered_capital_usd", field="registered_capital_usd", kind="decimal"),
    Column(_("Leased land (ha)"), "land_area_ha", field="land_area_ha", kind="decimal"),
    Column(_("Investment policy approval no."), "policy_approval_number", field="policy_approval_number"),
    Column(_("Investment policy approval date"), "policy_approval_date", field="policy_approval_date", kind="date"),
    Column(_("Investment registration certificate no."), "irc_number", field="irc_number"),
    Column(_("Investment registration certificate date"), "irc_date", field="irc_date", kind="date"),
    Column(_("Land sublease contract date"), "sublease_contract_date", field="sublease_contract_date", kind="date"),
    Column(_("On-site land handover date"), "land_handover_date", field="land_handover_date", kind="date"),
    Column(_("Construction start deadline"), "construction_start_deadline", field="construction_start_deadline", kind="date"),
    Column(_("Construction completion deadline"), "construction_completion_deadline", field="construction_completion_deadline", kind="date"),
    Column(_("Operation deadline"), "operation_deadline", field="operation_deadline", kind="date"),
    Column(_("Actual construction start"), "actual_construction_start", field="actual_construction_start", kind="date"),
    Column(_("Actual construction completion"), "actual_completion", field="actual_completion", kind="date"),
    Column(_("Actual operation start"), "actual_operation_start", field="actual_operation_start", kind="date"),
    Column(_("Status"), "status", field="status", kind="choice"),
    Column(_("Status effective on"), "status_effective_on", field="status_since", kind="date"),
    Column(_("Land recovered on"), "land_recovered_on", field="land_recovered_on", kind="date"),
    Column(_("Land transferred or assets sold on"), "land_transferred_on", field="land_transferred_on", kind="date"),
    Column(_("Workers"), "workers", field="workers", kind="int"),
    Column(_("Capital implemented to date (billion VND)"), "implemented_capital_billion_vnd", field="latest_implemented_vnd", kind="billions"),
]


INVESTOR_COLUMNS = [
    Column(_("Name"), "investor_name", lambda i: i.name),
    Column(_("Tax code"), "investor_tax_code", lambda i: i.tax_code),
    Column(_("Foreign investor"), "is_foreign", lambda i: i.is_foreign),
    Column(_("Country"), "investor_country", lambda i: i.country),
    Column(_("Address"), "address", lambda i: i.address),
    Column(_("Contact person"), "contact_person", lambda i: i.contact_person),
    Column(_("Phone"), "phone", lambda i: i.phone),
    Column(_("Email"), "email", lambda i: i.email),
    Column(_("Projects"), "projects", lambda i: i.project_count),
    Column(_("Registered capital (billion VND)"), "registered_capital_billion_vnd", lambda i: vnd_to_billions(i.total_capital_vnd)),
]
