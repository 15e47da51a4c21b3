"""The layers are contracts (.importlinter), run by the test command; these tests check the two contract types
written for this project (tracker/import_contracts.py) on small packages made for the purpose, and that the
project's own contracts hold."""
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import grimp
import pytest

from tracker.import_contracts import ForbiddenAtModuleLevelContract, ForbiddenExternalSubmodulesContract

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def package_graph(tmp_path, name: str, files: dict[str, str]):
    """Write the package `name` from {relative path: source} and yield its import graph."""
    for relative, source in files.items():
        path = tmp_path / name / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)
    sys.path.insert(0, str(tmp_path))
    try:
        yield grimp.build_graph(name, include_external_packages=True, cache_dir=None)
    finally:
        sys.path.remove(str(tmp_path))
        for module in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
            del sys.modules[module]


def _check(contract_class, graph, **options):
    contract = contract_class(name="test", session_options={"include_external_packages": "True"},
                              contract_options=options)
    return contract.check(graph, verbose=False)


def _layout(name: str, reader: str) -> dict[str, str]:
    return {"__init__.py": "", "high.py": "thing = 1\n", "low/__init__.py": "", "low/reader.py": reader}


def test_an_import_inside_a_function_keeps_the_module_level_contract(tmp_path):
    name = "arch_inside"
    reader = f"def read():\n    from {name}.high import thing\n    return thing\n"
    with package_graph(tmp_path, name, _layout(name, reader)) as graph:
        check = _check(ForbiddenAtModuleLevelContract, graph, source_modules=[f"{name}.low"],
                       forbidden_modules=[f"{name}.high"])
    assert check.kept, check.metadata


@pytest.mark.parametrize("reader", [
    "from {pkg}.high import thing\n",
    "import {pkg}.high\n",
    "try:\n    from {pkg}.high import thing\nexcept ImportError:\n    thing = None\n",
], ids=["from-import", "import", "inside-a-top-level-try"])
def test_an_import_that_runs_at_load_time_breaks_the_module_level_contract(tmp_path, reader):
    name = "arch_top_" + str(abs(hash(reader)) % 10**6)
    with package_graph(tmp_path, name, _layout(name, reader.format(pkg=name))) as graph:
        check = _check(ForbiddenAtModuleLevelContract, graph, source_modules=[f"{name}.low"],
                       forbidden_modules=[f"{name}.high"])
    assert not check.kept
    assert check.metadata["violations"][0].startswith(f"{name}.low.reader:")


def test_an_orm_import_is_found_directly_and_through_a_helper(tmp_path):
    name = "arch_orm"
    files = {
        "__init__.py": "",
        "rules.py": f"from django.utils.translation import gettext\nfrom {name} import helper\n",
        "helper.py": "from django.db.models import Q\n",
        "clean.py": "import django.utils.timezone\n",
        "direct.py": "import django.db\n",
    }
    with package_graph(tmp_path, name, files) as graph:
        through_helper = _check(ForbiddenExternalSubmodulesContract, graph, source_modules=[f"{name}.rules"],
                                forbidden_modules=["django.db"])
        direct = _check(ForbiddenExternalSubmodulesContract, graph, source_modules=[f"{name}.direct"],
                        forbidden_modules=["django.db"])
        clean = _check(ForbiddenExternalSubmodulesContract, graph, source_modules=[f"{name}.clean"],
                       forbidden_modules=["django.db"])
    assert through_helper.metadata["violations"] == [
        f"{name}.helper:1 imports django.db.models (django.db is forbidden here)"
    ]
    assert not direct.kept
    assert clean.kept


def test_the_projects_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--config", str(ROOT / ".importlinter"), "--no-cache"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout
