"""The roles (Django groups) and their permissions; a data migration applies them, so they are the same everywhere.

A later migration that adds models or permissions calls `sync_roles` again.
"""
from django.utils.translation import gettext_lazy as _

STAFF = "staff"
LEADERSHIP = "leadership"
COMMUNE_OFFICER = "commune_officer"
VIEWER = "viewer"

ROLE_LABELS = {
    STAFF: _("Staff (chuyên viên)"),
    LEADERSHIP: _("Leadership (lãnh đạo Sở)"),
    COMMUNE_OFFICER: _("Commune officer (cán bộ xã)"),
    VIEWER: _("Viewer (read only)"),
}

# Models whose rows the department records, as "app_label.model_name".
RECORDS = [
    "clusters.cluster",
    "projects.investor",
    "projects.project",
    "projects.capitalreport",
    "projects.scheduleadjustment",
    "projects.landuseextension",
    "projects.forcemajeureperiod",
    "projects.document",
    "projects.violationnotice",
    "projects.transferrequest",
    "projects.unreachablerecord",
    "industry.obstacle",
    "industry.obstacleaction",
    "industry.scheme",
    "industry.infrastructureitem",
]
REFERENCE = ["clusters.commune", "clusters.formerdistrict", "clusters.establishmentcriteria", "projects.annualtarget"]
REFERENCE += ["industry.schemeplan"]  # the year's khuyến công plan: leadership's, like the targets
# The watchlist: everyone who reads the data reads the flags; the review steps need their own permissions.
WATCHLIST = ["projects.flag", "projects.reviewstep", "projects.rule", "projects.scan"]
WORK_FLAGS = {"projects.work_flag"}
DECIDE_FLAGS = {"projects.decide_flag"}
# The public lists: leadership approves what is published (projects/publication/).
APPROVE_PUBLICATION = {"projects.approve_publication"}
# The statistics office's monthly figures (industry/, issue 16): the province's, not a commune's. Everyone reads them;
# staff and leadership record them; leadership sets the year's targets, as for projects.annualtarget.
PRODUCTION_FIGURES = ["industry.productionindex", "industry.electricitymonth"]
PRODUCTION_TARGETS = ["industry.productiontarget"]


def _perms(models, actions):
    return {f"{model.split('.')[0]}.{action}_{model.split('.')[1]}" for model in models for action in actions}


ALL_COMMUNES = {"tracker.access_all_communes"}
VIEW_ALL = _perms(RECORDS + REFERENCE + WATCHLIST, ["view"])
VIEW_PRODUCTION = _perms(PRODUCTION_FIGURES + PRODUCTION_TARGETS, ["view"])
WRITE_PRODUCTION = _perms(PRODUCTION_FIGURES, ["add", "change", "delete"])

ROLE_PERMISSIONS = {
    STAFF: VIEW_ALL | ALL_COMMUNES | _perms(RECORDS, ["add", "change", "delete"]) | WORK_FLAGS
    | VIEW_PRODUCTION | WRITE_PRODUCTION,
    LEADERSHIP: VIEW_ALL
    | ALL_COMMUNES
    | _perms(RECORDS, ["add", "change", "delete"])
    | _perms(["projects.annualtarget"], ["add", "change", "delete"])
    | _perms(["industry.schemeplan"], ["add", "change", "delete"])
    | WORK_FLAGS
    | DECIDE_FLAGS
    | APPROVE_PUBLICATION
    | VIEW_PRODUCTION
    | WRITE_PRODUCTION
    | _perms(PRODUCTION_TARGETS, ["add", "change", "delete"]),
    # Scoped to the communes assigned to them (no access_all_communes); they add and edit, but do not delete.
    COMMUNE_OFFICER: VIEW_ALL | _perms(RECORDS, ["add", "change"]) | WORK_FLAGS | VIEW_PRODUCTION,
    VIEWER: VIEW_ALL | ALL_COMMUNES | VIEW_PRODUCTION,
}


def _added_later(apps, codename: str, app_label: str) -> bool:
    """Is this a model permission of a model not yet in the migration state (an app migrated after the caller, such
    as industry after projects)? Its own migration syncs the roles again once the model exists."""
    action, _sep, model_name = codename.partition("_")
    if action not in ("add", "change", "delete", "view"):
        return False
    try:
        apps.get_model(app_label, model_name)
    except LookupError:
        return True
    return False


def sync_roles(apps, *, strict: bool = True) -> None:
    """Create the groups and give each exactly its permissions (works with the historical app registry).

    An early migration runs it with strict=False: permissions of models that a later migration adds are skipped
    then, and given by the later migration's own (strict) run."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        original = getattr(app_config, "models_module", None)
        if original is None:  # the migration state's app stubs: make create_permissions look at their models
            app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = original
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        wanted = []
        for name in sorted(names):
            app_label, codename = name.split(".")
            permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if permission is None:
                if strict and not _added_later(apps, codename, app_label):
                    raise LookupError(f"permission {name} does not exist")
                continue
            wanted.append(permission)
        group.permissions.set(wanted)
