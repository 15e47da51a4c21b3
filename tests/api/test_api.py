"""Tokens (create, expire, revoke, hashed at rest), the token page, optimistic concurrency over HTTP (If-Match),
the bulk import (all or nothing, every row named), JSON errors, and the pinned query counts of the lists."""
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken, token_hash
from api.services import token_create
from projects.models import CapitalReport, Project


def _client(secret):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_a_token_is_stored_hashed_and_works_until_it_expires_or_is_revoked(world):
    _objects, users = world
    token, secret = token_create(user=users["staff"], name="Sở Tài chính", days=30)
    stored = ApiToken.objects.get(pk=token.pk)
    assert secret.startswith("cct_") and len(secret) > 40
    assert stored.key_hash == token_hash(secret) and secret not in {stored.key_hash, stored.prefix, stored.name}
    assert secret[:8] == stored.prefix
    assert stored.last_used_at is None
    assert _client(secret).get("/api/v1/projects/").status_code == 200
    stored.refresh_from_db()
    assert stored.last_used_at is not None
    # The last second of its life, then the first after.
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() + timedelta(seconds=5))
    assert _client(secret).get("/api/v1/projects/").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    response = _client(secret).get("/api/v1/projects/")
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() + timedelta(days=1), revoked_at=timezone.now())
    assert _client(secret).get("/api/v1/projects/").status_code == 401
    assert _client(secret + "x").get("/api/v1/projects/").status_code == 401
    assert _client("not-a-token").get("/api/v1/projects/").status_code == 401


def test_a_token_of_an_inactive_user_is_refused(world):
    _objects, users = world
    _token, secret = token_create(user=users["viewer"], name="x")
    users["viewer"].is_active = False
    users["viewer"].save()
    assert _client(secret).get("/api/v1/projects/").status_code == 401


