"""The public lists (issue 14): what leaves the department is decided by data (a verified flag or a decided
extension, never a raw scan result), a leader approves each version, the public pages show the last approved
version only, nothing personal, cacheable, cheap and rate-limited."""
from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from projects.models import Flag, ForceMajeurePeriod, LandUseExtension, Publication, ReviewStep, Rule
from projects.publication import views as publication_views
from projects.publication.columns import PUBLIC_KEYS
from projects.publication.selectors import preview_rows, rows_digest
from projects.publication.services import publication_approve

Kind = Publication.Kind
UNVERIFIED = [Flag.State.NEW, Flag.State.ASSIGNED, Flag.State.EXPLANATION_REQUESTED, Flag.State.DISMISSED]
PERSONAL = ("0912 345 678", "giamdoc@congty.vn", "Ông Nguyễn Văn Liên Hệ", "Số 9 phố Riêng Tư", "Ghi chú nội bộ",
            "Lý do nội bộ", "Nhận xét kiểm tra nội bộ")


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()  # the rate limit counts in the cache
    yield
    # The language middleware leaves the last request's language active in this thread: an English page asked for
    # here must not make a later test read English messages.
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def leader(make_user):
    return make_user("lanhdao", "leadership")


@pytest.fixture
def leader_client(leader):
    client = Client()
    client.force_login(leader)
    return client


@pytest.fixture
def anonymous(db):
    return Client()


@pytest.fixture
def unused(make_project, investor):
    """A project whose land has been unused for 12 months, its investor's contact details filled in, and its flag."""
    investor.phone, investor.email, investor.contact_person, investor.address = PERSONAL[:4]
    investor.save()
    project = make_project(name="Nhà máy Gạch Tuynel", land_handover_date=date(2024, 5, 10), status="land_handed_over",
                           notes=PERSONAL[4])
    now = timezone.now()
    flag = Flag.objects.create(project=project, rule=Rule.objects.get(code="LAND_UNUSED_12M"), severity="critical",
                               since=date(2025, 5, 10), first_seen=now, last_confirmed=now,
                               evidence={"handover": "2024-05-10"})
    return flag


def _verify(flag, user, state=Flag.State.INSPECTED):
    ReviewStep.objects.create(flag=flag, action="record_inspection", from_state=flag.state, to_state=state, user=user,
                              note=PERSONAL[6])
    flag.state = state
    flag.save()


def _approve(client, kind, prepared_by=None):
    """What a leader does: open the page, choose who prepared the list (the first of the choices unless told), press
    the list's button (with the fingerprint of what the page showed)."""
    page = client.get(reverse("publication:index"))
    section = next(s for s in page.context["sections"] if s["kind"] == kind)
    preparer = prepared_by if prepared_by is not None else page.context["preparers"][0].pk
    return client.post(reverse("publication:index"), {"kind": kind, "digest": section["digest"], "prepared_by": preparer})


def _public(client, kind, **headers):
    return client.get(reverse("public:list", args=[kind]), **headers)


# ---- what may leave the department -------------------------------------------------------------------------------


@pytest.mark.parametrize("state", UNVERIFIED)
def test_an_unverified_flag_is_neither_previewed_nor_published(unused, leader, leader_client, anonymous, state):
    unused.state = state
    unused.save()
    today = timezone.localdate()
    assert preview_rows(Kind.LAND_UNUSED, today) == []
    assert preview_rows(Kind.VIOLATIONS, today) == []
    assert preview_rows(Kind.FORCE_MAJEURE, today) == []
    _approve(leader_client, Kind.LAND_UNUSED)
    assert Publication.objects.get(kind=Kind.LAND_UNUSED).rows == []
    assert unused.project.name not in _public(anonymous, Kind.LAND_UNUSED).content.decode()


@pytest.mark.parametrize("state", [Flag.State.INSPECTED, Flag.State.REVOCATION_PROPOSED, Flag.State.DECIDED])
def test_a_flag_inspected_or_later_is_previewed(unused, leader, state):
    _verify(unused, leader, state)
    rows = preview_rows(Kind.LAND_UNUSED, timezone.localdate())
    assert [row["code"] for row in rows] == [unused.project.code]
    assert rows[0]["since"] == "2025-05-10" and rows[0]["handed_over"] == "2024-05-10" and rows[0]["state"] == state


