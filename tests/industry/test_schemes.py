"""Khuyến công schemes: their rules, money typed the Vietnamese way, the year against its approved plan, the export,
and what a commune officer sees."""
import csv
import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clusters.models import Commune
from industry.models import Scheme, SchemePlan
from industry.services.schemes import scheme_create, scheme_plan_save

D = date
MILLION = 10**6


def fields(commune, **values):
    base = {"year": 2024, "name": "Tập huấn kỹ năng quản lý cho HTX mây tre đan", "kind": "training",
            "business_name": "HTX Mây tre đan Lương Sơn", "commune": commune, "province_budget_vnd": 350 * MILLION,
            "counterpart_vnd": 50 * MILLION, "approved_on": D(2024, 3, 15)}
    base.update(values)
    return base


@pytest.fixture
def leader_client(client, make_user):
    client.force_login(make_user("lanhdao", "leadership"))
    return client


def test_a_scheme_needs_one_beneficiary(commune, investor, staff_user):
    with pytest.raises(ValidationError) as error:
        scheme_create(user=staff_user, **fields(commune, business_name=""))
    assert "business_name" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        scheme_create(user=staff_user, **fields(commune, investor=investor))
    assert "business_name" in error.value.message_dict
    scheme = scheme_create(user=staff_user, **fields(commune, investor=investor, business_name=""))
    assert scheme.beneficiary == investor.name and scheme.history.first().history_user == staff_user


def test_completed_needs_its_day_and_not_before_the_approval(commune, staff_user):
    with pytest.raises(ValidationError) as error:
        scheme_create(user=staff_user, **fields(commune, status="completed"))
    assert "completed_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        scheme_create(user=staff_user, **fields(commune, status="completed", completed_on=D(2024, 3, 14)))
    assert "completed_on" in error.value.message_dict
    same_day = scheme_create(user=staff_user, **fields(commune, status="completed", completed_on=D(2024, 3, 15)))
    assert same_day.completed_on == D(2024, 3, 15)
    with pytest.raises(ValidationError) as error:
        scheme_create(user=staff_user, **fields(commune, completed_on=D(2024, 6, 1)))  # approved, not completed
    assert "completed_on" in error.value.message_dict


def test_money_is_typed_in_billions_the_vietnamese_way(staff_client, commune):
    data = {"year": "2024", "name": "Hỗ trợ máy chế biến chè", "kind": "equipment", "business_name": "Cơ sở chè Tân Lạc",
            "commune": commune.pk, "province_budget_vnd": "0,35", "counterpart_vnd": "1.234,5",
            "approved_on": "15/03/2024", "status": "approved"}
    response = staff_client.post(reverse("industry:scheme_create"), data)
    assert response.status_code == 302, response.context["form"].errors
    scheme = Scheme.objects.get()
    assert scheme.province_budget_vnd == 350 * MILLION and scheme.counterpart_vnd == 1_234_500 * MILLION
    page = staff_client.get(scheme.get_absolute_url()).content.decode()
    assert "0,35" in page and "1.234,5" in page
    data.update(province_budget_vnd="ba trăm", name="Sai")
    response = staff_client.post(reverse("industry:scheme_create"), data)
    assert response.status_code == 200 and "province_budget_vnd" in response.context["form"].errors
    assert 'value="ba trăm"' in response.content.decode()
    response = staff_client.post(reverse("industry:scheme_create"), {**data, "province_budget_vnd": "-1"})
    assert "province_budget_vnd" in response.context["form"].errors


def test_the_year_against_its_plan(staff_client, commune, staff_user):
    scheme_plan_save(user=staff_user, year=2024, schemes_planned=4, province_budget_vnd=2 * 10**9,
                     counterpart_vnd=500 * MILLION, decision_number="123/QĐ-UBND")
    scheme_create(user=staff_user, **fields(commune))
    scheme_create(user=staff_user, **fields(commune, name="Mô hình sấy nông sản", kind="demonstration",
                                            province_budget_vnd=650 * MILLION, counterpart_vnd=150 * MILLION,
                                            status="completed", completed_on=D(2024, 9, 30)))
    scheme_create(user=staff_user, **fields(commune, name="Đã hủy", status="cancelled", province_budget_vnd=999 * MILLION))
    scheme_create(user=staff_user, **fields(commune, name="Năm sau", year=2025))
    response = staff_client.get(reverse("industry:scheme_year", args=[2024]))
    totals = response.context["totals"]
    assert totals == {"n": 2, "province": 1000 * MILLION, "counterpart": 200 * MILLION, "completed": 1,
                      "all_funds": 1200 * MILLION}
    assert [(row["kind"], row["n"]) for row in response.context["by_kind"]] == [("demonstration", 1), ("training", 1)]
    html = response.content.decode()
    assert "50,0 %" in html  # 2 of 4 schemes, 1 of 2 billion
    assert "40,0 %" in html  # 0,2 of 0,5 billion counterpart
    assert "123/QĐ-UBND" in html and "Đã hủy" in html and "Năm sau" not in html


