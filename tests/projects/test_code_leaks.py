"""A commune officer learns nothing of another commune's codes (issue 13, point 7): a project code, a certificate
number or a cluster code in use elsewhere is refused in the same words as one in use in their own commune (forms),
and the import answers another commune's cluster or project as it answers a code that does not exist."""
import io

import pytest
from django.test import Client
from django.urls import reverse

from clusters.models import Commune
from projects.imports.engine import run_import
from projects.models import CapitalReport, Project
from tests.projects.test_imports import project_row, projects_file, workbook

CODE_TAKEN = "Không dùng được mã này; hãy chọn mã khác."
IRC_TAKEN = "Không dùng được số giấy chứng nhận này; hãy kiểm tra lại."
NO_CLUSTER = "Không có cụm nào mang mã này"
NO_PROJECT = "Không có dự án nào mang mã này"


@pytest.fixture
def world(make_user, make_cluster, make_project, commune):
    """Commune A (the officer's) and commune B, each with a cluster and a project with a certificate."""
    other = Commune.objects.create(name="Xã Khác", former_district=commune.former_district)
    mine, theirs = make_cluster(code="CCN-A"), make_cluster(code="CCN-B", commune=other)
    make_project(code="DA-A", cluster=mine, irc_number="GCN-A")
    make_project(code="DA-B", cluster=theirs, irc_number="GCN-B")
    officer = make_user("canbo", "commune_officer", communes=[commune])
    client = Client()
    client.force_login(officer)
    return {"client": client, "officer": officer, "mine": mine, "commune": commune}


def _cluster_post(world, code):
    commune = world["commune"]
    return world["client"].post(reverse("clusters:create"), {
        "code": code, "name": "Cụm mới", "commune": commune.pk, "former_district": commune.former_district.pk,
        "kind": "general", "stage": "planned", "total_area_ha": "10", "industrial_land_ha": "5"})


def _project_post(world, investor, **values):
    data = {"code": "DA-NEW", "name": "Nhà máy mới", "cluster": world["mine"].code, "investor": investor.tax_code,
            "industry": "food", "registered_capital_vnd": "1", "land_area_ha": "0,5", "irc_date": "15/05/2024",
            "status": "registered", "workers": "0"}
    data.update(values)
    return world["client"].post(reverse("projects:create"), data)


def _errors(response, field):
    assert response.status_code == 200, "refused beside the field, not saved"
    return response.context["form"].errors[field]


def test_a_cluster_code_in_use_is_refused_in_the_same_words_wherever_it_is(world):
    own, elsewhere = _errors(_cluster_post(world, "CCN-A"), "code"), _errors(_cluster_post(world, "CCN-B"), "code")
    assert own == elsewhere == [CODE_TAKEN]


def test_a_project_code_and_a_certificate_in_use_are_refused_in_the_same_words_wherever_they_are(world, investor):
    own = _errors(_project_post(world, investor, code="DA-A"), "code")
    elsewhere = _errors(_project_post(world, investor, code="DA-B"), "code")
    assert own == elsewhere == [CODE_TAKEN]
    own = _errors(_project_post(world, investor, irc_number="GCN-A"), "irc_number")
    elsewhere = _errors(_project_post(world, investor, irc_number="GCN-B"), "irc_number")
    assert own == elsewhere == [IRC_TAKEN]
    assert _project_post(world, investor, irc_number="GCN-NEW").status_code == 302  # a free one is taken


def _import(world, handle, filename="du-an.xlsx", **options):
    outcome = run_import(handle, filename, user=world["officer"], commit=True, **options)
    assert not outcome.committed
    return [error.message for error in outcome.errors]


def test_the_import_answers_another_communes_cluster_as_one_that_does_not_exist(world):
    elsewhere = _import(world, projects_file(project_row("NK-1", cluster="CCN-B")))
    missing = _import(world, projects_file(project_row("NK-1", cluster="CCN-NONE")))
    assert elsewhere == missing and elsewhere[0].startswith(NO_CLUSTER)


def test_the_import_answers_another_communes_project_as_one_that_does_not_exist(world):
    def reports(code):
        return workbook({"Báo cáo vốn": [["project_code", "period", "implemented_capital_billion_vnd"],
                                         [code, "2024-H1", "1"]]})

    elsewhere, missing = _import(world, reports("DA-B")), _import(world, reports("DA-NONE"))
    assert elsewhere == missing and elsewhere[0].startswith(NO_PROJECT)
    assert not CapitalReport.objects.exists()


def test_the_import_refuses_another_communes_codes_in_the_forms_words(world):
    # A row naming another commune's project or cluster by its own code cannot create it (the code is taken) and
    # may not change it: refused as the form refuses a code in use, never "outside your communes".
    assert _import(world, projects_file(project_row("DA-B", cluster="CCN-A"))) == [CODE_TAKEN]
    clusters = workbook({"Cụm công nghiệp": [["cluster_code", "cluster_name", "commune", "former_district"],
                                             ["CCN-B", "Cụm đổi tên", "Lương Sơn", "Lương Sơn"]]})
    assert _import(world, clusters) == [CODE_TAKEN]
    assert Project.objects.get(code="DA-B").cluster.code == "CCN-B"


def test_the_import_refuses_a_certificate_in_use_in_the_same_words_wherever_it_is(world):
    own = _import(world, projects_file(project_row("NK-1", cluster="CCN-A", irc_number="GCN-A")))
    elsewhere = _import(world, projects_file(project_row("NK-1", cluster="CCN-A", irc_number="GCN-B")))
    assert own == elsewhere == [IRC_TAKEN]
