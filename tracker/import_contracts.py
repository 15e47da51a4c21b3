"""Import-linter contract types that the stock ones cannot express; `.importlinter` uses them.

- `forbidden_external_submodules`: the stock forbidden contract sees an external package only whole (`django`),
  so it cannot say "the watchlist's rules import nothing from Django's ORM" while they may use its translations.
  This one reads the import statements of the source modules and of every internal module they reach.
- `forbidden_at_module_level`: `clusters` may read projects inside a function (occupancy is computed from the
  projects) but never at module level, where the import would run when `clusters` is loaded.

Nothing here is imported by the running site.
"""
from __future__ import annotations

import ast
import importlib.util
import re

import grimp
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck

_IMPORT_LINE = re.compile(r"^\s*(?:from\s+(?P<from>[\w.]+)\s+import\b|import\s+(?P<names>[\w.,\s]+?)(?:\s+as\s+\w+)?\s*$)")


def _imported_names(line: str) -> list[str]:
    match = _IMPORT_LINE.match(line)
    if not match:
        return []
    if match["from"]:
        return [match["from"]]
    return [name.strip().split(" as ")[0] for name in match["names"].split(",") if name.strip()]


def _within(name: str, prefixes) -> str | None:
    return next((prefix for prefix in prefixes if name == prefix or name.startswith(prefix + ".")), None)


def _expand(graph: grimp.ImportGraph, names) -> set[str]:
    modules = set()
    for name in names:
        modules.add(name)
        modules |= graph.find_descendants(name) if name in graph.modules else set()
    return modules


def _report(check: ContractCheck) -> None:
    for line in check.metadata["violations"]:
        output.print_error(line, bold=False)
        output.new_line()


class ForbiddenExternalSubmodulesContract(Contract):
    """The source modules, and the internal modules they import directly or indirectly, import none of the given
    modules of external packages (`django.db`, say)."""

    type_name = "forbidden_external_submodules"
    source_modules = fields.ListField(subfield=fields.StringField())
    forbidden_modules = fields.ListField(subfield=fields.StringField())

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        sources = _expand(graph, self.source_modules)
        reached = set(sources)
        for source in sources:
            reached |= graph.find_upstream_modules(source)  # what the source imports, even indirectly
        internal = {module for module in reached if not graph.is_module_squashed(module)}
        violations = []
        for importer in sorted(internal):
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                if imported in internal:
                    continue
                for detail in graph.get_import_details(importer=importer, imported=imported):
                    for name in _imported_names(detail["line_contents"]):
                        hit = _within(name, self.forbidden_modules)
                        if hit:
                            violations.append(
                                f"{importer}:{detail['line_number']} imports {name} ({hit} is forbidden here)"
                            )
        return ContractCheck(kept=not violations, metadata={"violations": violations})

    def render_broken_contract(self, check: ContractCheck) -> None:
        _report(check)


def _module_level_import_lines(module: str) -> set[int]:
    """Line numbers of the imports that run when the module is loaded: at the top, or in a top-level if/try."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return set()
    with open(spec.origin, encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    lines, pending = set(), list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            lines.add(node.lineno)
        elif isinstance(node, (ast.If, ast.Try, ast.With)):
            for block in ("body", "orelse", "finalbody", "handlers"):
                pending.extend(getattr(node, block, []) or [])
        elif isinstance(node, ast.ExceptHandler):
            pending.extend(node.body)
    return lines


class ForbiddenAtModuleLevelContract(Contract):
    """The source modules do not import the forbidden ones where the import runs at load time (inside a function
    it may)."""

    type_name = "forbidden_at_module_level"
    source_modules = fields.ListField(subfield=fields.StringField())
    forbidden_modules = fields.ListField(subfield=fields.StringField())

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        forbidden = _expand(graph, self.forbidden_modules)
        violations = []
        for importer in sorted(_expand(graph, self.source_modules)):
            imported_here = graph.find_modules_directly_imported_by(importer) & forbidden
            if not imported_here:
                continue
            module_level = _module_level_import_lines(importer)
            for imported in sorted(imported_here):
                for detail in graph.get_import_details(importer=importer, imported=imported):
                    if detail["line_number"] in module_level:
                        violations.append(
                            f"{importer}:{detail['line_number']} imports {imported} at module level "
                            f"({detail['line_contents']})"
                        )
        return ContractCheck(kept=not violations, metadata={"violations": violations})

    def render_broken_contract(self, check: ContractCheck) -> None:
        _report(check)
