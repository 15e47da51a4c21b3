"""The columns of the exported watchlist."""
import json

from django.utils.translation import gettext_lazy as _

from tracker.exports import Column

FLAG_COLUMNS = [
    Column(_("Project code"), "project_code", lambda f: f.project.code),
    Column(_("Project name"), "project_name", lambda f: f.project.name),
    Column(_("Cluster"), "cluster_name", lambda f: f.project.cluster.name),
    Column(_("Commune or ward"), "commune", lambda f: f.project.cluster.commune.name),
    Column(_("Rule"), "rule", lambda f: f.rule.code),
    Column(_("Severity"), "severity", lambda f: f.severity),
    Column(_("Since"), "since", lambda f: f.since),
    Column(_("Review state"), "state", lambda f: f.state),
    Column(_("Evidence"), "evidence", lambda f: json.dumps(f.evidence, ensure_ascii=False)),
    Column(_("Legal basis"), "legal_basis", lambda f: f.rule.legal_basis),
    Column(_("Closed"), "cleared_at", lambda f: f.cleared_at),
]
