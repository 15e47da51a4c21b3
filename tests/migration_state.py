"""The state of the other apps for a test that migrates some apps back: each other app as far as it goes without a
migration of the rolled-back apps later than the targets (industry's migrations depend on the latest projects one)."""


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
