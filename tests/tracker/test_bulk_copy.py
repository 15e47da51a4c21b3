"""New rows by COPY (tracker/bulk.py, PostgreSQL) write what simple-history's bulk_create_with_history writes: the
same rows with every column (NULLs, decimals, dates, foreign keys, JSON, text with quotes, tabs, backslashes and
line breaks, the search text), keys from the table's sequence, one history row each with the user and the reason;
a broken uniqueness is refused and writes nothing. Elsewhere (SQLite) the import keeps simple-history's helper."""
from datetime import date
from decimal import Decimal

import pytest
from django.db import DataError, IntegrityError, connection, transaction
from django.db.models import Value
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from projects.models import Flag, Investor, Project, ProjectStatusChange, Rule
from tracker.bulk import can_copy, copy_create_with_history, copy_insert, copy_update_with_history

pytestmark = pytest.mark.postgres

SKIP = {"id", "history_id", "history_date", "project", "created_at", "updated_at", "history_relation"}


def _new(cluster, investor, count=7):
    rows = []
    for index in range(count):
        rows.append(Project(
            code=f"DA-COPY-{index}", name=f"Nhà máy “{index}”\t', \\ ; DROP\nhai dòng", cluster=cluster,
            investor=investor, registered_capital_vnd=10**15 + index,
            registered_capital_usd=None if index % 3 else Decimal("1234.56"), land_area_ha=Decimal("0.0001") * (index + 1),
            irc_number=None if index % 4 == 0 else f"IRC-COPY-{index}", irc_date=date(2024, 2, 29) if index % 2 else None,
            status="operating" if index % 2 else "registered", status_since=date(2024, 3, 1), notes="" if index % 2 else "\\N",
        ))
    return rows


def _rows(model, pks):
    return [{key: value for key, value in row.items() if key not in SKIP}
            for row in model.objects.filter(pk__in=pks).order_by("code").values()]


def _history(pks):
    return [(h.code, h.name, h.status, h.registered_capital_vnd, h.history_type, h.history_user_id,
             h.history_change_reason, h.status_since)
            for h in Project.history.filter(id__in=pks).order_by("code")]


def test_copy_writes_what_the_bulk_helper_writes(cluster, investor, staff_user):
    assert can_copy(Project, "default")
    with transaction.atomic():
        made = copy_create_with_history(_new(cluster, investor), Project, using="default", user=staff_user,
                                        change_reason="Nhập từ tệp")
        pks = [project.pk for project in made]
        by_copy, history_by_copy = _rows(Project, pks), _history(pks)
        transaction.set_rollback(True)
    with transaction.atomic():
        made = bulk_create_with_history(_new(cluster, investor), Project, default_user=staff_user,
                                        default_change_reason="Nhập từ tệp")
        pks = [project.pk for project in made]
        by_helper, history_by_helper = _rows(Project, pks), _history(pks)
        transaction.set_rollback(True)
    assert by_copy == by_helper and history_by_copy == history_by_helper
    assert by_copy[1]["name"] == "Nhà máy “1”\t', \\ ; DROP\nhai dòng" and by_copy[0]["notes"] == "\\N"
    assert by_copy[0]["registered_capital_usd"] == Decimal("1234.56") and by_copy[1]["registered_capital_usd"] is None
    assert "nha may" in by_copy[0]["search_text"]
    assert history_by_copy[0][5] == staff_user.pk and history_by_copy[0][4] == "+"


def test_copy_gives_keys_a_later_insert_does_not_take(cluster, investor):
    made = copy_create_with_history(_new(cluster, investor, 3), Project, using="default")
    assert all(project.pk for project in made) and not made[0]._state.adding
    later = Project.objects.create(code="DA-SAU", name="Sau", cluster=cluster, investor=investor,
                                   registered_capital_vnd=1)
    assert later.pk > max(project.pk for project in made)
    changes = copy_create_with_history(
        [ProjectStatusChange(project=p, status=p.status, effective_on=p.status_since) for p in made],
        ProjectStatusChange, using="default")
    assert ProjectStatusChange.objects.filter(pk__in=[c.pk for c in changes]).count() == 3
    assert ProjectStatusChange.history.filter(project_id__in=[p.pk for p in made]).count() == 3


def test_a_taken_code_is_refused_and_nothing_is_written(cluster, investor):
    copy_create_with_history(_new(cluster, investor, 2), Project, using="default")
    before = (Project.objects.count(), Project.history.count(), Investor.objects.count())
    with pytest.raises(IntegrityError), transaction.atomic():
        copy_create_with_history(_new(cluster, investor, 3), Project, using="default")  # DA-COPY-0 is taken
    assert (Project.objects.count(), Project.history.count(), Investor.objects.count()) == before


