"""The bulk update by unnest (tracker/bulk.py) writes what Django's bulk_update writes: the same fields of the same
rows, NULLs, decimals, dates, foreign keys and text with quotes included, the search text kept, the rows' count
returned; a broken uniqueness is refused and writes nothing; where it cannot say the same (SQLite, a field it does
not know, an object without a key) Django's bulk_update does the work."""
from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models.query import QuerySet

import tracker.search
from projects.models import Project
from tracker.bulk import can_update_by_unnest

FIELDS = ["name", "cluster", "registered_capital_vnd", "registered_capital_usd", "land_area_ha", "irc_number",
          "irc_date", "land_handover_date", "status", "workers", "notes", "version"]


def _changed(projects, other_cluster):
    for index, project in enumerate(projects):
        project.name = f"Nhà máy “{index}” ', \\ ; DROP"
        project.cluster = other_cluster if index % 2 else project.cluster
        project.registered_capital_vnd = 10**15 + index
        project.registered_capital_usd = None if index % 3 else Decimal("1234.56")
        project.land_area_ha = Decimal("0.0001") * (index + 1)
        project.irc_number = None if index % 4 == 0 else f"IRC-NEW-{index}"
        project.irc_date = None if index % 2 else date(2024, 2, 29)
        project.land_handover_date = date(2021, 12, 31)
        project.status = "operating" if index % 2 else "suspended"
        project.workers = index * 7
        project.notes = "" if index % 2 else "Ghi chú\nhai dòng"
        project.version += 1
    return projects


def _state():
    return list(Project.objects.order_by("pk").values(*[f if f != "cluster" else "cluster_id" for f in FIELDS],
                                                      "search_text"))


@pytest.fixture
def projects(make_project, make_cluster):
    made = [make_project(irc_number=f"IRC-{i}", land_area_ha=Decimal("0.5")) for i in range(9)]
    return made, make_cluster(code="CCN-OTHER", name="Cụm khác")


@pytest.mark.postgres
def test_the_unnest_update_writes_what_djangos_bulk_update_writes(projects, monkeypatch):
    made, other = projects
    assert can_update_by_unnest(Project, FIELDS + ["search_text"], "default")
    with transaction.atomic():
        count = Project.objects.bulk_update(_changed(list(Project.objects.order_by("pk")), other), FIELDS)
        by_unnest = _state()
        transaction.set_rollback(True)
    monkeypatch.setattr(tracker.search, "can_update_by_unnest", lambda *args: False)
    with transaction.atomic():
        django_count = Project.objects.bulk_update(_changed(list(Project.objects.order_by("pk")), other), FIELDS)
        by_django = _state()
        transaction.set_rollback(True)
    assert count == django_count == len(made) and by_unnest == by_django
    assert by_unnest[1]["name"] == "Nhà máy “1” ', \\ ; DROP" and by_unnest[1]["cluster_id"] == other.pk
    assert by_unnest[0]["search_text"] != Project.objects.get(pk=made[0].pk).search_text  # the name is in it


@pytest.mark.postgres
def test_the_unnest_update_refuses_a_taken_certificate_number_and_writes_nothing(projects):
    made, _other = projects
    rows = list(Project.objects.order_by("pk"))
    rows[0].irc_number = rows[1].irc_number
    rows[2].name = "Đổi tên"
    before = _state()
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.bulk_update(rows, ["irc_number", "name"])
    assert _state() == before


@pytest.mark.postgres
def test_the_unnest_update_goes_by_batches(projects, django_assert_num_queries):
    made, other = projects
    rows = _changed(list(Project.objects.order_by("pk")), other)
    with django_assert_num_queries(3):  # 9 rows, 4 a batch
        assert Project.objects.bulk_update(rows, ["workers"], batch_size=4) == 9
    assert sorted(Project.objects.values_list("workers", flat=True)) == sorted(p.workers for p in rows)


def test_where_it_cannot_say_the_same_djangos_bulk_update_works(projects, monkeypatch):
    made, _other = projects
    calls = []
    real = QuerySet.bulk_update

    def spy(self, objs, fields, *args, **kwargs):
        calls.append(fields)
        return real(self, objs, fields, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "bulk_update", spy)
    rows = list(Project.objects.order_by("pk"))
    for row in rows:
        row.workers = 5
    Project.objects.bulk_update(rows, ["workers"])
    assert (calls == [["workers"]]) == (connection.vendor != "postgresql")
    assert not can_update_by_unnest(Project, ["no_such_field"], "default")
    assert not can_update_by_unnest(Project, ["id"], "default")
    with pytest.raises(ValueError):
        Project.objects.bulk_update([Project(name="chưa lưu")], ["workers"])
    assert set(Project.objects.values_list("workers", flat=True)) == {5}
