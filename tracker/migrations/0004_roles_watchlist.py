"""Give the roles the permissions of the watchlist and its records; see tracker/roles.py."""
from django.db import migrations


def apply_roles(apps, schema_editor):
    from tracker.roles import sync_roles

    sync_roles(apps, strict=False)  # 0005 completes it once the dashboard models exist


class Migration(migrations.Migration):
    dependencies = [("tracker", "0003_roles"), ("projects", "0003_watchlist")]

    operations = [migrations.RunPython(apply_roles, migrations.RunPython.noop)]
