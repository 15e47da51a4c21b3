"""The search box: clusters, investors and projects found by name, code, tax code or certificate number, accents and
case ignored, the same on the lists and on /search/, on SQLite and on PostgreSQL (with its trigram index), through
the door (a commune officer finds only their communes' clusters and projects); the stored search text kept on every
write path."""
import unicodedata
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusters.models import Cluster, Commune
from projects.models import Investor, Project
from tracker.search import MAX_WORDS, matching, normalise, search_text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Lương Sơn", "luong son"),
        ("ĐỒNG TÂM", "dong tam"),
        ("đường Đinh", "duong dinh"),
        (unicodedata.normalize("NFD", "Lương Sơn Đồng"), "luong son dong"),  # typed or pasted decomposed
        ("  Thủy   Điện\tHòa Bình ", "thuy dien hoa binh"),
        ("GCN-0123/QĐ", "gcn-0123/qd"),
        ("Müller Øresund", "muller oresund"),
        ("Đồng\x00Tâm\x07", "dongtam"),  # control characters dropped (PostgreSQL refuses a NUL)
        ("", ""),
        (None, ""),
    ],
)
def test_normalise(text, expected):
    assert normalise(text) == expected


def test_each_character_is_kept_or_dropped_as_the_definition_says():
    """normalise drops accents (combining marks) and control characters but tab and line breaks, through a table it
    fills as it meets characters: every character of the planes people type gives what the definition gives."""
    from tracker.search import _FOLD

    def by_definition(text):
        decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
        kept = "".join(c for c in decomposed
                       if not unicodedata.combining(c) and unicodedata.category(c) != "Cc" or c in "\t\n\r")
        return " ".join(kept.casefold().translate(_FOLD).split())

    for code in [*range(0, 0x3400), *range(0xFB00, 0x10000), *range(0x1D400, 0x1D800)]:
        text = f"a{chr(code)}b"
        assert normalise(text) == by_definition(text), hex(code)


def test_search_text_keeps_each_part_on_its_own_line():
    assert search_text("CCN-01", "Cụm Đồng", None, "") == "ccn-01\ncum dong"


@pytest.fixture
def other_commune(db, district):
    return Commune.objects.create(name="Mỹ Đức", former_district=district)


@pytest.fixture
def places(cluster, make_cluster, make_project, investor, other_commune):
    """A cluster in Lương Sơn (CCN-T-01, Xóm Rụt), one named Đồng Tâm in Mỹ Đức, a project in each."""
    luong_son = cluster
    dong = make_cluster(code="CCN-MD", name="Cụm Đồng Tâm", commune=other_commune,
                        former_district=other_commune.former_district)
    other = Investor.objects.create(name="Công ty CP Đồng Xuân", tax_code="0209876543")
    in_luong_son = make_project(code="DA-LS", name="Nhà máy gạch", cluster=luong_son, irc_number="GCN 5471-QĐ")
    in_dong = make_project(code="DA-MD", name="Xưởng may", cluster=dong, investor=other)
    return {"luong_son": luong_son, "dong": dong, "investor": investor, "other": other,
            "in_luong_son": in_luong_son, "in_dong": in_dong}


def _codes(response):
    return sorted(getattr(row, "code", None) or row.tax_code for row in response.context["object_list"])


def test_the_lists_find_without_accents_or_case(staff_client, places):
    assert _codes(staff_client.get("/clusters/", {"q": "luong son"})) == ["CCN-T-01"]  # by its commune
    assert _codes(staff_client.get("/clusters/", {"q": "DONG"})) == ["CCN-MD"]
    assert _codes(staff_client.get("/clusters/", {"q": "cụm ĐỒNG tâm"})) == ["CCN-MD"]
    assert _codes(staff_client.get("/clusters/", {"q": "dong tamm"})) == []  # one letter too many
    assert _codes(staff_client.get("/projects/", {"q": "0209876543"})) == ["DA-MD"]  # the investor's tax code
    assert _codes(staff_client.get("/projects/", {"q": "gcn 5471-qd"})) == ["DA-LS"]  # the certificate number
    assert _codes(staff_client.get("/projects/", {"q": "gcn 5472"})) == []
    assert _codes(staff_client.get("/projects/", {"q": "nha may"})) == ["DA-LS"]
    assert _codes(staff_client.get("/investors/", {"q": "thu nghiem"})) == ["0101234567"]
    assert _codes(staff_client.get("/investors/", {"q": "dong xuan"})) == ["0209876543"]
    assert _codes(staff_client.get("/investors/", {"q": "020987654"})) == ["0209876543"]  # part of a tax code