def test_the_token_page_creates_shows_once_and_revokes(world, client):
    _objects, users = world
    client.force_login(users["commune_officer"])
    created = client.post("/api-tokens/", {"name": "Phần mềm xã", "days": "30"})
    assert created.status_code == 302  # reloading the page that shows the secret creates nothing
    response = client.get(created["Location"])
    secret = response.context["secret"]
    token = ApiToken.objects.get(user=users["commune_officer"])
    assert token.key_hash == token_hash(secret) and secret.encode() in response.content
    assert secret.encode() not in client.get("/api-tokens/").content  # shown once
    assert "api_token_secret" not in client.session  # and gone from the session
    assert client.post("/api-tokens/", {"name": "", "days": "0"}).context["form"].errors.keys() == {"name", "days"}
    # Another user's token is not theirs to see or revoke (404); their own is.
    other, _secret = token_create(user=users["staff"], name="staff's")
    assert client.post(f"/api-tokens/{other.pk}/revoke/").status_code == 404
    assert client.get(f"/api-tokens/{token.pk}/revoke/").status_code == 405
    assert client.post(f"/api-tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    other.refresh_from_db()
    assert token.revoked_at is not None and other.revoked_at is None
    assert _client(secret).get("/api/v1/projects/").status_code == 401


def test_an_administrator_creates_and_revokes_anyones_tokens(world, client):
    _objects, users = world
    client.force_login(users["superuser"])
    response = client.post("/api-tokens/", {"name": "Cục Thống kê", "days": "10", "user": users["viewer"].pk},
                           follow=True)
    assert response.redirect_chain and response.context["secret"]
    token = ApiToken.objects.get(user=users["viewer"])
    assert token.created_by == users["superuser"]
    assert client.post(f"/api-tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_by == users["superuser"]


def test_a_stale_if_match_is_refused_and_loses_nothing(world, api):
    objects, _users = world
    project = objects["project"]["A"]
    staff, officer = api("staff"), api("commune_officer")
    etag = staff.get(f"/api/v1/projects/{project.pk}/")["ETag"]
    assert officer.get(f"/api/v1/projects/{project.pk}/")["ETag"] == etag
    first = staff.patch(f"/api/v1/projects/{project.pk}/", {"project_name": "Tên của chuyên viên"}, format="json",
                        HTTP_IF_MATCH=etag, HTTP_X_CHANGE_REASON="Theo công văn 12")
    assert first.status_code == 200 and first["ETag"] != etag
    late = officer.patch(f"/api/v1/projects/{project.pk}/", {"workers": 99}, format="json", HTTP_IF_MATCH=etag)
    assert late.status_code == 412
    body = late.json()
    assert [change["new"] for change in body["changes"]] == ["Tên của chuyên viên"]
    assert body["current"]["project_name"] == "Tên của chuyên viên"
    project.refresh_from_db()
    assert project.name == "Tên của chuyên viên" and project.workers == 0
    assert project.history.first().history_change_reason == "Theo công văn 12"
    # Without If-Match: 428, nothing written.
    assert officer.patch(f"/api/v1/projects/{project.pk}/", {"workers": 5}, format="json").status_code == 428
    # With the new ETag the officer's change goes in.
    ok = officer.patch(f"/api/v1/projects/{project.pk}/", {"workers": 5}, format="json", HTTP_IF_MATCH=first["ETag"])
    assert ok.status_code == 200 and ok.json()["workers"] == 5


def test_a_record_with_a_stale_etag_is_refused_with_what_changed(world, api):
    objects, _users = world
    report = objects["records"]["A"]["reports"]
    staff = api("staff")
    etag = staff.get(f"/api/v1/capital-reports/{report.pk}/")["ETag"]
    changed = staff.patch(f"/api/v1/capital-reports/{report.pk}/", {"implemented_capital_vnd": 5_000_000},
                          format="json", HTTP_IF_MATCH=etag)
    assert changed.status_code == 200, changed.json()
    stale = staff.delete(f"/api/v1/capital-reports/{report.pk}/", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412 and stale.json()["changes"]
    assert CapitalReport.objects.filter(pk=report.pk).exists()
    assert staff.delete(f"/api/v1/capital-reports/{report.pk}/", HTTP_IF_MATCH=changed["ETag"]).status_code == 204
    assert not CapitalReport.objects.filter(pk=report.pk).exists()


def test_writes_use_the_services_validation_as_json_field_messages(world, api):
    objects, _users = world
    staff = api("staff")
    project = objects["project"]["A"]
    etag = staff.get(f"/api/v1/projects/{project.pk}/")["ETag"]
    # The cluster has 40 ha of industrial land, 2 ha leased: the land lock refuses 45 ha.
    response = staff.patch(f"/api/v1/projects/{project.pk}/", {"land_area_ha": "45"}, format="json",
                           HTTP_IF_MATCH=etag)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["land_area_ha"]
    response = staff.post("/api/v1/projects/", {"project_code": "DA-A", "project_name": "Trùng",
                                                "cluster_code": "CCN-A", "investor_tax_code": "0101234567",
                                                "registered_capital_vnd": 1}, format="json")
    assert response.status_code == 400 and "project_code" in response.json()["errors"]
    # A commune officer cannot put a project in another commune's cluster: not one of their choices.
    response = api("commune_officer").post("/api/v1/projects/", {
        "project_code": "DA-NEW", "project_name": "Mới", "cluster_code": "CCN-B",
        "investor_tax_code": "0101234567", "registered_capital_vnd": 1}, format="json")
    assert response.status_code == 400 and "cluster_code" in response.json()["errors"]
    assert not Project.objects.filter(code="DA-NEW").exists()


def _row(code, **extra):
    return {"project_code": code, "project_name": f"Dự án {code}", "cluster_code": "CCN-A",
            "investor_name": "Công ty Chung", "investor_tax_code": "0101234567",
            "registered_capital_vnd": 2_500_000_000, **extra}


def test_a_bulk_request_with_one_bad_row_writes_nothing_and_names_the_row(world, api):
    staff = api("staff")
    before = Project.objects.count()
    response = staff.post("/api/v1/projects/bulk/", [_row("BULK-1"), _row("BULK-2", irc_date="not a date"),
                                                     _row("BULK-3", registered_capital_vnd=-5)], format="json")
    assert response.status_code == 400, response.json()
    errors = response.json()["errors"]
    assert set(errors) == {"2", "3"}
    assert "irc_date" in errors["2"] and "registered_capital_vnd" in errors["3"]
    assert Project.objects.count() == before
    response = staff.post("/api/v1/projects/bulk/", [_row("BULK-1"), _row("BULK-2", irc_date="2025-02-01")],
                          format="json", HTTP_X_CHANGE_REASON="Đồng bộ từ Sở Tài chính")
    assert response.status_code == 200, response.json()
    assert response.json()["counts"]["create"] == 2
    created = Project.objects.get(code="BULK-2")
    assert created.registered_capital_vnd == 2_500_000_000 and str(created.irc_date) == "2025-02-01"
    assert created.history.first().history_change_reason == "Đồng bộ từ Sở Tài chính"


def test_a_reason_sent_as_utf_8_bytes_in_the_header_is_read_as_vietnamese(world, api):
    """A real client's header arrives as latin-1 decoded bytes (WSGI); the test client passes a str as it is."""
    objects, _users = world
    project = objects["project"]["A"]
    staff = api("staff")
    etag = staff.get(f"/api/v1/projects/{project.pk}/")["ETag"]
    raw = "Công văn 5/SCT".encode().decode("latin-1")
    assert staff.patch(f"/api/v1/projects/{project.pk}/", {"workers": 3}, format="json", HTTP_IF_MATCH=etag,
                       HTTP_X_CHANGE_REASON=raw).status_code == 200
    assert project.history.first().history_change_reason == "Công văn 5/SCT"


def test_a_commune_officers_bulk_row_outside_their_communes_is_refused(world, api):
    response = api("commune_officer").post("/api/v1/projects/bulk/", [_row("X-1", cluster_code="CCN-B")],
                                           format="json")
    assert response.status_code == 400 and "1" in response.json()["errors"]
    assert not Project.objects.filter(code="X-1").exists()


def test_errors_are_json_under_api(world, api):
    staff = api("staff")
    assert staff.get("/api/v1/no-such-thing/").json()["detail"]
    assert staff.get("/api/v1/projects/999999/").status_code == 404
    response = staff.get("/api/v1/projects/", {"status": "no-such-status"})
    assert response.status_code == 400 and "status" in response.json()["errors"]


@pytest.mark.parametrize("path", ["/api/v1/projects/", "/api/v1/clusters/", "/api/v1/investors/", "/api/v1/flags/",
                                  "/api/v1/capital-reports/"])
def test_the_lists_cost_a_fixed_number_of_queries(world, api, path):
    """Pinned: the same number of queries for 1 row or 20 (no query per row)."""
    objects, _users = world
    officer, staff = api("commune_officer"), api("staff")

    def count(client):
        client.get(path)  # the token's last use is written once a minute: not counted below
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path, {"page_size": 100}).status_code == 200
        return len(queries)

    small = {"officer": count(officer), "staff": count(staff)}
    project = objects["project"]["A"]
    for n in range(20):
        Project.objects.create(code=f"MORE-{n}", name="x", cluster=project.cluster, investor=project.investor,
                               registered_capital_vnd=1)
        CapitalReport.objects.create(project=project, year=2001 + n, period="Y", implemented_capital_vnd=n)
    assert {"officer": count(officer), "staff": count(staff)} == small
    # token and user (1), the user's and the groups' permissions (2), count (1), the page's keys (1), its rows (1);
    # the officer's assigned communes (access scope, then its communes: 2 more)
    assert small == {"staff": 6, "officer": 8}


def test_a_flags_review_step_goes_through_the_review_service(world, api):
    objects, users = world
    flag = objects["flag"]["A"]
    response = api("leadership").post(f"/api/v1/flags/{flag.pk}/steps/",
                                           {"action": "assign", "assignee": "commune_officer"}, format="json")
    assert response.status_code == 201, response.json()
    flag.refresh_from_db()
    assert flag.state == "assigned" and flag.assignee == users["commune_officer"]
    steps = api("viewer").get(f"/api/v1/flags/{flag.pk}/steps/").json()
    assert [step["action"] for step in steps] == ["assign"]
    # A step the state does not allow: the service's message, as JSON; a viewer may not take steps at all.
    refused = api("staff").post(f"/api/v1/flags/{flag.pk}/steps/",
                                {"action": "recovery_file", "letter_number": "1", "letter_date": "2025-06-01"},
                                format="json")
    assert refused.status_code == 400 and refused.json()["errors"]
    assert api("viewer").post(f"/api/v1/flags/{flag.pk}/steps/", {"action": "dismiss", "note": "x"},
                              format="json").status_code == 403
    assert api("commune_officer").post(f"/api/v1/flags/{objects['flag']['B'].pk}/steps/", {"action": "dismiss"},
                                       format="json").status_code == 404


def test_every_object_has_a_stable_etag(world, api):
    objects, _users = world
    staff = api("staff")
    document = objects["document"]["A"]
    for url in (f"/api/v1/documents/{document.pk}/", f"/api/v1/projects/{objects['project']['A'].pk}/",
                f"/api/v1/clusters/{objects['cluster']['A'].pk}/", f"/api/v1/notices/{objects['records']['A']['notices'].pk}/"):
        first, second = staff.get(url), staff.get(url)
        assert first.status_code == 200 and first["ETag"] and first["ETag"] == second["ETag"], url
    download = staff.get(f"/api/v1/documents/{document.pk}/download/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


def test_requests_are_throttled_per_token(world, api, monkeypatch):
    from api.throttling import TokenRateThrottle

    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "3/minute"})
    from django.core.cache import cache

    cache.clear()
    staff, viewer = api("staff"), api("viewer")
    assert [staff.get("/api/v1/communes/").status_code for _n in range(4)] == [200, 200, 200, 429]
    assert staff.get("/api/v1/communes/").json()["detail"]
    assert viewer.get("/api/v1/communes/").status_code == 200  # another token has its own budget


def test_the_documentation_page_uses_vendored_files_only(world, client):
    _objects, users = world
    client.force_login(users["viewer"])
    html = client.get("/api/v1/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "https://" not in html and "http://" not in html and "<script>" not in html


def test_the_documentation_page_alone_may_apply_inline_styles_and_no_page_inline_scripts(world, client):
    """Swagger UI sets style attributes from its script (Chromium refused them under style-src 'self'): its page
    allows inline styles; scripts stay same-origin there, and every other page keeps the site's policy."""
    _objects, users = world
    client.force_login(users["viewer"])

    def policy(path):
        header = client.get(path)["Content-Security-Policy"]
        return {part.split()[0]: part.split()[1:] for part in header.split("; ")}

    docs, home = policy("/api/v1/docs/"), policy("/")
    assert "'unsafe-inline'" in docs["style-src"] and docs["script-src"] == ["'self'"]
    assert home["style-src"] == ["'self'"] and home["script-src"] == ["'self'"]


def test_the_fast_project_representation_is_drfs(world):
    """ProjectSerializer.to_representation skips DRF's machinery for speed; it must give exactly DRF's answer."""
    from rest_framework import serializers

    from api.serializers import ProjectSerializer

    objects, _users = world
    project = Project.objects.select_related("cluster__commune", "investor").get(pk=objects["project"]["A"].pk)
    project.irc_date = project.land_handover_date = timezone.localdate()
    project.registered_capital_usd = 12345.5
    assert ProjectSerializer().to_representation(project) == serializers.Serializer.to_representation(
        ProjectSerializer(), project)


def test_the_coming_due_list_gives_the_dates_the_scan_stored_within_the_users_communes(world, api):
    """The API's coming-due list reads the same stored dates as the page (projects/watchlist/coming_due.py
    `due_deadlines`): a construction start due in 10 days in each commune; the officer sees their commune's only."""
    from projects.watchlist.coming_due import due_deadlines
    from projects.watchlist.scans import run_scan

    objects, users = world
    today = timezone.localdate()
    for scope in "AB":
        project = objects["project"][scope]
        Project.objects.filter(pk=project.pk).update(
            status="land_handed_over", land_handover_date=today - timedelta(days=300),
            construction_start_deadline=today + timedelta(days=9), actual_construction_start=None)
    run_scan(as_of=today)
    wanted = {(d.project.code, d.rule.code, d.crossing.isoformat())
              for d in due_deadlines(user=users["staff"], today=today, days=30)}
    assert {code for code, _rule, _day in wanted} == {objects["project"][scope].code for scope in "AB"}, wanted

    def rows(role):
        response = api(role).get("/api/v1/coming-due/", {"days": 30, "page_size": 100})
        assert response.status_code == 200, response.content
        return {(row["project_code"], row["rule_code"], row["crossing"]) for row in response.json()["results"]}

    assert rows("staff") == wanted
    officer = rows("commune_officer")
    assert officer and {code for code, _rule, _day in officer} == {objects["project"]["A"].code}
    assert api("staff").get("/api/v1/coming-due/", {"days": 0}).status_code == 400
