"""Every URL of the tracker, for anonymous users and for each role, on objects inside and outside the user's
communes: allowed (200), forbidden (403), not found (404, so that existence does not leak) or sent to the login."""
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from clusters.models import Cluster, Commune, FormerDistrict
from django.utils import timezone

from projects.models import (
    AnnualTarget,
    CapitalReport,
    Flag,
    Rule,
    ForceMajeurePeriod,
    ImportJob,
    Investor,
    LandUseExtension,
    Project,
    ScheduleAdjustment,
    TransferRequest,
    UnreachableRecord,
    ViolationNotice,
)
from projects.services import document_create
from industry.models import Obstacle, Scheme, SchemePlan
from industry.models import InfrastructureItem

ROLES = ["staff", "leadership", "commune_officer", "viewer", "superuser"]
# What each kind of page needs: the action, per role (the officer is scoped to commune A).
ALLOWED = {
    "view": {"staff", "leadership", "commune_officer", "viewer", "superuser"},
    "add": {"staff", "leadership", "commune_officer", "superuser"},
    "change": {"staff", "leadership", "commune_officer", "superuser"},
    "delete": {"staff", "leadership", "superuser"},
    "work": {"staff", "leadership", "commune_officer", "superuser"},  # the review step page of a flag
    "targets": {"leadership", "superuser"},  # the year's targets are leadership's
    "province": {"staff", "leadership", "viewer", "superuser"},  # form 04 counts every commune
    "account": {"staff", "leadership", "commune_officer", "viewer", "superuser"},  # one's own password
    "publish": {"leadership", "superuser"},  # approving what the public lists publish
    # The statistics office's monthly figures are the province's, not a commune's: everyone reads them, staff and
    # leadership record them (commune officers do not), leadership sets the year's industry targets.
    "production_write": {"staff", "leadership", "superuser"},
}
# URL name → (action, what its arguments point at). "scoped" pages are tried on commune A's and commune B's object.
PAGES = {
    "home": ("view", None),
    "search": ("view", None),  # /search/?q=…: each group through the door (see the officer's test below)
    "clusters:list": ("view", None),
    "clusters:create": ("add", None),
    "clusters:map": ("view", None),
    "clusters:map_data": ("view", None),
    "clusters:autocomplete": ("view", None),  # JSON for the cluster fields; the officer's scope is tested below
    "projects:autocomplete": ("view", None),  # JSON for the project fields; the officer's scope is tested below
    "clusters:detail": ("view", "cluster"),
    "clusters:history": ("view", "cluster"),
    "clusters:update": ("change", "cluster"),
    "projects:list": ("view", None),
    "projects:create": ("add", None),
    "projects:detail": ("view", "project"),
    "projects:history": ("view", "project"),
    "projects:update": ("change", "project"),
    "projects:document_upload": ("add", "project"),
    "projects:document_download": ("view", "document"),
    "projects:document_delete": ("delete", "document"),
    "projects:record_create": ("add", "record_kind"),
    "projects:record_update": ("change", "record"),
    "projects:record_delete": ("delete", "record"),
    "investors:list": ("view", None),
    "investors:create": ("add", None),
    "investors:detail": ("view", "investor"),
    "investors:history": ("view", "investor"),
    "investors:update": ("change", "investor"),
    "watchlist:list": ("view", None),
    "watchlist:flag": ("view", "flag"),
    "watchlist:step": ("work", "flag"),
    "targets:list": ("view", None),
    "projects:export": ("view", None),
    "investors:export": ("view", None),
    "investors:autocomplete": ("view", None),  # investors are shared by every commune, as the investor list
    "clusters:export": ("view", None),
    "watchlist:export": ("view", None),
    "watchlist:coming_due": ("work", None),
    "watchlist:coming_due_export": ("work", None),
    "watchlist:letters_sent": ("work_redirect", None),
    "watchlist:coming_due_digest": ("work_redirect", None),
    "targets:create": ("targets", None),
    "targets:update": ("targets", "target"),
    "targets:history": ("view", "target"),
    "imports:start": ("add", None),
    "imports:template": ("add", None),
    # An import job is seen only by the person who uploaded it (here the staff user): others get a 404.
    "imports:detail": ("own_import", "import_job"),
    "imports:progress": ("own_import", "import_job"),
    "imports:confirm": ("own_import", "import_job"),
    "reports:index": ("view", None),
    "reports:form04": ("province", None),
    "reports:form04_xlsx": ("province", None),
    "reports:form03": ("view", "commune"),
    "reports:form03_xlsx": ("view", "commune"),
    "reports:watchlist_xlsx": ("view", None),
    "reports:watchlist_pdf": ("view", None),
    # Without a chosen row: back to the coming-due list with a message (302) for those who may print letters.
    "reports:warning_letters_pdf": ("work_redirect", None),
    "reports:warning_letters_docx": ("work_redirect", None),
    "password_change": ("account", None),
    "password_change_done": ("account", None),
    "publication:index": ("publish", None),
    "industry:production": ("view_redirect", None),
    "industry:production_year": ("view", "production_year"),
    "industry:production_history": ("view", "production_year"),
    "industry:production_export": ("view", "production_year"),
    "industry:production_index_create": ("production_write", None),
    "industry:production_index_update": ("production_write", "production_index"),
    "industry:electricity_create": ("production_write", None),
    "industry:electricity_update": ("production_write", "electricity_month"),
    "industry:production_target_create": ("targets", None),
    "industry:production_target_update": ("targets", "production_target"),
    "industry:obstacle_list": ("view", None),
    "industry:obstacle_create": ("add", None),
    "industry:obstacle_export": ("view", None),
    "industry:obstacle_detail": ("view", "obstacle"),
    "industry:obstacle_update": ("change", "obstacle"),
    "industry:obstacle_action_create": ("add", "obstacle"),
    "industry:obstacle_convert": ("change", "obstacle"),  # the form page; the force-majeure period needs "add" too
    "industry:scheme_list": ("view", None),
    "industry:scheme_create": ("add", None),
    "industry:scheme_export": ("view", None),
    "industry:scheme_detail": ("view", "scheme"),
    "industry:scheme_update": ("change", "scheme"),
    "industry:scheme_year": ("view", "scheme_year"),
    "industry:scheme_plan_create": ("targets", None),  # the year's khuyến công plan is leadership's, like the targets
    "industry:scheme_plan_update": ("targets", "scheme_plan"),
    "industry:infrastructure_list": ("view", None),
    "industry:infrastructure_export": ("view", None),
    "industry:infrastructure_cluster": ("view", "cluster"),
    "industry:infrastructure_create": ("add", "cluster"),
    "industry:infrastructure_update": ("change", "infrastructure"),
    "industry:infrastructure_delete": ("delete", "infrastructure"),
    "industry:infrastructure_history": ("view", "infrastructure"),
    "api_tokens:list": ("account", None),  # one's own API tokens (an administrator: everyone's)
}
# The password reset pages are for people who cannot log in.
PASSWORD_RESET = {"password_reset", "password_reset_done", "password_reset_confirm", "password_reset_complete"}
# The public lists (issue 14): the only pages with data that open without a login, for everyone.
PUBLIC_LISTS = {"public:index", "public:list", "public:xlsx", "public:pdf"}
PUBLIC = {"login", "logout", "set_language", "healthz"} | PASSWORD_RESET | PUBLIC_LISTS


