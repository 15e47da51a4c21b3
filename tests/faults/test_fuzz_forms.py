"""The fuzz the tracker gets, kept as a test: every form page a leader, a staff member and a commune officer can
reach (found by following the links from the home page: create and edit pages of every entity and record, review
steps, targets, the import upload, the list filters and the report forms) receives 2,000 random payloads from a
seeded generator (absurd dates, huge and negative numbers, 10,000-character strings, unicode, NUL bytes, SQL-ish
text, several values for one field, missing fields, ids of another commune's objects, random files). No response
may be a server error, and a form re-rendered with its errors keeps what was typed in it.

The seed is fixed (FUZZ_SEED to try another, FUZZ_POSTS for more posts); a failure prints the request to replay."""
import os
import random
import re
from datetime import date
from html import unescape
from urllib.parse import urlencode, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import Resolver404, resolve

from clusters.models import Cluster, Commune
from projects.models import (
    AnnualTarget,
    CapitalReport,
    ForceMajeurePeriod,
    LandUseExtension,
    ScheduleAdjustment,
    TransferRequest,
    UnreachableRecord,
    ViolationNotice,
)
from projects.watchlist.scans import run_scan
from tests.faults.pages import page_forms

SEED = int(os.environ.get("FUZZ_SEED", "20261129"))
POSTS = int(os.environ.get("FUZZ_POSTS", "2000"))

# Links the crawl does not follow: files (exports, documents, reports as xlsx/pdf), the admin, leaving the session,
# and pages that would destroy the fixtures the other forms need (a delete confirmation is a form with no fields).
SKIP = re.compile(r"^/(static|media|admin|logout|language)|/(export|xlsx|pdf|template)/|/delete/|/documents/\d+/|"
                  r"/history/|healthz")
# The form pages the crawl must find (their URL names, and the kind of record in the URL): if the site's links
# change so that one is no longer reached, this test says so instead of fuzzing less.
EXPECTED = {
    "clusters:create", "clusters:update", "clusters:list", "projects:create", "projects:update", "projects:list",
    "projects:document_upload", "investors:create", "investors:update", "investors:list", "watchlist:list",
    "watchlist:step", "targets:create", "targets:update", "imports:start", "reports:form04", "reports:form03",
    *(f"projects:record_create:{kind}" for kind in ("reports", "adjustments", "extensions", "force-majeure",
                                                   "notices", "transfers", "unreachable")),
    *(f"projects:record_update:{kind}" for kind in ("reports", "extensions", "force-majeure", "notices",
                                                   "transfers", "unreachable")),
}

ABSURD_DATES = ["31/12/9999", "00/00/0000", "01/01/0001", "29/02/2023", "31/04/2025", "32/01/2025", "1/1/1",
                "2025-02-30", "9999-12-31", "31/12/1989", "01/01/1990", "12/31/2025", "today", "01/01/-2025",
                "01/01/99999999999", "0/0/0", "31.12.2024", "2024-06-14T00:00:00"]
NUMBERS = ["-1", "0", "-0", "1e308", "-1e308", "NaN", "inf", "-inf", "9" * 40, "-" + "9" * 40, "1.234.567,89",
           "1,2,3", "0,0000000001", "99999999999999999999", "2147483648", "-2147483649", "9223372036854775808",
           "1_000", "١٢٣", "+5", " 7 ", "0x1F", "1e-400", "12,5 tỷ"]
TEXTS = ["", " ", "a" * 10_000, "Đường số 1 – Khu CN Lương Sơn ☃ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀", "\x00", "abc\x00def", "\u202e\u200b",
         "' OR 1=1 --", "'; DROP TABLE projects_project; --", "\" onmouseover=alert(1) x=\"",
         "<script>alert(1)</script>", "{{ 7*7 }}", "%(name)s %s %d", "=HYPERLINK(\"http://x\")", "\r\n\r\n", "\t",
         "ﬀ" * 1000, "x" * 256]
WRONG_TYPES = ["true", "false", "on", "None", "null", "[]", "{}", "[1, 2]", "-", "..", "/"]