def test_a_warning_before_month_13_is_not_listed_even_inspected(unused, leader):
    unused.severity = "warning"
    unused.save()
    _verify(unused, leader)
    assert preview_rows(Kind.LAND_UNUSED, timezone.localdate()) == []


def test_a_cleared_flag_leaves_the_list(unused, leader):
    _verify(unused, leader)
    unused.cleared_at = timezone.now()
    unused.save()
    assert preview_rows(Kind.LAND_UNUSED, timezone.localdate()) == []


def test_the_violations_list_holds_verified_grounds_and_decisions(make_project, leader):
    now = timezone.now()
    ground = make_project(name="Dự án hết gia hạn")
    not_ground = make_project(name="Dự án thiếu báo cáo")
    flags = {
        "ground": Flag.objects.create(project=ground, rule=Rule.objects.get(code="EXTENSION_EXPIRED"), severity="critical",
                                      since=date(2025, 12, 1), first_seen=now, last_confirmed=now, ground="recovery"),
        "report": Flag.objects.create(project=not_ground, rule=Rule.objects.get(code="REPORT_MISSING"), severity="info",
                                      since=date(2025, 12, 21), first_seen=now, last_confirmed=now),
    }
    today = timezone.localdate()
    assert preview_rows(Kind.VIOLATIONS, today) == []  # found by the scan only
    _verify(flags["ground"], leader, Flag.State.REVOCATION_PROPOSED)
    _verify(flags["report"], leader)
    rows = preview_rows(Kind.VIOLATIONS, today)
    assert [(row["code"], row["ground"], row["state"]) for row in rows] == [
        (ground.code, "recovery", "revocation_proposed")]
    assert rows[0]["handled_on"] == timezone.localdate().isoformat()
    # Once decided the scan closes the flag: the decision stays on the list.
    flags["ground"].state, flags["ground"].cleared_at = Flag.State.DECIDED, now
    flags["ground"].save()
    assert [row["state"] for row in preview_rows(Kind.VIOLATIONS, today)] == ["decided"]


def test_an_extension_is_listed_once_decided_and_until_its_last_day(project, leader):
    today = timezone.localdate()
    extension = LandUseExtension.objects.create(project=project, clock="unused", start_date=today - timedelta(days=300),
                                                end_date=today + timedelta(days=10), decision_number="QĐ-12")
    assert preview_rows(Kind.EXTENDED, today) == []  # recorded, not decided
    extension.decision_date = today + timedelta(days=1)
    extension.save()
    assert preview_rows(Kind.EXTENDED, today) == []  # decided tomorrow
    extension.decision_date = today
    extension.save()
    rows = preview_rows(Kind.EXTENDED, today)
    assert [(row["code"], row["clock"], row["decision_number"]) for row in rows] == [(project.code, "unused", "QĐ-12")]
    assert preview_rows(Kind.EXTENDED, extension.end_date) != []  # its last day
    assert preview_rows(Kind.EXTENDED, extension.end_date + timedelta(days=1)) == []


def test_force_majeure_is_listed_for_projects_looked_at_without_its_reason(unused, leader):
    today = timezone.localdate()
    ForceMajeurePeriod.objects.create(project=unused.project, start_date=date(2024, 9, 1), end_date=date(2024, 10, 15),
                                      reason=PERSONAL[5])
    assert preview_rows(Kind.FORCE_MAJEURE, today) == []  # the flag is not verified
    _verify(unused, leader)
    rows = preview_rows(Kind.FORCE_MAJEURE, today)
    assert [(row["code"], row["start"], row["end"]) for row in rows] == [(unused.project.code, "2024-09-01", "2024-10-15")]
    assert PERSONAL[5] not in str(rows)


def test_the_unleased_land_of_each_cluster(cluster, make_project):
    make_project(land_area_ha=Decimal("12.5"))
    rows = preview_rows(Kind.UNLEASED, timezone.localdate())
    assert [(row["code"], Decimal(row["industrial_land_ha"]), Decimal(row["leased_ha"]), Decimal(row["unleased_ha"]))
            for row in rows] == [(cluster.code, Decimal(50), Decimal("12.5"), Decimal("37.5"))]


