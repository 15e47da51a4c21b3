"""The stored search text of investors and projects (tracker/search.py), filled for the existing rows; on PostgreSQL
a GIN trigram index on each (the pg_trgm extension comes with clusters 0006)."""
import importlib

from django.db import migrations, models

from tracker.search import search_text

trigram_indexes = importlib.import_module("clusters.migrations.0006_search_text").trigram_indexes


def fill(apps, schema_editor):
    Investor = apps.get_model("projects", "Investor")
    Project = apps.get_model("projects", "Project")
    investors = list(Investor.objects.all())
    for investor in investors:
        investor.search_text = search_text(investor.name, investor.tax_code, investor.contact_person)
    Investor.objects.bulk_update(investors, ["search_text"], batch_size=500)
    last = 0
    while True:  # in chunks: a province's registry may hold many projects
        projects = list(Project.objects.select_related("investor").filter(pk__gt=last).order_by("pk")[:2000])
        if not projects:
            break
        for project in projects:
            project.search_text = search_text(project.code, project.name, project.irc_number,
                                              project.policy_approval_number, project.investor.name,
                                              project.investor.tax_code)
        Project.objects.bulk_update(projects, ["search_text"], batch_size=500)
        last = projects[-1].pk


class Migration(migrations.Migration):

    dependencies = [("projects", "0012_import_job_deadline"), ("clusters", "0006_search_text")]

    operations = [
        migrations.AddField(
            model_name="investor", name="search_text", field=models.TextField(blank=True, default="", editable=False)
        ),
        migrations.AddField(
            model_name="project", name="search_text", field=models.TextField(blank=True, default="", editable=False)
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        trigram_indexes([("projects_investor_search_trgm", "projects_investor"),
                         ("projects_project_search_trgm", "projects_project")]),
    ]