def _random_value(rng: random.Random, ids: list[int]) -> str:
    pool = rng.choice([ABSURD_DATES, NUMBERS, TEXTS, WRONG_TYPES, "ids"])
    if pool == "ids":
        return str(rng.choice(ids + [0, -1, 2**63, 10**30]))
    return rng.choice(pool)


def _payload(rng: random.Random, form, ids: list[int]) -> tuple[dict, dict]:
    """Random data for a form: each field kept as the page offers it, replaced, repeated, or left out; and files."""
    data, files = {}, {}
    for name, values in form.values().items():
        if name == "csrfmiddlewaretoken":
            continue
        roll = rng.random()
        if roll < 0.1:
            continue  # a missing field
        if roll < 0.35:
            data[name] = values
        elif roll < 0.45:
            data[name] = [_random_value(rng, ids), _random_value(rng, ids)]  # one field sent twice
        else:
            field = form.field(name)
            if field is not None and field.options and rng.random() < 0.5:
                data[name] = [rng.choice(field.options)]  # a choice the page offers
            else:
                data[name] = [_random_value(rng, ids)]
    for field in form.fields:
        if field.kind == "file" and rng.random() < 0.7:
            content = rng.choice([b"", b"%PDF-1.4\n" + rng.randbytes(200), rng.randbytes(500), b"PK\x03\x04" +
                                  rng.randbytes(100), "dự án,mã\n=1+1,x\n".encode()])
            name = rng.choice(["a.pdf", "b.xlsx", "c.csv", "../../etc/passwd", "x" * 300 + ".png", "tệp.jpg", ""])
            files[field.name] = SimpleUploadedFile(name or "f", content)
    if rng.random() < 0.05:
        data[rng.choice(["version", "id", "pk", "user", "project", "is_superuser"])] = [_random_value(rng, ids)]
    return data, files


def _shape(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    kind = match.kwargs.get("kind")
    return f"{match.view_name}:{kind}" if kind else match.view_name


def crawl(client: Client, start="/", per_shape=2, limit=250):
    """The pages reachable by links from the home page, at most `per_shape` per URL name: {url: [forms]}."""
    queue, seen, shapes, pages = [start], {start}, {}, {}
    while queue and len(pages) < limit:
        url = queue.pop(0)
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        html = response.content.decode()
        pages[url] = page_forms(html)
        for href in re.findall(r'href="([^"#]+)"', html):
            href = unescape(href)
            parts = urlsplit(href)
            if parts.netloc or not parts.path.startswith("/") or SKIP.search(parts.path):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query and "page=" not in parts.query else "")
            shape = _shape(parts.path)
            if shape is None or target in seen or shapes.get(shape, 0) >= per_shape:
                continue
            seen.add(target)
            shapes[shape] = shapes.get(shape, 0) + 1
            queue.append(target)
    return pages


def _targets(pages: dict) -> list[tuple[str, object]]:
    """(url, form) for every form worth fuzzing: posts to the page itself and the list filters (GET)."""
    targets = []
    for url, forms in pages.items():
        for form in forms:
            names = form.names()
            if not names or names == ["csrfmiddlewaretoken"] or "language" in names or "next" in names:
                continue  # log out, the language switch
            action = form.action or url
            if urlsplit(action).path != urlsplit(url).path:
                continue  # a form posting elsewhere (a step chosen on the flag page) is fuzzed on its own page
            targets.append((url, form))
    return targets