def test_every_word_must_match_and_the_words_after_the_tenth_are_ignored(places):
    projects = Project.objects.all()
    assert [p.code for p in matching(projects, "nha may gach")] == ["DA-LS"]
    assert [p.code for p in matching(projects, "nha may gom")] == []
    ten = "da-ls " * (MAX_WORDS - 1)
    assert [p.code for p in matching(projects, ten + "gach")] == ["DA-LS"]  # the tenth word counts
    assert [p.code for p in matching(projects, ten + "gom")] == []
    assert [p.code for p in matching(projects, ten + "gach gom")] == ["DA-LS"]  # the eleventh does not
    assert matching(projects, "   ").count() == 2


def _search(client, q, **params):
    response = client.get(reverse("search"), {"q": q, **params})
    assert response.status_code == 200
    groups = {group.key: group for group in response.context["groups"]}
    return response, {key: [getattr(row, "code", None) or row.tax_code for row in group.page.object_list]
                      for key, group in groups.items()}


def test_the_search_page_finds_each_kind_by_name_code_tax_code_and_certificate(staff_client, places):
    response, found = _search(staff_client, "luong son")
    assert found == {"clusters": ["CCN-T-01"], "investors": [], "projects": []}
    assert "Cụm công nghiệp" in response.content.decode()
    _response, found = _search(staff_client, "DONG")
    assert found == {"clusters": ["CCN-MD"], "investors": ["0209876543"], "projects": ["DA-MD"]}
    _response, found = _search(staff_client, "0101234567")
    assert found == {"clusters": [], "investors": ["0101234567"], "projects": ["DA-LS"]}
    _response, found = _search(staff_client, "GCN 5471-QD")
    assert found == {"clusters": [], "investors": [], "projects": ["DA-LS"]}
    _response, found = _search(staff_client, "ccn-md")
    assert found["clusters"] == ["CCN-MD"]
    # The full list, filtered the same way, one click away.
    assert response.context["groups"][0].list_url == "/clusters/?q=luong+son"


def test_the_search_page_says_when_nothing_matches_and_asks_when_the_box_is_empty(staff_client, places):
    response, found = _search(staff_client, "không có gì")
    assert found == {"clusters": [], "investors": [], "projects": []}
    html = response.content.decode()
    assert "Không tìm thấy gì khớp với “không có gì”" in html
    for empty in ("", "   "):
        with CaptureQueriesContext(connection) as queries:
            response = staff_client.get(reverse("search"), {"q": empty})
        assert response.status_code == 200 and response.context["groups"] == []
        assert "Nhập tên, mã, mã số thuế" in response.content.decode()
        assert not [q for q in queries.captured_queries if "search_text" in q["sql"]]
    response = staff_client.get(reverse("search"))  # no q at all
    assert response.status_code == 200 and "Nhập tên, mã, mã số thuế" in response.content.decode()


def test_a_control_character_in_the_box_is_no_error(staff_client, places):
    _response, found = _search(staff_client, "Đồng\x00 Tâm")  # PostgreSQL refuses a NUL: dropped before the query
    assert found["clusters"] == ["CCN-MD"]
    for url in ("/clusters/", "/projects/", "/investors/"):  # the lists' form says "no null characters" beside the box
        response = staff_client.get(url, {"q": "Đồng\x00 Tâm"})
        assert response.status_code == 200 and "q" in response.context["filter"].form.errors, url


def test_a_long_query_is_cut_not_refused(staff_client, places):
    response = staff_client.get(reverse("search"), {"q": "đồng " * 500})
    assert response.status_code == 200
    assert len(response.context["query"]) <= 200
    assert [row.code for row in response.context["groups"][0].page.object_list] == ["CCN-MD"]


def test_a_commune_officer_finds_only_their_communes_clusters_and_projects(client, make_user, places, commune):
    client.force_login(make_user("canboxa", "commune_officer", communes=[commune]))
    _response, found = _search(client, "dong")
    assert found == {"clusters": [], "investors": ["0209876543"], "projects": []}  # investors are shared
    _response, found = _search(client, "0209876543")
    assert found["projects"] == []  # Đồng Xuân's project is in Mỹ Đức
    _response, found = _search(client, "da-")
    assert found["projects"] == ["DA-LS"]
    assert _codes(client.get("/projects/", {"q": "da-"})) == ["DA-LS"]


