"""Create the roles (groups) with their permissions; see tracker/roles.py."""
from django.db import migrations


def apply_roles(apps, schema_editor):
    from tracker.roles import sync_roles

    sync_roles(apps, strict=False)  # tracker/migrations/0004 completes it once the watchlist models exist


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0002_access_scope"),
        ("clusters", "0001_initial"),
        ("projects", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(apply_roles, migrations.RunPython.noop)]