@pytest.fixture
def world(make_project, make_cluster, make_user, commune, district):
    """Two communes with a cluster, projects and every kind of record each; a flag; a year's targets; the users."""
    other_commune = Commune.objects.create(name="Cao Phong", kind="commune", former_district=district)
    other_cluster = make_cluster(name="Cao Phong", commune=other_commune)
    projects = [make_project(code="DA-A", land_handover_date=date(2023, 5, 3)),
                make_project(code="DA-B", cluster=other_cluster, land_handover_date=date(2023, 5, 3))]
    for project in projects:
        CapitalReport.objects.create(project=project, year=2024, period="H1", period_end=date(2024, 6, 30),
                                     implemented_capital_vnd=10**9)
        ScheduleAdjustment.objects.create(project=project, decision_number="QĐ-1", decision_date=date(2024, 1, 2),
                                          months_added=6, reason="Gia hạn")
        LandUseExtension.objects.create(project=project, start_date=date(2025, 1, 1), end_date=date(2025, 12, 31))
        ForceMajeurePeriod.objects.create(project=project, start_date=date(2024, 1, 1), end_date=date(2024, 2, 1),
                                          reason="Lũ")
        ViolationNotice.objects.create(project=project, number="TB-1", notice_date=date(2025, 1, 1))
        TransferRequest.objects.create(project=project, request_date=date(2025, 1, 1))
        UnreachableRecord.objects.create(project=project, since=date(2025, 1, 1))
    run_scan()
    AnnualTarget.objects.create(year=2025, projects_min=1, projects_max=5, capital_min_vnd=10**11,
                                capital_max_vnd=10**12, clusters_min=0, clusters_max=1)
    users = {"leadership": make_user("lanhdao", "leadership"), "staff": make_user("chuyenvien", "staff"),
             "commune_officer": make_user("canboxa", "commune_officer", communes=[commune])}
    ids = sorted({*Cluster.objects.values_list("pk", flat=True), *(p.pk for p in projects), other_commune.pk,
                  *(user.pk for user in users.values())})
    return users, ids


def _kept(sent: dict, html: str, form) -> list[str]:
    """The typed text fields of a re-rendered form that do not show what was typed."""
    rendered = page_forms(html)
    again = next((f for f in rendered if set(f.names()) >= set(form.names()) - {"version"}), None)
    if again is None:
        return []
    lost = []
    for name, values in sent.items():
        field = again.field(name)
        if field is None or field.kind not in ("text", "textarea", "number", "email", "url", "search", "tel"):
            continue
        typed = values[-1]
        if field.value != typed:
            lost.append(f"{name}: typed {typed[:40]!r}, shown {field.value[:40]!r}")
    return lost


def test_2000_random_form_posts_give_no_server_error(world):
    users, ids = world
    rng = random.Random(SEED)
    clients, targets = {}, {}
    for role, user in users.items():
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients[role] = client
        targets[role] = _targets(crawl(client))
    found = {_shape(urlsplit(url).path) for role_targets in targets.values() for url, _form in role_targets}
    assert EXPECTED <= found, f"form pages the crawl no longer reaches: {sorted(EXPECTED - found)}"
    # The commune officer also tries the forms of the other commune's objects that staff reached.
    officer_urls = {url for url, _form in targets["commune_officer"]}
    targets["commune_officer"] += [(url, form) for url, form in targets["staff"] if url not in officer_urls]

    errors, lost, statuses = [], [], {}
    roles = list(users)
    for n in range(POSTS):
        role = roles[n % len(roles)]
        url, form = rng.choice(targets[role])
        data, files = _payload(rng, form, ids)
        if form.method == "get":
            request = f"GET {url} {data!r:.300}"
            response = clients[role].get(urlsplit(url).path, data)
        else:
            request = f"POST {url} as {role} {data!r:.300} files={list(files)}"
            response = clients[role].post(url, {**data, **files})
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        if response.status_code >= 500:
            exc = getattr(response, "exc_info", None)
            errors.append(f"#{n} {request} → {response.status_code} {exc[1]!r:.300}" if exc else f"#{n} {request}")
        elif (form.method == "post" and response.status_code == 200
              and response["Content-Type"].startswith("text/html")):
            for problem in _kept(data, response.content.decode(), form):
                lost.append(f"#{n} {request}: {problem}")
    assert not errors, f"{len(errors)} server error(s) (seed {SEED}):\n" + "\n".join(errors[:20])
    assert not lost, f"{len(lost)} typed value(s) lost on a re-rendered form (seed {SEED}):\n" + "\n".join(lost[:20])
    # The payloads reach both ends: forms re-rendered with errors, and some saved.
    assert statuses.get(200, 0) > POSTS // 2 and statuses.get(302, 0) > 0, statuses