def test_each_group_pages_on_its_own(staff_client, make_cluster, make_project, places):
    for index in range(11):
        make_cluster(code=f"CCN-DONG-{index:02d}", name=f"Đồng {index}")
    _response, found = _search(staff_client, "dong")
    assert len(found["clusters"]) == 10 and found["projects"] == ["DA-MD"]
    response, found = _search(staff_client, "dong", clusters_page="2")
    assert found["clusters"] == ["CCN-DONG-10", "CCN-MD"] and found["projects"] == ["DA-MD"]
    assert response.context["groups"][0].page.paginator.count == 12
    assert "clusters_page=1" in response.content.decode()  # the link back
    _response, found = _search(staff_client, "dong", clusters_page="99")  # past the end: the last page
    assert found["clusters"] == ["CCN-DONG-10", "CCN-MD"]
    _response, found = _search(staff_client, "dong", clusters_page="abc")
    assert len(found["clusters"]) == 10


def test_the_search_page_costs_the_same_queries_for_1_and_30_rows_of_each_kind(staff_client, make_cluster,
                                                                                 make_project, places):
    big = make_cluster(code="CCN-BIG", name="Cụm lớn", industrial_land_ha=Decimal(500), total_area_ha=Decimal(500))

    def count():
        with CaptureQueriesContext(connection) as queries:
            _response, found = _search(staff_client, "zz")
        assert all(found.values())  # every group has rows, so each reads its count and its page
        return len(queries.captured_queries)

    make_cluster(code="CCN-ZZ-00", name="Cụm zz")
    investor = Investor.objects.create(name="Công ty zz 0", tax_code="0300000000")
    make_project(code="DA-ZZ-00", cluster=big, investor=investor)
    few = count()
    for index in range(1, 30):
        make_cluster(code=f"CCN-ZZ-{index:02d}", name=f"Cụm zz {index}")
        investor = Investor.objects.create(name=f"Công ty zz {index}", tax_code=f"03000000{index:02d}")
        make_project(code=f"DA-ZZ-{index:02d}", cluster=big, investor=investor)
    # session, user, permissions (2), a count and a page for each of the three groups, the session's expiry pushed
    # ahead (savepoint, update, release)
    assert few == count() == 4 + 3 * 2 + 3


# --- the stored search text on every write path -------------------------------------------------------------------

def test_the_services_keep_the_search_text(places, other_commune):
    from clusters.services import cluster_update
    from projects.services import investor_update, project_update

    cluster = cluster_update(cluster=places["dong"], name="Cụm Ngòi Hoa", expected_version=places["dong"].version)
    assert cluster.search_text == "ccn-md\ncum ngoi hoa\nmy duc"
    project = places["in_dong"]
    project_update(project=project, name="Xưởng Đá", expected_version=project.version)
    assert "xuong da" in Project.objects.get(pk=project.pk).search_text
    # A project is found by its investor's name: renaming the investor renames it in the projects' search text.
    investor_update(investor=places["other"], name="Công ty Đá Vôi", expected_version=places["other"].version)
    assert Project.objects.get(pk=project.pk).search_text.endswith("cong ty da voi\n0209876543")
    # A cluster is found by its commune's name.
    other_commune.name = "Mỹ Hòa"
    other_commune.save()
    assert Cluster.objects.get(pk=cluster.pk).search_text.endswith("my hoa")


def test_bulk_writes_keep_the_search_text(places, commune, district):
    [made] = Cluster.objects.bulk_create([Cluster(code="CCN-B", name="Cụm Bắc Sơn", commune=commune,
                                                  former_district=district)])
    assert Cluster.objects.get(code="CCN-B").search_text == "ccn-b\ncum bac son\nluong son"
    made.name = "Cụm Nam Sơn"
    Cluster.objects.bulk_update([made], ["name"])
    assert Cluster.objects.get(code="CCN-B").search_text == "ccn-b\ncum nam son\nluong son"
    made.notes = "ghi chú"
    Cluster.objects.bulk_update([made], ["notes"])  # not a part of the search text: nothing else written
    Cluster.objects.filter(code="CCN-B").update(name="Cụm Đông Sơn")
    assert Cluster.objects.get(code="CCN-B").search_text == "ccn-b\ncum dong son\nluong son"
    Project.objects.filter(code="DA-LS").update(irc_number=None)
    assert "gcn" not in Project.objects.get(code="DA-LS").search_text
    Investor.objects.filter(tax_code="0209876543").update(name="Công ty Mới")  # the projects follow their investor
    assert "cong ty moi" in Project.objects.get(code="DA-MD").search_text


def test_the_import_keeps_the_search_text(cluster, make_project):
    from tests.projects.test_imports import check, project_row, projects_file

    make_project(code="DA-CU", name="Nhà máy cũ")
    outcome = check(projects_file(project_row("NK-01", cluster=cluster.code),
                                  project_row("DA-CU", cluster=cluster.code, project_name="Nhà máy Đồng Lạc",
                                              investor_tax_code="0101234567", investor_name="Công ty TNHH Thử nghiệm")),
                    commit=True)
    assert outcome.committed
    created = Project.objects.get(code="NK-01")
    assert created.search_text == "nk-01\nnha may nk-01\ngcn-nk-01\ncong ty cp che dong tam\n0109876543"
    assert Investor.objects.get(tax_code="0109876543").search_text == "cong ty cp che dong tam\n0109876543"
    assert "nha may dong lac" in Project.objects.get(code="DA-CU").search_text