def test_nothing_personal_is_in_any_snapshot(unused, leader, leader_client, anonymous):
    _verify(unused, leader, Flag.State.REVOCATION_PROPOSED)
    unused.ground = "recovery"
    unused.save()
    ForceMajeurePeriod.objects.create(project=unused.project, start_date=date(2024, 9, 1), end_date=date(2024, 10, 15),
                                      reason=PERSONAL[5])
    today = timezone.localdate()
    LandUseExtension.objects.create(project=unused.project, clock="delay", start_date=today - timedelta(days=5),
                                    end_date=today + timedelta(days=5), decision_date=today, decision_number="QĐ-1")
    expected = {
        Kind.LAND_UNUSED: {"code", "project", "investor", "cluster", "commune", "handed_over", "since", "basis", "state"},
        Kind.EXTENDED: {"code", "project", "investor", "cluster", "commune", "clock", "decision_number",
                        "decision_date", "start", "end", "basis"},
        Kind.FORCE_MAJEURE: {"code", "project", "investor", "cluster", "commune", "start", "end", "basis"},
        Kind.VIOLATIONS: {"code", "project", "investor", "cluster", "commune", "violation", "since", "basis", "ground",
                          "state", "handled_on"},
        Kind.UNLEASED: {"code", "cluster", "commune", "industrial_land_ha", "leased_ha", "unleased_ha"},
    }
    for kind, keys in expected.items():
        assert _approve(leader_client, kind).status_code == 302
        rows = Publication.objects.get(kind=kind).rows
        assert rows and all(set(row) == keys for row in rows), kind
        assert keys <= PUBLIC_KEYS[kind]
        texts = [str(rows), _public(anonymous, kind).content.decode()]
        xlsx = load_workbook(BytesIO(anonymous.get(reverse("public:xlsx", args=[kind])).getvalue()))
        texts.append(str([cell.value for row in xlsx.active.iter_rows() for cell in row]))
        for text in texts:
            for personal in PERSONAL:
                assert personal not in text, (kind, personal)


def test_the_preview_refuses_a_field_that_is_not_public(monkeypatch, unused, leader):
    from projects.publication import selectors

    _verify(unused, leader)
    monkeypatch.setattr(selectors, "_project", lambda project: {"code": project.code, "phone": project.investor.phone})
    with pytest.raises(ValueError, match="phone"):
        preview_rows(Kind.LAND_UNUSED, timezone.localdate())


# ---- approval ------------------------------------------------------------------------------------------------------


def test_a_change_after_approval_waits_for_the_next_approval(unused, leader, leader_client, anonymous):
    _verify(unused, leader)
    response = _approve(leader_client, Kind.LAND_UNUSED)
    assert response.status_code == 302
    publication = Publication.objects.get(kind=Kind.LAND_UNUSED)
    assert (publication.version, publication.approved_by, publication.published_on) == (1, leader, timezone.localdate())
    assert publication.history.get().history_user == leader  # recorded in the history
    page = _public(anonymous, Kind.LAND_UNUSED).content.decode()
    assert "Nhà máy Gạch Tuynel" in page
    assert f"Công bố ngày {timezone.localdate():%d/%m/%Y}, phiên bản 1" in page

    project = unused.project
    project.name = "Nhà máy Gạch Mới"
    project.save()
    other = type(project).objects.create(code="DA-MOI", name="Dự án mới kiểm tra", cluster=project.cluster,
                                         investor=project.investor, registered_capital_vnd=1)
    now = timezone.now()
    new_flag = Flag.objects.create(project=other, rule=unused.rule, severity="critical", since=date(2025, 6, 1),
                                   first_seen=now, last_confirmed=now)
    _verify(new_flag, leader)
    page = _public(anonymous, Kind.LAND_UNUSED).content.decode()
    assert "Nhà máy Gạch Tuynel" in page and "Nhà máy Gạch Mới" not in page and "Dự án mới kiểm tra" not in page

    section = next(s for s in leader_client.get(reverse("publication:index")).context["sections"]
                   if s["kind"] == Kind.LAND_UNUSED)
    assert len(section["added"]) == 1 and len(section["changed"]) == 1 and section["removed"] == []
    assert _approve(leader_client, Kind.LAND_UNUSED).status_code == 302
    page = _public(anonymous, Kind.LAND_UNUSED).content.decode()
    assert "Nhà máy Gạch Mới" in page and "Dự án mới kiểm tra" in page and "phiên bản 2" in page