def test_a_json_field_is_written_as_json(project, watchlist_rules):
    rule = Rule.objects.first()
    now = timezone.now()
    flag = Flag(project=project, rule=rule, severity="warning", since=date(2024, 1, 1), first_seen=now,
                last_confirmed=now, evidence={"missed": [{"milestone": "operation", "deadline": "2024-01-01"}],
                                              "note": "a\tb \\N"})
    copy_insert(Flag, [flag], using="default")
    stored = Flag.objects.get(pk=flag.pk)
    assert stored.evidence == flag.evidence and stored.first_seen == now and stored.cleared_at is None


@pytest.mark.django_db(transaction=True)
def test_the_rows_and_their_history_are_written_together_or_not_at_all(cluster, investor):
    """Outside any transaction: a history row the database refuses (a reason longer than its column) leaves no
    project behind."""
    with pytest.raises(DataError):
        copy_create_with_history(_new(cluster, investor, 2), Project, using="default", change_reason="x" * 150)
    assert not Project.objects.filter(code__startswith="DA-COPY").exists() and not Project.history.exists()


def test_a_related_object_saved_after_it_was_assigned_gives_its_key_and_an_unsaved_one_is_refused(cluster):
    later = Investor(name="Công ty lưu sau", tax_code="0301234567")
    projects = _new(cluster, later, 1)
    later.save()
    copy_insert(Project, projects, using="default")
    assert Project.objects.get(pk=projects[0].pk).investor_id == later.pk
    unsaved = _new(cluster, Investor(name="Chưa lưu", tax_code="0307654321"), 1)
    unsaved[0].code = "DA-COPY-UNSAVED"
    with pytest.raises(ValueError):
        copy_insert(Project, unsaved, using="default")


def test_objects_not_written_keep_no_key(cluster, investor):
    copy_insert(Project, _new(cluster, investor, 1), using="default")
    again = _new(cluster, investor, 1)  # the same code
    with pytest.raises(IntegrityError), transaction.atomic():
        copy_insert(Project, again, using="default")
    assert again[0].pk is None


def test_the_copy_is_logged_as_a_query(cluster, investor):
    with CaptureQueriesContext(connection) as queries:
        copy_insert(Project, _new(cluster, investor, 3), using="default")
    assert [q["sql"] for q in queries.captured_queries if q["sql"].startswith("COPY")] == [
        'COPY "projects_project" (' + ", ".join(f'"{f.column}"' for f in Project._meta.concrete_fields)
        + ") FROM STDIN -- 3 rows"]


def test_a_model_with_a_database_default_or_a_generated_column_is_not_copied(monkeypatch):
    assert can_copy(Project, "default")
    monkeypatch.setattr(Project._meta.get_field("notes"), "db_default", Value(""))
    assert not can_copy(Project, "default")


def test_the_update_with_history_by_copy_writes_what_the_bulk_helper_writes(cluster, investor, staff_user):
    made = copy_create_with_history(_new(cluster, investor), Project, using="default")
    fields = ["name", "registered_capital_vnd", "irc_number", "status", "notes", "version"]

    def changed():
        rows = list(Project.objects.filter(pk__in=[p.pk for p in made]).order_by("pk"))
        for index, project in enumerate(rows):
            project.name = f"Tên mới “{index}”\t\\"
            project.registered_capital_vnd += index
            project.irc_number = None if index % 2 else f"IRC-MOI-{index}"
            project.status = "suspended"
            project.notes = "\\N" if index % 3 else ""
            project.version += 1
        return rows

    def written():
        pks = [p.pk for p in made]
        return _rows(Project, pks), [
            (h.code, h.name, h.irc_number, h.status, h.notes, h.version, h.history_type, h.history_user_id,
             h.history_change_reason) for h in Project.history.filter(id__in=pks, history_type="~").order_by("code")]

    with transaction.atomic():
        copy_update_with_history(changed(), Project, fields, using="default", user=staff_user, change_reason="Sửa")
        by_copy = written()
        transaction.set_rollback(True)
    with transaction.atomic():
        bulk_update_with_history(changed(), Project, fields, default_user=staff_user, default_change_reason="Sửa")
        by_helper = written()
        transaction.set_rollback(True)
    assert by_copy == by_helper
    assert len(by_copy[1]) == len(made) and by_copy[1][0][6] == "~" and by_copy[1][0][7] == staff_user.pk
    assert "ten moi" in by_copy[0][0]["search_text"]