def test_the_demo_data_is_searchable(db):
    from io import StringIO

    from django.core.management import call_command

    call_command("load_demo", stdout=StringIO())
    for model in (Cluster, Investor, Project):
        rows = list(model.objects.all())
        assert rows and all(row.search_text and row.search_text == row.compute_search_text() for row in rows)
    assert matching(Cluster.objects.all(), "luong son").exists()


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_search_text_of_existing_rows(watchlist_rules):
    from django.db.migrations.executor import MigrationExecutor

    before = [("clusters", "0005_cluster_summary"), ("projects", "0012_import_job_deadline")]
    executor = MigrationExecutor(connection)
    from tests.migration_state import others_as_far_as

    others = others_as_far_as(executor.loader.graph, before)
    executor.migrate(before)
    old = executor.loader.project_state(before + others).apps
    try:
        district = old.get_model("clusters", "FormerDistrict").objects.create(name="Kim Bôi")
        commune = old.get_model("clusters", "Commune").objects.create(name="Lương Sơn", former_district=district)
        cluster = old.get_model("clusters", "Cluster").objects.create(
            code="CCN-M", name="Cụm Đồng", commune=commune, former_district=district)
        investor = old.get_model("projects", "Investor").objects.create(name="Nhà đầu tư Ý", tax_code="0101234599")
        old.get_model("projects", "Project").objects.create(
            code="DA-M", name="Dự án cũ", cluster=cluster, investor=investor, registered_capital_vnd=1,
            irc_number="GCN-Đ1")
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
        assert Commune.objects.get(name="Lương Sơn").search_text == "luong son"
        assert Cluster.objects.get(code="CCN-M").search_text == "ccn-m\ncum dong\nluong son"
        assert Investor.objects.get(tax_code="0101234599").search_text == "nha dau tu y\n0101234599"
        assert Project.objects.get(code="DA-M").search_text == "da-m\ndu an cu\ngcn-d1\nnha dau tu y\n0101234599"
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


# --- PostgreSQL: the trigram index ------------------------------------------------------------------------------

TRIGRAM_INDEXES = {
    "clusters_commune": "clusters_commune_search_trgm",
    "clusters_cluster": "clusters_cluster_search_trgm",
    "projects_investor": "projects_investor_search_trgm",
    "projects_project": "projects_project_search_trgm",
}


@pytest.mark.postgres
def test_on_postgresql_every_search_text_has_a_trigram_index(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename, indexname, indexdef FROM pg_indexes WHERE indexname LIKE '%%_search_trgm'")
        found = {table: (name, definition) for table, name, definition in cursor.fetchall()}
    assert {table: name for table, (name, _definition) in found.items()} == TRIGRAM_INDEXES
    assert all("USING gin (search_text gin_trgm_ops)" in definition for _name, definition in found.values())


@pytest.mark.postgres
def test_on_postgresql_the_search_uses_the_trigram_index(places, commune, district):
    """The search page's queries (a group's first page in its order, and its count) on 3,000 rows of each kind read
    the trigram index, not the whole table. The index's pending entries are merged first, as autovacuum does."""
    n = 3000
    clusters = Cluster.objects.bulk_create(
        Cluster(code=f"CCN-N-{i:05d}", name=f"Cụm số {i}", commune=commune, former_district=district) for i in range(n))
    investors = Investor.objects.bulk_create(
        Investor(name=f"Công ty số {i}", tax_code=f"04{i:08d}") for i in range(n))
    Project.objects.bulk_create(
        Project(code=f"DA-N-{i:05d}", name=f"Nhà máy số {i}", cluster=clusters[i], investor=investors[i],
                registered_capital_vnd=1) for i in range(n))
    with connection.cursor() as cursor:
        for table, index in TRIGRAM_INDEXES.items():
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
            cursor.execute(f"ANALYZE {table}")
    for model, index, order in ((Project, "projects_project_search_trgm", "code"),
                                (Cluster, "clusters_cluster_search_trgm", "code"),
                                (Investor, "projects_investor_search_trgm", "name")):
        rows = matching(model.objects.all(), "dong xuan")
        for queryset in (rows.order_by(order, "pk")[:10], rows.order_by()):
            sql, params = queryset.query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN {sql}", params)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            assert f"Bitmap Index Scan on {index}" in plan, plan
        assert len(rows) == (0 if model is Cluster else 1)