def test_an_approval_of_a_list_that_changed_meanwhile_is_refused(unused, leader, leader_client):
    page = leader_client.get(reverse("publication:index"))
    stale = next(s for s in page.context["sections"] if s["kind"] == Kind.LAND_UNUSED)["digest"]
    _verify(unused, leader)  # the list changes while the page is open
    response = leader_client.post(reverse("publication:index"), {"kind": Kind.LAND_UNUSED, "digest": stale,
                                                                  "prepared_by": leader.pk}, follow=True)
    assert "Danh sách đã thay đổi từ lúc mở trang" in response.content.decode()
    assert not Publication.objects.exists()


def test_an_unknown_list_is_refused_with_a_message(leader_client):
    response = leader_client.post(reverse("publication:index"), {"kind": "khong-co", "digest": "x"}, follow=True)
    assert response.status_code == 200 and "Không có danh sách công khai này." in response.content.decode()
    assert not Publication.objects.exists()


def test_only_leadership_approves(make_user, unused):
    user = make_user("chuyenvien", "staff")
    with pytest.raises(Exception) as raised:
        publication_approve(kind=Kind.LAND_UNUSED, user=user, digest=rows_digest([]), prepared_by=user)
    assert type(raised.value).__name__ == "PermissionDenied"
    assert not Publication.objects.exists()


def test_versions_count_per_list(leader_client):
    for _ in range(2):
        _approve(leader_client, Kind.UNLEASED)
    _approve(leader_client, Kind.EXTENDED)
    assert sorted(Publication.objects.values_list("kind", "version")) == [
        (Kind.EXTENDED, 1), (Kind.UNLEASED, 1), (Kind.UNLEASED, 2)]


# ---- the public pages ------------------------------------------------------------------------------------------------


def test_a_list_never_approved_says_so(anonymous):
    response = _public(anonymous, Kind.LAND_DELAY)
    assert response.status_code == 200 and "Danh sách này chưa được công bố." in response.content.decode()
    assert "ETag" not in response
    assert anonymous.get(reverse("public:xlsx", args=[Kind.LAND_DELAY])).status_code == 404
    assert anonymous.get(reverse("public:pdf", args=[Kind.LAND_DELAY])).status_code == 404
    assert "Chưa công bố." in anonymous.get(reverse("public:index")).content.decode()


def test_an_unknown_list_is_not_found(anonymous):
    assert anonymous.get("/cong-khai/khong-co/").status_code == 404


def test_the_public_pages_have_no_staff_menu_and_switch_to_english(leader_client, anonymous):
    _approve(leader_client, Kind.UNLEASED)
    html = _public(anonymous, Kind.UNLEASED).content.decode()
    assert 'id="language-select"' in html and reverse("projects:list") not in html and "logout" not in html
    anonymous.post(reverse("set_language"), {"language": "en", "next": "/cong-khai/"})
    html = _public(anonymous, Kind.UNLEASED).content.decode()
    assert "Unleased industrial land per cluster" in html and "Published on" in html


def test_etag_and_last_modified_answer_304(leader_client, anonymous):
    _approve(leader_client, Kind.UNLEASED)
    for url in (reverse("public:index"), reverse("public:list", args=[Kind.UNLEASED]),
                reverse("public:xlsx", args=[Kind.UNLEASED])):
        first = anonymous.get(url)
        assert first.status_code == 200 and first["ETag"].startswith('W/"') and first["Last-Modified"]
        assert "public" in first["Cache-Control"] and "max-age=300" in first["Cache-Control"]
        assert anonymous.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
        assert anonymous.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
        assert anonymous.get(url, HTTP_IF_NONE_MATCH='W/"other"').status_code == 200
        head = anonymous.head(url)  # what a proxy or a monitor asks
        assert head.status_code == 200 and head["ETag"] == first["ETag"]
    etag = _public(anonymous, Kind.UNLEASED)["ETag"]
    _approve(leader_client, Kind.UNLEASED)  # a new version: the old copy is no longer current
    response = _public(anonymous, Kind.UNLEASED, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response["ETag"] != etag


def test_a_logged_in_reader_gets_a_private_copy(leader_client):
    _approve(leader_client, Kind.UNLEASED)
    assert _public(leader_client, Kind.UNLEASED)["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("url", ["/cong-khai/", f"/cong-khai/{Kind.UNLEASED}/", f"/cong-khai/{Kind.UNLEASED}/xlsx/",
                                 f"/cong-khai/{Kind.LAND_DELAY}/"])
