"""The columns of the exported watchlist: the words leadership reads (rule names, labels, the evidence in a
sentence), with the rule's code beside for the technical team."""
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.watchlist.evidence import short_name
from projects.watchlist.rules import describe
from tracker.exports import Column
from tracker.legal import public_legal_basis

FLAG_COLUMNS = [
    Column(_("Project code"), "project_code", lambda f: f.project.code),
    Column(_("Project name"), "project_name", lambda f: f.project.name),
    Column(_("Cluster"), "cluster_name", lambda f: f.project.cluster.name),
    Column(_("Commune or ward"), "commune", lambda f: f.project.cluster.commune.name),
    Column(_("Rule"), "rule", lambda f: short_name(f.rule.code)),
    Column(_("Rule code"), "rule_code", lambda f: f.rule.code),
    Column(_("Severity"), "severity", lambda f: f.get_severity_display()),
    Column(_("Since"), "since", lambda f: f.since),
    Column(_("Review state"), "state", lambda f: f.get_state_display()),
    Column(_("Ground for revocation"), "ground", lambda f: f.get_ground_display() if f.ground else ""),
    Column(_("Evidence"), "evidence", lambda f: describe(f.rule.code, f.evidence, timezone.localdate())),
    Column(_("Legal basis"), "legal_basis", lambda f: public_legal_basis(f.rule.legal_basis)),
    Column(_("Closed"), "cleared_at", lambda f: f.cleared_at),
]