def _named_routes(resolver=None, namespace=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            yield from _named_routes(pattern, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name


# The REST API's routes have their own matrix (route × role × method), which names every one of them:
# tests/api/test_api_access.py. Revoking a token is a POST on someone's token: tests/api/test_tokens.py.
OWN_MATRIX = {"api_tokens:revoke"}


def test_the_matrix_names_every_url():
    from tests.api.test_api_access import API_ROUTES

    routes = set(_named_routes())
    assert routes - PUBLIC - OWN_MATRIX - set(API_ROUTES) == set(PAGES), "add the new URL to PAGES with the action it needs"
    assert set(API_ROUTES) <= routes


@pytest.fixture
def world(make_user):
    """Two communes, each with a cluster, a project and its records; one user per role."""
    district = FormerDistrict.objects.create(name="Lạc Thủy")
    communes = {key: Commune.objects.create(name=f"Xã {key}", former_district=district) for key in "AB"}
    investor = Investor.objects.create(name="Công ty Chung", tax_code="0101234567")
    target = AnnualTarget.objects.create(year=2024, projects_min=5, projects_max=8, capital_min_vnd=400 * 10**9,
                                         capital_max_vnd=600 * 10**9, clusters_min=1, clusters_max=2)
    objects = {"investor": {"A": investor, "B": investor}, "target": {"A": target, "B": target}, "commune": communes}
    for key, commune in communes.items():
        cluster = Cluster.objects.create(
            code=f"CCN-{key}", name=f"Cụm {key}", commune=commune, former_district=district, stage="planned",
            total_area_ha=Decimal(50), industrial_land_ha=Decimal(40),
        )
        project = Project.objects.create(
            code=f"DA-{key}", name=f"Dự án {key}", cluster=cluster, investor=investor,
            registered_capital_vnd=10**10, land_area_ha=Decimal(1),
        )
        document = document_create(
            project=project, title="QĐ", kind="other",
            file=SimpleUploadedFile("qd.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
        )
        records = {
            "reports": CapitalReport.objects.create(project=project, year=2025, period="Q1", implemented_capital_vnd=1),
            "extensions": LandUseExtension.objects.create(project=project, start_date=date(2025, 1, 1), end_date=date(2026, 1, 1)),
            "force-majeure": ForceMajeurePeriod.objects.create(project=project, start_date=date(2025, 1, 1), end_date=date(2025, 2, 1), reason="Lũ"),
            "adjustments": ScheduleAdjustment.objects.create(project=project, decision_number="1", decision_date=date(2025, 1, 1), months_added=3, reason="x"),
            "notices": ViolationNotice.objects.create(project=project, number="TB-1", notice_date=date(2025, 3, 1)),
            "transfers": TransferRequest.objects.create(project=project, request_date=date(2025, 4, 1)),
            "unreachable": UnreachableRecord.objects.create(project=project, since=date(2025, 5, 1)),
        }
        rule = Rule.objects.get(code="LAND_UNUSED_12M")
        now = timezone.now()
        objects.setdefault("flag", {})[key] = Flag.objects.create(
            project=project, rule=rule, severity="critical", since=date(2025, 1, 1), first_seen=now, last_confirmed=now
        )
        objects.setdefault("cluster", {})[key] = cluster
        objects.setdefault("infrastructure", {})[key] = InfrastructureItem.objects.create(cluster=cluster, kind="roads")
        objects.setdefault("project", {})[key] = project
        objects.setdefault("document", {})[key] = document
        objects.setdefault("records", {})[key] = records
        objects.setdefault("obstacle", {})[key] = Obstacle.objects.create(
            title=f"Vướng mắc {key}", kind="land_clearance", cluster=cluster, project=project, agency="UBND xã",
            raised_on=date(2025, 1, 1))
        objects.setdefault("scheme", {})[key] = Scheme.objects.create(
            year=2024, name=f"Đề án {key}", kind="training", business_name="HTX Mây tre", commune=commune,
            province_budget_vnd=3 * 10**8, approved_on=date(2024, 3, 1))
    users = {role: make_user(role, role if role != "superuser" else None, communes=[communes["A"]] if role == "commune_officer" else ()) for role in ROLES}
    users["superuser"].is_superuser = True
    users["superuser"].save()
    job = ImportJob.objects.create(user=users["staff"], filename="du-an.xlsx", status=ImportJob.Status.INVALID)
    objects["import_job"] = {"A": job, "B": job}
    from industry.models import ElectricityMonth, ProductionIndex, ProductionTarget

    index = ProductionIndex.objects.create(year=2024, month=2, sector="total", vs_previous_month_pct=Decimal("-10.58"),
                                           vs_same_month_pct=Decimal("-15.74"))
    electricity = ElectricityMonth.objects.create(year=2024, month=2, produced_mkwh=Decimal(441))
    production_target = ProductionTarget.objects.create(year=2024, iip_growth_pct=Decimal(12))
    objects["production_index"] = {"A": index, "B": index}
    objects["electricity_month"] = {"A": electricity, "B": electricity}
    objects["production_target"] = {"A": production_target, "B": production_target}
    plan = SchemePlan.objects.create(year=2024, schemes_planned=10, province_budget_vnd=5 * 10**9)
    objects["scheme_plan"] = {"A": plan, "B": plan}
    return objects, users


def _urls(name, target, objects):
    """(url, scope) pairs for one URL name; scope is "A" (the officer's commune), "B" (another) or None."""
    from django.urls import reverse

    if target is None:
        return [(reverse(name), None)]
    urls = []
    for scope in "AB":
        if target == "production_year":
            urls.append((reverse(name, args=[2024]), None))
        elif target in ("cluster", "project", "investor", "flag", "target", "commune", "import_job", "production_index",
                        "electricity_month", "production_target"):
            unscoped = target in ("investor", "target", "import_job", "production_index", "electricity_month",
                                  "production_target")
            urls.append((reverse(name, args=[objects[target][scope].pk]), None if unscoped else scope))
        elif target in ("obstacle", "scheme", "scheme_plan"):
            urls.append((reverse(name, args=[objects[target][scope].pk]), None if target == "scheme_plan" else scope))
        elif target == "scheme_year":  # a year's page shows the user's communes' schemes: never a 404
            urls.append((reverse(name, args=[2024]), None))
        elif target == "document":
            document = objects["document"][scope]
            urls.append((reverse(name, args=[document.project_id, document.pk]), scope))
        elif target == "infrastructure":
            urls.append((reverse(name, args=[objects["infrastructure"][scope].pk]), scope))
        elif target == "record_kind":
            for kind in ("reports", "adjustments", "extensions", "force-majeure", "notices", "transfers", "unreachable"):
                urls.append((reverse(name, args=[objects["project"][scope].pk, kind]), scope))
        elif target == "record":
            for kind in ("reports", "extensions", "force-majeure", "notices", "transfers", "unreachable"):
                record = objects["records"][scope][kind]
                urls.append((reverse(name, args=[record.project_id, kind, record.pk]), scope))
    return list(dict.fromkeys(urls))  # the investor is shared: once is enough


def _expected(role, action, scope):
    if action == "work_redirect":
        return 302 if role in ALLOWED["work"] else 403
    if action == "view_redirect":  # the production page sends every reader to a year's page
        return 302 if role in ALLOWED["view"] else 403
    if action == "own_import":
        return 200 if role == "staff" else 403 if role not in ALLOWED["add"] else 404
    if role == "commune_officer" and scope == "B":
        return 404
    return 200 if role in ALLOWED[action] else 403


@pytest.mark.parametrize("name", sorted(PAGES))
def test_every_url_for_anonymous_users_goes_to_the_login(world, name):
    objects, _users = world
    client = Client()
    for url, _scope in _urls(name, PAGES[name][1], objects):
        for response in (client.get(url), client.post(url, {})):
            assert response.status_code == 302 and response.url.startswith("/login/"), url


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_every_url_for_every_role(world, name, role):
    objects, users = world
    action, target = PAGES[name]
    client = Client()
    client.force_login(users[role])
    for url, scope in _urls(name, target, objects):
        expected = _expected(role, action, scope)
        response = client.get(url)
        assert response.status_code == expected, (role, url)
        if expected != 200:
            # A POST of a form the role may not use is refused the same way, and changes nothing.
            before = _snapshot()
            response = client.post(url, {"name": "Bị sửa", "code": "HACK", "title": "x"})
            assert response.status_code == expected, ("POST", role, url)
            assert _snapshot() == before


@pytest.mark.parametrize("name", sorted(PASSWORD_RESET))
def test_the_password_reset_pages_open_without_a_login(world, name):
    from django.urls import reverse

    args = ["MQ", "set-password"] if name == "password_reset_confirm" else []
    response = Client().get(reverse(name, args=args))
    assert response.status_code == 200, name


def _public_urls():
    from django.urls import reverse

    from projects.models import Publication

    urls = [reverse("public:index")]
    for kind in Publication.Kind.values:
        urls += [reverse(name, args=[kind]) for name in sorted(PUBLIC_LISTS - {"public:index"})]
    return urls


def test_the_public_urls_are_all_tried():
    from django.urls import reverse

    from projects.models import Publication

    tried = {url for url in _public_urls()}
    assert len(tried) == 1 + 3 * len(Publication.Kind.values)
    assert {reverse("public:pdf", args=[kind]) for kind in Publication.Kind.values} <= tried


def test_the_public_lists_open_for_everyone_and_only_with_get(world, settings):
    """Anonymous users and every role read the public lists (once approved); nothing there takes a POST."""
    from projects.models import Publication
    from projects.publication.selectors import preview_rows, rows_digest
    from projects.publication.services import publication_approve

    _objects, users = world
    settings.PUBLIC_LISTS_PER_MINUTE = 10_000  # this test asks for more pages than a visitor may
    today = timezone.localdate()
    for kind in Publication.Kind.values:
        publication_approve(kind=kind, user=users["leadership"], digest=rows_digest(preview_rows(kind, today)),
                            prepared_by=users["staff"])
    clients = {"anonymous": Client()}
    for role in ROLES:
        clients[role] = Client()
        clients[role].force_login(users[role])
    for who, client in clients.items():
        for url in _public_urls():
            assert client.get(url).status_code == 200, (who, url)
            before = _snapshot()
            assert client.post(url, {"name": "Bị sửa"}).status_code == 405, (who, url)
            assert _snapshot() == before


def _snapshot():
    from django.apps import apps

    return {model._meta.label: model.objects.count() for model in apps.get_models()} | {
        "names": sorted(Project.objects.values_list("name", flat=True)) + sorted(Cluster.objects.values_list("name", flat=True))
    }


def test_commune_officer_lists_only_their_communes(world, client):
    objects, users = world
    client.force_login(users["commune_officer"])
    for name, key in (("/projects/", "DA-"), ("/clusters/", "CCN-"), ("/search/?q=a", "DA-"), ("/search/?q=a", "CCN-")):
        html = client.get(name).content.decode()
        assert f"{key}A" in html and f"{key}B" not in html
    home = client.get("/", {"year": 2025}).context  # the dashboard: commune A's figures only
    assert [c.code for c in home["clusters"]] == ["CCN-A"]
    assert home["operating"]["n"] == 0 and [row["name"] for row in home["by_commune"]] == ["Xã A"]
    assert sum(n for _rule, n, _critical, _due in home["rules"]) == 1  # commune A's flag, not B's
    # The coming-due counts and list: the dates stored for A's project, not B's.
    from datetime import timedelta

    from django.utils import timezone

    from projects.models import Deadline, Rule

    rule = Rule.objects.get(code="MILESTONE_OVERDUE")
    for side in "AB":
        Deadline.objects.create(project=objects["project"][side], rule=rule, severity="warning",
                                crossing=timezone.localdate() + timedelta(days=10))
    home = client.get("/").context
    assert sum(due for _rule, _n, _critical, due in home["rules"]) == 1
    assert [row.project_code for row in client.get("/watchlist/coming-due/").context["object_list"]] == ["DA-A"]
    project_form = client.get("/projects/new/").context["form"]
    assert list(project_form.fields["cluster"].queryset) == [objects["cluster"]["A"]]
    # Commune B's cluster is not even offered as a filter: asking for it is an invalid choice, not B's projects.
    response = client.get("/projects/", {"cluster": objects["cluster"]["B"].code})
    assert "cluster" in response.context["filter"].form.errors
    assert [p.code for p in response.context["object_list"]] == ["DA-A"]
    # The cluster autocomplete offers only commune A's cluster, by code or name; B's is unknown to it.
    found = client.get("/clusters/autocomplete/", {"q": "CCN"}).json()["results"]
    assert [row["value"] for row in found] == ["CCN-A"]
    assert client.get("/clusters/autocomplete/", {"q": objects["cluster"]["B"].code}).json()["results"] == []
    # So does the project autocomplete, by code or part of the name.
    found = client.get("/projects/autocomplete/", {"q": "DA"}).json()["results"]
    assert [row["value"] for row in found] == ["DA-A"]
    assert client.get("/projects/autocomplete/", {"q": objects["project"]["B"].code}).json()["results"] == []
    assert client.get("/projects/autocomplete/", {"q": objects["project"]["B"].name}).json()["results"] == []
    # The investor's totals count only what the officer may see.
    investor = client.get(f"/investors/{objects['investor']['A'].pk}/").context["investor"]
    assert investor.project_count == 1 and investor.total_capital_vnd == 10**10


def test_commune_officer_cannot_move_a_project_into_another_commune(world, client):
    objects, users = world
    client.force_login(users["commune_officer"])
    project = objects["project"]["A"]
    response = client.post(
        f"/projects/{project.pk}/edit/",
        {"code": project.code, "name": project.name, "cluster": objects["cluster"]["B"].code, "investor": project.investor.tax_code,
         "industry": "other", "registered_capital_vnd": "10", "land_area_ha": "1", "status": "registered", "workers": "0",
         "version": project.version},
    )
    assert response.status_code == 200 and "cluster" in response.context["form"].errors
    project.refresh_from_db()
    assert project.cluster == objects["cluster"]["A"]
