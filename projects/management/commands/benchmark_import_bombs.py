"""Benchmark of the import reader on generated import bombs (issue 13.2): for each bomb, the time and the peak
memory (resident set) of a fresh process that reads it, under a memory cap so that a bomb cannot take the machine.

`--reader REV` measures the reader of another commit instead (`git show REV:projects/imports/files.py`), so the
reader before the budget can be compared with today's; for a reader of before the budget the request's row estimate
(which opened the workbook inside the web request) is measured too. Figures are in docs/benchmarks.md."""
import importlib.util
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from openpyxl import Workbook

NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
SHARED_STRINGS_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SHARED_STRINGS_REL = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def _workbook(parts: dict[str, bytes], level: int) -> bytes:
    book = Workbook()
    book.active.title = "Dự án"
    book.active.append(["project_code", "project_name"])
    book.active.append(["NK-01", "Nhà máy NK-01"])
    handle = io.BytesIO()
    book.save(handle)
    source = zipfile.ZipFile(handle)
    contents = {info.filename: source.read(info) for info in source.infolist()}
    if "xl/sharedStrings.xml" in parts:
        contents["[Content_Types].xml"] = contents["[Content_Types].xml"].replace(
            b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="' + SHARED_STRINGS_TYPE + b'"/></Types>')
        contents["xl/_rels/workbook.xml.rels"] = contents["xl/_rels/workbook.xml.rels"].replace(
            b"</Relationships>",
            b'<Relationship Type="' + SHARED_STRINGS_REL + b'" Target="sharedStrings.xml" Id="rId99"/></Relationships>')
    contents.update(parts)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as target:
        for name, data in contents.items():
            target.writestr(name, data)
    return out.getvalue()


def _sheet(rows: bytes, dimension: str | None) -> bytes:
    head = b'<?xml version="1.0" encoding="UTF-8"?><worksheet ' + NS + b">"
    if dimension:
        head += b'<dimension ref="' + dimension.encode() + b'"/>'
    header = (b'<row r="1"><c r="A1" t="inlineStr"><is><t>project_code</t></is></c>'
              b'<c r="B1" t="inlineStr"><is><t>project_name</t></is></c></row>')
    return head + b"<sheetData>" + header + rows + b"</sheetData></worksheet>"


def _data_rows(count: int) -> bytes:
    return b"".join(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>NK-%d</t></is></c></row>' % (n, n, n)
                    for n in range(2, count + 2))


def _blank_rows(count: int) -> bytes:
    return b"".join(b'<row r="%d"/>' % n for n in range(2, count + 2))


def _shared_strings(count: int) -> bytes:
    # two-letter strings: distinct objects in memory, as a real text table's are (one letter would be shared)
    letters = [bytes([a, b]) for a in range(97, 123) for b in range(97, 123)]
    body = b"".join(b"<si><t>" + letters[n % len(letters)] + b"</t></si>" for n in range(count))
    return b'<?xml version="1.0" encoding="UTF-8"?><sst ' + NS + b' count="%d" uniqueCount="%d">' % (count, count) + body + b"</sst>"


def _legit_projects_file(rows: int) -> bytes:
    """Not a bomb: the control, a projects file of `rows` rows in the template's shape (benchmark_import's)."""
    import random

    from projects.management.commands.benchmark_import import write_projects_file

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "du-an.xlsx"
        write_projects_file(path, rows, [f"IMP-CCN-{i:04d}" for i in range(200)], random.Random(2024))
        return path.read_bytes()


BOMBS = {
    "control-20000-rows": ("xlsx", lambda: _legit_projects_file(20_000)),
    "shared-strings": ("xlsx", lambda: _workbook({"xl/sharedStrings.xml": _shared_strings(4_000_000)}, 9)),
    "blank-rows": ("xlsx", lambda: _workbook({"xl/worksheets/sheet1.xml": _sheet(_blank_rows(1_000_000), "A1:B1000001")}, 9)),
    "blank-rows-no-dimension": ("xlsx", lambda: _workbook({"xl/worksheets/sheet1.xml": _sheet(_blank_rows(1_000_000), None)}, 9)),
    "million-rows": ("xlsx", lambda: _workbook({"xl/worksheets/sheet1.xml": _sheet(_data_rows(1_000_000), "A1:B1000001")}, 9)),
    "million-rows-lying-dimension": ("xlsx", lambda: _workbook({"xl/worksheets/sheet1.xml": _sheet(_data_rows(1_000_000), "A1:B2")}, 9)),
    "csv-million-lines": ("csv", lambda: b"project_code,project_name\n" + b"".join(b"NK-%d,x\n" % n for n in range(1_000_000))),
    "csv-blank-lines": ("csv", lambda: b"project_code,project_name\nNK-1,x\n" + b"\n" * 5_000_000),
}


def _load_reader(rev: str | None):
    if not rev:
        from projects.imports import files

        return files
    source = subprocess.run(["git", "show", f"{rev}:projects/imports/files.py"], cwd=settings.BASE_DIR,
                            capture_output=True, check=True).stdout
    path = Path(tempfile.mkdtemp()) / "files_at_rev.py"
    path.write_bytes(source)
    spec = importlib.util.spec_from_file_location("files_at_rev", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Command(BaseCommand):
    help = "Time and measure the peak memory of the import reader on generated import bombs (one process each)."

    def add_arguments(self, parser):
        parser.add_argument("--reader", help="a git revision whose projects/imports/files.py to measure instead")
        parser.add_argument("--only", action="append", choices=sorted(BOMBS), help="only this bomb (repeatable)")
        parser.add_argument("--cap-mb", type=int, default=3000, help="address-space cap of each measuring process")
        parser.add_argument("--timeout", type=int, default=300, help="seconds before a measurement is stopped")
        parser.add_argument("--measure", nargs=2, metavar=("FILE", "STEP"), help=  # internal: the child process
                            "measure STEP (read or estimate) on FILE in this process")

    def handle(self, *args, reader, only, cap_mb, timeout, measure, **options):
        if measure:
            return self._measure(Path(measure[0]), measure[1], reader)
        steps = ["read"] + (["estimate"] if reader else [])
        label = f"reader at {reader}" if reader else "reader of this checkout"
        self.stdout.write(f"{label}; each measurement in a fresh process capped at {cap_mb} MB of address space")
        with tempfile.TemporaryDirectory() as folder:
            for name in only or BOMBS:
                kind, build = BOMBS[name]
                path = Path(folder) / f"{name}.{kind}"
                path.write_bytes(build())
                for step in steps:
                    if step == "estimate" and kind == "csv":
                        continue
                    self.stdout.write(f"{name} ({path.stat().st_size / 1024:,.0f} kB) {step}: "
                                      + self._child(path, step, reader, cap_mb, timeout))

    def _child(self, path: Path, step: str, reader: str | None, cap_mb: int, timeout: int) -> str:
        def cap():
            resource.setrlimit(resource.RLIMIT_AS, (cap_mb * 1024 * 1024, cap_mb * 1024 * 1024))

        command = [sys.executable, "manage.py", "benchmark_import_bombs", "--measure", str(path), step]
        if reader:
            command += ["--reader", reader]
        started = time.perf_counter()
        try:
            done = subprocess.run(command, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=timeout,
                                  preexec_fn=cap)
        except subprocess.TimeoutExpired:
            return f"still running after {timeout} s (stopped)"
        lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
        if not lines:
            tail = (done.stderr.strip().splitlines() or ["?"])[-1]
            return f"died after {time.perf_counter() - started:.1f} s ({tail[:120]})"
        result = json.loads(lines[-1])
        return (f"{result['seconds']:.2f} s, peak RSS {result['peak_mb']:.0f} MB (process before reading "
                f"{result['base_mb']:.0f} MB): {result['outcome']}")

    def _measure(self, path: Path, step: str, rev: str | None) -> None:
        from projects.imports.engine import KNOWN_KEYS

        module = _load_reader(rev)
        content = path.read_bytes()
        base = _rss_mb()
        started = time.perf_counter()
        try:
            if step == "estimate":  # what the upload request did before the budget (services.estimate_rows)
                workbook = module.load_workbook(io.BytesIO(content), read_only=True)
                outcome = f"estimated {sum(sheet.max_row or 0 for sheet in workbook.worksheets)} rows"
                workbook.close()
            else:
                data = module.read_upload(io.BytesIO(content), path.name, max_rows=20_000, known_keys=KNOWN_KEYS)
                outcome = f"read {sum(len(sheet.rows) for sheet in data.sheets)} data rows"
        except module.BadFile as exc:
            outcome = f"refused: {exc.message[:90]}"
        except MemoryError:
            outcome = "MemoryError (over the cap)"
        seconds = time.perf_counter() - started
        if step not in ("read", "estimate"):
            raise CommandError(f"unknown step {step}")
        self.stdout.write(json.dumps({"seconds": seconds, "peak_mb": _rss_mb(), "base_mb": base, "outcome": outcome}))
