"""The state of the other apps for a test that migrates some apps back: each other app as far as it goes without a
migration of the rolled-back apps later than the targets (industry's migrations depend on the latest projects one)."""
import importlib
from contextlib import contextmanager


def others_as_far_as(graph, targets: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """For each app not in `targets`, its latest migration that needs nothing of the target apps beyond the targets."""
    apps = {app for app, _name in targets}
    allowed = set()
    for target in targets:
        allowed |= set(graph.forwards_plan(target))
    others = []
    for leaf in graph.leaf_nodes():
        if leaf[0] in apps:
            continue
        plan = [node for node in graph.forwards_plan(leaf) if node[0] == leaf[0]]
        while plan and any(node[0] in apps and node not in allowed for node in graph.forwards_plan(plan[-1])):
            plan.pop()
        if plan:
            others.append(plan[-1])
    return others


@contextmanager
def migrated_back(before: list[tuple[str, str]]):
    """Migrate the database back to `before` (the other apps as far as they go with it) and yield (the apps of that
    state, forward): `forward(after)` migrates on to `after` and returns the apps of that state. Whatever happens, the
    database ends on the latest migrations. For a `transaction=True` test."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    others = others_as_far_as(executor.loader.graph, before)
    executor.migrate(before + others)
    old = executor.loader.project_state(before + others).apps

    def forward(after: list[tuple[str, str]]):
        executor.loader.build_graph()
        executor.migrate(after + others)
        return executor.loader.project_state(after + others).apps

    try:
        if not old.get_model("projects", "Rule").objects.exists():  # a transactional test before flushed the seed
            importlib.import_module("projects.migrations.0004_seed_rules").seed(old, None)
        yield old, forward
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