def test_a_public_page_costs_at_most_5_queries(leader_client, make_cluster, url, django_assert_max_num_queries):
    for _ in range(30):
        make_cluster()
    _approve(leader_client, Kind.UNLEASED)
    client = Client()
    with django_assert_max_num_queries(5):
        assert client.get(url).status_code == 200


def test_the_rate_limit_at_its_boundary(monkeypatch, settings, anonymous):
    settings.PUBLIC_LISTS_PER_MINUTE = 60
    monkeypatch.setattr(publication_views, "_window", lambda: 1000)
    for number in range(1, 61):
        assert anonymous.get("/cong-khai/").status_code == 200, number
    response = anonymous.get("/cong-khai/")
    assert response.status_code == 429 and response["Retry-After"] == "60"
    assert "Quá nhiều yêu cầu" in response.content.decode()
    # Another address, and the next minute, are not held back.
    assert anonymous.get("/cong-khai/", REMOTE_ADDR="10.0.0.2").status_code == 200
    monkeypatch.setattr(publication_views, "_window", lambda: 1001)
    assert anonymous.get("/cong-khai/").status_code == 200


def test_the_pdf_carries_the_list_in_vietnamese(unused, leader, leader_client, anonymous):
    from pypdf import PdfReader

    _verify(unused, leader)
    _approve(leader_client, Kind.LAND_UNUSED)
    response = anonymous.get(reverse("public:pdf", args=[Kind.LAND_UNUSED]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "Nhà máy Gạch Tuynel" in text and "phiên bản 1" in text and "Đã kiểm tra" in text


def test_with_the_cache_down_the_public_pages_are_still_served(monkeypatch, anonymous):
    from redis.exceptions import ConnectionError as RedisConnectionError

    def down(*args, **kwargs):
        raise RedisConnectionError("down")

    monkeypatch.setattr(publication_views.cache, "incr", down)
    assert anonymous.get("/cong-khai/").status_code == 200


def test_the_pdf_of_a_version_is_rendered_once_per_language(monkeypatch, leader_client, anonymous):
    from projects.publication import exports

    _approve(leader_client, Kind.UNLEASED)
    rendered = []
    real = exports.render_pdf
    monkeypatch.setattr(exports, "render_pdf", lambda *args: rendered.append(args) or real(*args))
    url = reverse("public:pdf", args=[Kind.UNLEASED])
    first, second = anonymous.get(url), anonymous.get(url)
    assert first.content == second.content and len(rendered) == 1
    anonymous.post(reverse("set_language"), {"language": "en", "next": "/cong-khai/"})
    assert anonymous.get(url).content != first.content and len(rendered) == 2
    _approve(leader_client, Kind.UNLEASED)  # a new version is rendered anew
    anonymous.get(url)
    assert len(rendered) == 3


def test_who_prepared_the_list_is_recorded_beside_the_approver_and_never_published(unused, leader, leader_client,
                                                                                    anonymous, make_user):
    _verify(unused, leader)
    clerk = make_user("chuyenvien", "staff", first_name="Thị Lan", last_name="Nguyễn")
    outsider = make_user("xem", "viewer", first_name="Văn Xem", last_name="Trần")
    page = leader_client.get(reverse("publication:index"))
    assert clerk in page.context["preparers"] and leader in page.context["preparers"]
    assert outsider not in page.context["preparers"]  # a viewer does not prepare the department's lists
    html = page.content.decode()
    assert "Người lập danh sách" in html and "Chọn người lập danh sách" in html
    # Nobody chosen, or someone who may not prepare it: nothing approved, and the leader is told why.
    for prepared_by in ("", outsider.pk, "x"):
        response = _approve(leader_client, Kind.LAND_UNUSED, prepared_by=prepared_by)
        assert response.status_code == 302 and not Publication.objects.exists()
    messages = [str(m) for m in leader_client.get(reverse("publication:index")).context["messages"]]
    assert any("Hãy chọn người lập danh sách" in m for m in messages)
    assert _approve(leader_client, Kind.LAND_UNUSED, prepared_by=clerk.pk).status_code == 302
    publication = Publication.objects.get()
    assert (publication.prepared_by, publication.approved_by) == (clerk, leader)
    history = leader_client.get(reverse("publication:index")).content.decode()
    assert "người lập: Thị Lan Nguyễn" in history or "người lập: Nguyễn Thị Lan" in history
    public = _public(anonymous, Kind.LAND_UNUSED).content.decode()
    assert "Thị Lan" not in public and "chuyenvien" not in public and "lanhdao" not in public
