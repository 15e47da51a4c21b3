"""Give the roles the permissions of the dashboard's models; see tracker/roles.py."""
from django.db import migrations


def apply_roles(apps, schema_editor):
    from tracker.roles import sync_roles

    sync_roles(apps, strict=False)  # projects/migrations/0012 completes it once the publication model exists


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0004_roles_watchlist"),
        ("clusters", "0004_seed_establishment_criteria"),
        ("projects", "0005_report_index"),
    ]

    operations = [migrations.RunPython(apply_roles, migrations.RunPython.noop)]
