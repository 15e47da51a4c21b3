"""Import bombs (issue 13.2): files built to exhaust the memory or the time of whatever opens them, generated here.

Each is refused with its Vietnamese message while the memory the reader allocates stays within a budget (measured
with tracemalloc: bytes allocated, not time). The web request never opens a workbook; the worker does, and a job
whose worker died is failed at its deadline."""
import io
import threading
import tracemalloc
import zipfile
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from projects.imports.engine import run_import
from projects.models import ImportJob, Project

MB = 1024 * 1024
NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def base_workbook() -> bytes:
    """A real, small workbook: a projects sheet with its header and one row."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Dự án"
    sheet.append(["project_code", "project_name"])
    sheet.append(["NK-01", "Nhà máy NK-01"])
    handle = io.BytesIO()
    book.save(handle)
    return handle.getvalue()


def rebuilt(parts: dict[str, bytes], level: int = 9) -> bytes:
    """The base workbook with some parts replaced or added (a shared strings part is declared, as Excel does),
    deflated at `level` (9, the highest, as a bomb would be)."""
    source = zipfile.ZipFile(io.BytesIO(base_workbook()))
    contents = {info.filename: source.read(info) for info in source.infolist()}
    if "xl/sharedStrings.xml" in parts and "xl/sharedStrings.xml" not in contents:
        contents["[Content_Types].xml"] = contents["[Content_Types].xml"].replace(
            b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                         b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
        contents["xl/_rels/workbook.xml.rels"] = contents["xl/_rels/workbook.xml.rels"].replace(
            b"</Relationships>", b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                                 b'relationships/sharedStrings" Target="sharedStrings.xml" Id="rId99"/></Relationships>')
    contents.update(parts)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as target:
        for name, data in contents.items():
            target.writestr(name, data)
    return out.getvalue()


def sheet_xml(rows: bytes, dimension: str | None) -> bytes:
    head = b'<?xml version="1.0" encoding="UTF-8"?><worksheet ' + NS + b">"
    if dimension:
        head += b'<dimension ref="' + dimension.encode() + b'"/>'
    return head + b"<sheetData>" + rows + b"</sheetData></worksheet>"


def header_rows() -> bytes:
    return (b'<row r="1"><c r="A1" t="inlineStr"><is><t>project_code</t></is></c>'
            b'<c r="B1" t="inlineStr"><is><t>project_name</t></is></c></row>')


def data_rows(first: int, last: int) -> bytes:
    return b"".join(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>NK-%d</t></is></c></row>' % (n, n, n)
                    for n in range(first, last + 1))


def blank_rows(first: int, last: int) -> bytes:
    return b"".join(b'<row r="%d"/>' % n for n in range(first, last + 1))


def shared_strings_bomb(count: int) -> bytes:
    head = b'<?xml version="1.0" encoding="UTF-8"?><sst ' + NS + b' count="%d" uniqueCount="%d">' % (count, count)
    return head + b"<si><t>a</t></si>" * count + b"</sst>"


def refused(content: bytes, filename="bom.xlsx", **options) -> tuple[str, int]:
    """The only file error of a check of `content`, and the peak of bytes the check allocated."""
    tracemalloc.start()
    try:
        outcome = run_import(io.BytesIO(content), filename, **options)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(outcome.file_errors) == 1, outcome.file_errors or outcome.errors[:3]
    assert not outcome.committed
    return outcome.file_errors[0], peak


# --- the bombs ---------------------------------------------------------------------------------------------------


def test_a_shared_strings_bomb_of_a_few_hundred_kb_is_refused_before_openpyxl_reads_it(db):
    bomb = rebuilt({"xl/sharedStrings.xml": shared_strings_bomb(12_000_000)})  # 204 MB of XML, 12 million strings
    assert 100 * 1024 < len(bomb) < 1 * MB
    message, peak = refused(bomb)
    assert message.startswith("Tệp Excel khi giải nén chiếm 195 MB (phần lớn nhất, xl/sharedStrings.xml")
    assert peak < 2 * MB  # openpyxl would hold 12 million strings: gigabytes


def test_a_shared_strings_bomb_within_the_total_is_refused_by_its_ratio(db):
    bomb = rebuilt({"xl/sharedStrings.xml": shared_strings_bomb(3_000_000)})  # 51 MB of XML
    message, peak = refused(bomb)
    assert message.startswith("Phần xl/sharedStrings.xml của tệp Excel khi giải nén lớn gấp")
    assert "tạo ra để làm quá tải máy chủ" in message and peak < 2 * MB


def test_a_part_read_whole_is_refused_over_its_budget_whatever_its_ratio(db, settings):
    settings.IMPORT_MAX_COMPRESSION_RATIO = 1_000_000  # the ratio alone would let it through
    settings.IMPORT_MAX_PART_MB = 1
    strings = shared_strings_bomb(1)
    end = strings.rindex(b"</sst>")
    padded = strings[:end] + b" " * (MB - len(strings)) + strings[end:]  # exactly 1 MB: still read
    assert len(padded) == MB
    assert run_import(io.BytesIO(rebuilt({"xl/sharedStrings.xml": padded})), "a.xlsx").file_errors == []
    one_more = padded[:end] + b" " + padded[end:]
    message, peak = refused(rebuilt({"xl/sharedStrings.xml": one_more}))
    assert message.startswith("Phần xl/sharedStrings.xml của tệp Excel (được đọc nguyên khối")
    assert "vượt mức 1 MB" in message and peak < 2 * MB


def test_a_million_blank_rows_are_refused_by_the_dimension_without_reading_them(db):
    rows = header_rows() + data_rows(2, 2) + blank_rows(3, 1_000_000)
    bomb = rebuilt({"xl/worksheets/sheet1.xml": sheet_xml(rows, "A1:B1000000")}, level=1)
    message, peak = refused(bomb)
    assert message.startswith("Trang tính “Dự án” trải dài hơn 21.002 dòng, kể cả dòng trống")
    assert peak < 2 * MB


def test_a_million_blank_rows_without_a_dimension_are_counted_only_up_to_the_limit(db):
    rows = header_rows() + data_rows(2, 2) + blank_rows(3, 1_000_000)
    bomb = rebuilt({"xl/worksheets/sheet1.xml": sheet_xml(rows, None)}, level=1)
    message, peak = refused(bomb)
    assert message.startswith("Trang tính “Dự án” trải dài hơn 21.002 dòng") and peak < 8 * MB


def test_a_million_blank_rows_behind_a_lying_dimension_stop_at_the_blank_allowance(db):
    rows = header_rows() + data_rows(2, 2) + blank_rows(3, 1_000_000)
    bomb = rebuilt({"xl/worksheets/sheet1.xml": sheet_xml(rows, "A1:B2")}, level=1)
    message, peak = refused(bomb)
    assert message.startswith("Trang tính “Dự án” có nhiều hơn 1.000 dòng trống (dòng cuối cùng đã đọc là dòng 1.003)")
    assert peak < 8 * MB


def test_a_million_rows_behind_a_lying_dimension_stop_at_the_row_limit(db):
    rows = header_rows() + data_rows(2, 1_000_001)
    bomb = rebuilt({"xl/worksheets/sheet1.xml": sheet_xml(rows, "A1:B2")}, level=1)
    assert len(bomb) < 8 * MB
    message, peak = refused(bomb)
    assert message.startswith("Tệp có nhiều hơn 20.000 dòng dữ liệu")
    assert peak < 40 * MB  # 20,000 rows kept; the old reader listed all million first


def test_a_million_rows_with_their_dimension_are_refused_at_once(db):
    rows = header_rows() + data_rows(2, 1_000_001)
    bomb = rebuilt({"xl/worksheets/sheet1.xml": sheet_xml(rows, "A1:B1000001")}, level=1)
    message, peak = refused(bomb)
    assert message.startswith("Trang tính “Dự án” trải dài hơn 21.002 dòng") and peak < 2 * MB


def test_a_csv_of_a_million_lines_stops_at_the_row_limit(db):
    content = b"project_code,project_name\n" + b"".join(b"NK-%d,x\n" % n for n in range(1_000_000))
    message, peak = refused(content, "lon.csv")
    assert message.startswith("Tệp có nhiều hơn 20.000 dòng dữ liệu")
    assert peak < 3 * len(content)  # the text itself, once decoded; never a list of a million rows


def test_a_csv_of_blank_lines_stops_at_the_blank_allowance(db):
    content = b"project_code,project_name\nNK-1,x\n" + b"\n" * 5_000_000
    message, peak = refused(content, "trong.csv")
    assert message == ("Tệp có nhiều hơn 1.000 dòng trống (dòng cuối cùng đã đọc là dòng 1.003). Hãy xóa các dòng "
                       "trống rồi tải tệp lên lại.")
    assert peak < 3 * len(content)


def test_a_file_over_the_upload_size_is_refused_by_the_reader_too(db, settings):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    content = b"project_code,project_name\n" + b"NK-1,x\n" * (MB // 7 + 1)
    message, _peak = refused(content, "to.csv")
    assert message == "Tệp lớn hơn 1 MB. Hãy tách thành các tệp nhỏ hơn."


def test_a_zip_of_thousands_of_parts_is_refused_from_its_end_record(db):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        target.writestr("xl/workbook.xml", b"<workbook/>")
        for n in range(1001):
            target.writestr(f"x/{n}", b"")
    message, _peak = refused(out.getvalue())
    assert message.startswith("Tệp có quá nhiều thành phần (1.002)")


# --- the request never opens a workbook; the worker does -----------------------------------------------------------


def _no_workbook_in_the_request(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("a workbook was opened in the request")

    monkeypatch.setattr("openpyxl.load_workbook", forbidden)
    monkeypatch.setattr("projects.imports.files.load_workbook", forbidden)


def test_the_upload_request_only_stores_the_file_and_queues_the_check(staff_client, monkeypatch):
    bomb = rebuilt({"xl/sharedStrings.xml": shared_strings_bomb(12_000_000)})
    _no_workbook_in_the_request(monkeypatch)
    with TestCase.captureOnCommitCallbacks(execute=False) as queued:
        tracemalloc.start()
        try:
            response = staff_client.post(reverse("imports:start"), {"file": SimpleUploadedFile("bom.xlsx", bomb)})
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.status == "checking" and len(queued) == 1
    assert peak < 16 * MB
    page = staff_client.get(job.get_absolute_url())
    assert page.status_code == 200 and "<progress" in page.content.decode()
    monkeypatch.undo()
    queued[0]()  # the worker: refuses the bomb, the job ends instead of staying "checking"
    job.refresh_from_db()
    assert job.status == "invalid"
    assert job.result["file_errors"][0].startswith("Tệp Excel khi giải nén chiếm 195 MB")


def test_the_confirm_request_only_queues_the_write(staff_client, staff_user, cluster, monkeypatch):
    book = Workbook()
    book.active.append(["project_code", "project_name", "cluster_code"])
    book.active.append(["NK-01", "Nhà máy", cluster.code])
    handle = io.BytesIO()
    book.save(handle)
    job = ImportJob(user=staff_user, filename="du-an.xlsx", status="ready", total_rows=1)
    job.file.save("du-an.xlsx", ContentFile(handle.getvalue()), save=False)
    job.save()
    _no_workbook_in_the_request(monkeypatch)
    with TestCase.captureOnCommitCallbacks(execute=False) as queued:
        response = staff_client.post(reverse("imports:confirm", args=[job.pk]), {"change_reason": "Thử"})
    job.refresh_from_db()
    assert response.status_code == 302 and job.status == "importing" and len(queued) == 1
    assert Project.objects.count() == 0


# --- a stuck job is swept to failed at the boundary of its deadline ------------------------------------------------


def test_a_stuck_job_is_swept_to_failed_at_the_boundary_of_its_deadline(staff_user, settings):
    from projects.imports.services import import_job_run, import_jobs_fail_dead
    from projects.imports.tasks import import_sweep

    job = ImportJob(user=staff_user, filename="du-an.xlsx", status="checking")
    job.file.save("du-an.xlsx", ContentFile(base_workbook()), save=False)
    job.save()
    # The worker takes it up, then dies (kill -9): the job is left "checking" with the deadline the run set.
    ImportJob.objects.filter(pk=job.pk).update(
        deadline_at=timezone.now() + timedelta(seconds=settings.IMPORT_TASK_TIME_LIMIT + settings.IMPORT_DEAD_AFTER_SECONDS)
    )
    job.refresh_from_db()
    assert import_jobs_fail_dead(now=job.deadline_at) == 0
    assert import_sweep() == 0  # beat's sweep, now: long before the deadline
    assert import_jobs_fail_dead(now=job.deadline_at + timedelta(microseconds=1)) == 1
    job.refresh_from_db()
    assert job.status == "failed" and job.result["file_errors"][0].startswith("Tiến trình nền đã dừng")
    assert import_job_run(job.pk, commit=False) == "failed"  # redelivered after the sweep: nothing happens


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_run_that_outlived_its_deadline_keeps_nothing_and_stays_failed(staff_user, cluster, monkeypatch):
    """Where no time limit applies (a solo worker), the sweep may fail a job that still runs: its late outcome
    neither overwrites the failure nor keeps the rows it wrote."""
    from projects.imports import services

    book = Workbook()
    book.active.title = "Dự án"
    book.active.append(["project_code", "project_name", "cluster_code", "investor_name", "investor_tax_code",
                        "registered_capital_billion_vnd", "land_area_ha", "irc_number", "irc_date"])
    book.active.append(["NK-01", "Nhà máy", cluster.code, "Công ty A", "0109876543", "12,5", "1,5", "GCN-1",
                        "14/06/2024"])
    handle = io.BytesIO()
    book.save(handle)
    job = ImportJob(user=staff_user, filename="du-an.xlsx", status="importing")
    job.file.save("du-an.xlsx", ContentFile(handle.getvalue()), save=False)
    job.save()
    real = services.run_import

    def outlived(*args, **kwargs):
        outcome = real(*args, **kwargs)
        assert outcome.committed, outcome.errors
        # the sweep, as in another process (its own connection), a day later
        def sweep():
            from django.db import connection

            try:
                services.import_jobs_fail_dead(now=timezone.now() + timedelta(days=1))
            finally:
                connection.close()

        sweeper = threading.Thread(target=sweep)
        sweeper.start()
        sweeper.join()
        return outcome

    monkeypatch.setattr(services, "run_import", outlived)
    assert services.import_job_run(job.pk, commit=True) == "failed"
    job.refresh_from_db()
    assert job.status == "failed" and job.result["file_errors"][0].startswith("Tiến trình nền đã dừng")
    assert not Project.objects.exists()
