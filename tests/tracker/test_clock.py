"""One clock: "today" is the department's date (timezone.localdate(), Asia/Ho_Chi_Minh), read when it is needed.

The machines run on UTC, seven hours behind the department. A date taken from the machine's clock (date.today(),
datetime.now() without a zone, timezone.now().date()) is yesterday's between 00:00 and 07:00 in Vietnam; a date
taken once at import time goes stale when a process (a worker, a test run) crosses midnight. CI once collected the
suite at 23:50 and ran a module's tests at 00:02: their module-level TODAY was a day behind the server's.
This test reads every first-party module's syntax tree and refuses both."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("api", "clusters", "industry", "projects", "tracker", "tests", "scripts")
CLOCK_CALLS = {"today", "localdate", "now", "localtime", "utcnow"}


def _sources() -> list[Path]:
    paths = []
    for package in PACKAGES:
        paths += [p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts]
    return sorted(paths)


def _call_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call):
        function = node.func
        if isinstance(function, ast.Attribute):
            return function.attr
        if isinstance(function, ast.Name):
            return function.id
    return None


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Call):
        return f"{_dotted(node.func)}()"
    return "?"


def machine_clock_reads(tree: ast.AST) -> list[tuple[int, str]]:
    """Calls that read the machine's local date or a naive now: date.today(), datetime.today(),
    datetime.now() with no zone, datetime.utcnow(), timezone.now().date()."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _dotted(node.func)
        if name in {"date.today", "datetime.date.today", "datetime.today", "datetime.datetime.today",
                    "datetime.utcnow", "datetime.datetime.utcnow"}:
            found.append((node.lineno, name))
        elif name in {"datetime.now", "datetime.datetime.now"} and not node.args and not node.keywords:
            found.append((node.lineno, name))
        elif name.endswith("now().date") and not node.args:
            found.append((node.lineno, name))
    return found


def _load_time_expressions(tree: ast.Module):
    """The expressions Python evaluates when the module is imported: module-level statements (not function or
    class bodies' functions), decorators and default arguments."""
    def visit(statements, in_class=False):
        for statement in statements:
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield from statement.decorator_list
                yield from statement.args.defaults
                yield from (d for d in statement.args.kw_defaults if d is not None)
            elif isinstance(statement, ast.ClassDef):
                yield from statement.decorator_list
                yield from visit(statement.body, in_class=True)
            elif isinstance(statement, (ast.If, ast.Try, ast.With)):
                for field in ("test", "items"):
                    value = getattr(statement, field, None)
                    if isinstance(value, ast.AST):
                        yield value
                for block in ("body", "orelse", "finalbody"):
                    yield from visit(getattr(statement, block, []), in_class)
                for handler in getattr(statement, "handlers", []):
                    yield from visit(handler.body, in_class)
            else:
                yield statement
    yield from visit(tree.body)


def load_time_clock_reads(tree: ast.Module) -> list[tuple[int, str]]:
    """Clock reads evaluated at import: `TODAY = timezone.localdate()`, `@parametrize(..., [date.today()])`,
    `def f(day=timezone.localdate())`. A lambda's body runs later and is left alone."""
    found = []
    for expression in _load_time_expressions(tree):
        lambdas = {id(n) for lam in ast.walk(expression) if isinstance(lam, ast.Lambda) for n in ast.walk(lam.body)}
        for node in ast.walk(expression):
            if id(node) not in lambdas and _call_name(node) in CLOCK_CALLS:
                found.append((node.lineno, _dotted(node.func)))
    return found


@pytest.mark.parametrize("source, expected", [
    ("from datetime import date\nx = lambda: date.today()\n", [(2, "date.today")]),
    ("import datetime\ndef f():\n    return datetime.datetime.now()\n", [(3, "datetime.datetime.now")]),
    ("from django.utils import timezone\ndef f():\n    return timezone.now().date()\n", [(3, "timezone.now().date")]),
    ("from datetime import datetime, UTC\ndef f():\n    return datetime.now(UTC)\n", []),
    ("from django.utils import timezone\ndef f():\n    return timezone.localdate()\n", []),
])
def test_the_machine_clock_check_finds_what_it_should(source, expected):
    assert machine_clock_reads(ast.parse(source)) == expected


@pytest.mark.parametrize("source, expected", [
    ("from django.utils import timezone\nTODAY = timezone.localdate()\n", [(2, "timezone.localdate")]),
    ("import pytest\nfrom django.utils import timezone\n@pytest.mark.parametrize('d', [timezone.localdate()])\n"
     "def test(d):\n    pass\n", [(3, "timezone.localdate")]),
    ("from django.utils import timezone\ndef f(day=timezone.localdate()):\n    return day\n",
     [(2, "timezone.localdate")]),
    ("from django.utils import timezone\nclass A:\n    when = timezone.now()\n", [(3, "timezone.now")]),
    ("from django.utils import timezone\ndef today():\n    return timezone.localdate()\n", []),
    ("from django.utils import timezone\nfield = dict(default=lambda: timezone.localdate())\n", []),
    ("from django.utils import timezone\nfield = dict(default=timezone.localdate)\n", []),
])
def test_the_load_time_check_finds_what_it_should(source, expected):
    assert load_time_clock_reads(ast.parse(source)) == expected


def test_no_module_reads_the_machine_clock_or_reads_the_date_at_import():
    problems = []
    for path in _sources():
        tree = ast.parse(path.read_text(), filename=str(path))
        relative = path.relative_to(ROOT)
        problems += [f"{relative}:{line}: {name}() reads the machine's clock; use timezone.localdate() / "
                     f"timezone.now()" for line, name in machine_clock_reads(tree)]
        problems += [f"{relative}:{line}: {name}() is read at import time and goes stale at midnight; read it "
                     f"in the function that needs it" for line, name in load_time_clock_reads(tree)]
    assert not problems, "\n".join(problems)
