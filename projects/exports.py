"""The columns of each exported list; the keys are those of the import template (issue 5). A choice is exported as
its label in the page's language, which a reader knows (the import reads a key or either label back)."""
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from tracker.exports import Column

BILLION = Decimal(10**9)


def billions(vnd):
    return None if vnd is None else Decimal(vnd) / BILLION


PROJECT_COLUMNS = [
    Column(_("Project code"), "project_code", lambda p: p.code),
    Column(_("Project name"), "project_name", lambda p: p.name),
    Column(_("Cluster code"), "cluster_code", lambda p: p.cluster.code),
    Column(_("Cluster"), "cluster_name", lambda p: p.cluster.name),
    Column(_("Commune or ward"), "commune", lambda p: p.cluster.commune.name),
    Column(_("Former district"), "former_district", lambda p: p.cluster.former_district.name),
    Column(_("Investor"), "investor_name", lambda p: p.investor.name),
    Column(_("Tax code"), "investor_tax_code", lambda p: p.investor.tax_code),
    Column(_("Country"), "investor_country", lambda p: p.investor.country),
    Column(_("Industry"), "industry", lambda p: p.get_industry_display()),
    Column(_("Registered capital (billion VND)"), "registered_capital_billion_vnd", lambda p: billions(p.registered_capital_vnd)),
    Column(_("Registered capital (USD)"), "registered_capital_usd", lambda p: p.registered_capital_usd),
    Column(_("Leased land (ha)"), "land_area_ha", lambda p: p.land_area_ha),
    Column(_("Investment policy approval no."), "policy_approval_number", lambda p: p.policy_approval_number),
    Column(_("Investment policy approval date"), "policy_approval_date", lambda p: p.policy_approval_date),
    Column(_("Investment registration certificate no."), "irc_number", lambda p: p.irc_number),
    Column(_("Investment registration certificate date"), "irc_date", lambda p: p.irc_date),
    Column(_("Land sublease contract date"), "sublease_contract_date", lambda p: p.sublease_contract_date),
    Column(_("On-site land handover date"), "land_handover_date", lambda p: p.land_handover_date),
    Column(_("Construction start deadline"), "construction_start_deadline", lambda p: p.construction_start_deadline),
    Column(_("Construction completion deadline"), "construction_completion_deadline", lambda p: p.construction_completion_deadline),
    Column(_("Operation deadline"), "operation_deadline", lambda p: p.operation_deadline),
    Column(_("Actual construction start"), "actual_construction_start", lambda p: p.actual_construction_start),
    Column(_("Actual construction completion"), "actual_completion", lambda p: p.actual_completion),
    Column(_("Actual operation start"), "actual_operation_start", lambda p: p.actual_operation_start),
    Column(_("Status"), "status", lambda p: p.get_status_display()),
    Column(_("Status effective on"), "status_effective_on", lambda p: p.status_since),
    Column(_("Land recovered on"), "land_recovered_on", lambda p: p.land_recovered_on),
    Column(_("Land transferred or assets sold on"), "land_transferred_on", lambda p: p.land_transferred_on),
    Column(_("Workers"), "workers", lambda p: p.workers),
    Column(_("Capital implemented to date (billion VND)"), "implemented_capital_billion_vnd", lambda p: billions(p.implemented_capital_vnd)),
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
    Column(_("Registered capital (billion VND)"), "registered_capital_billion_vnd", lambda i: billions(i.total_capital_vnd)),
]