def test_a_year_without_plan_or_schemes_does_not_break(staff_client, db):
    response = staff_client.get(reverse("industry:scheme_year", args=[2030]))
    assert response.status_code == 200 and response.context["totals"]["n"] == 0
    assert "Chưa nhập kế hoạch khuyến công của năm này." in response.content.decode()


def test_the_years_export(staff_client, commune, investor, staff_user):
    scheme_create(user=staff_user, **fields(commune, investor=investor, business_name="", counterpart_vnd=0))
    scheme_create(user=staff_user, **fields(commune, name="Năm sau", year=2025))
    response = staff_client.get(reverse("industry:scheme_export"), {"year": 2024, "format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 3  # the labels, the keys, one scheme
    row = dict(zip(rows[1], rows[2]))
    assert row["beneficiary"] == investor.name and row["tax_code"] == investor.tax_code
    assert row["kind"] == "Đào tạo, tập huấn" and row["province_budget"] in ("0,35", "0.35")
    assert row["counterpart"] == "0"  # zero billions is written plain 0 (tracker.numbers.vnd_to_billions)
    xlsx = staff_client.get(reverse("industry:scheme_export"), {"year": 2024, "format": "xlsx"})
    assert xlsx.status_code == 200


def test_the_list_costs_the_same_queries_for_1_and_50_rows(staff_client, commune, investor, staff_user,
                                                          django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    scheme_create(user=staff_user, **fields(commune, investor=investor, business_name=""))
    url = reverse("industry:scheme_list") + "?per_page=50"
    with CaptureQueriesContext(connection) as one:
        staff_client.get(url)
    for index in range(49):
        scheme_create(user=staff_user, **fields(commune, name=f"Đề án {index}"))
    with django_assert_num_queries(len(one.captured_queries)):
        response = staff_client.get(url)
    assert len(response.context["object_list"]) == 50


def test_commune_officers_see_and_edit_only_their_communes_schemes(client, commune, district, make_user, staff_user):
    other = Commune.objects.create(name="Xã Khác", former_district=district)
    mine = scheme_create(user=staff_user, **fields(commune, name="Của xã mình"))
    theirs = scheme_create(user=staff_user, **fields(other, name="Của xã khác", province_budget_vnd=900 * MILLION))
    client.force_login(make_user("canbo", "commune_officer", communes=[commune]))
    assert [s.name for s in client.get(reverse("industry:scheme_list")).context["object_list"]] == ["Của xã mình"]
    year = client.get(reverse("industry:scheme_year", args=[2024]))
    assert year.context["totals"]["province"] == 350 * MILLION and year.context["scoped"]
    assert client.get(theirs.get_absolute_url()).status_code == 404
    assert client.get(reverse("industry:scheme_update", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("industry:scheme_update", args=[mine.pk])).status_code == 200
    form = client.get(reverse("industry:scheme_create")).context["form"]
    assert list(form.fields["commune"].queryset) == [commune]
    assert client.get(reverse("industry:scheme_plan_create")).status_code == 403


def test_leadership_enters_the_years_plan(leader_client, db):
    response = leader_client.post(reverse("industry:scheme_plan_create"), {
        "year": "2024", "schemes_planned": "12", "province_budget_vnd": "4,5", "counterpart_vnd": "1,2",
        "decision_number": "45/QĐ-UBND"})
    assert response.status_code == 302 and response.url == reverse("industry:scheme_year", args=[2024])
    plan = SchemePlan.objects.get()
    assert plan.province_budget_vnd == 4_500 * MILLION and plan.counterpart_vnd == 1_200 * MILLION
    # One plan a year.
    again = leader_client.post(reverse("industry:scheme_plan_create"), {
        "year": "2024", "schemes_planned": "1", "province_budget_vnd": "1", "counterpart_vnd": "0"})
    assert again.status_code == 200 and "year" in again.context["form"].errors


@pytest.mark.parametrize("asked, expected", [("2030", 2030), ("2000", 2000), ("2100", 2100), ("1999", None),
                                             ("2101", None), ("abc", None), ("", None), (" 2031 ", 2031)])
@pytest.mark.parametrize("name", ["industry:scheme_create", "industry:scheme_plan_create"])
def test_a_new_scheme_or_plan_starts_in_the_year_asked_if_a_year_field_takes_it(admin_client, name, asked, expected):
    from django.utils import timezone

    response = admin_client.get(reverse(name), {"year": asked})
    assert response.status_code == 200
    assert response.context["form"].initial["year"] == (expected or timezone.localdate().year)
