from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    CapitalReport = apps.get_model("projects", "CapitalReport")
    latest = CapitalReport.objects.filter(project=OuterRef("pk")).order_by("-period_end", "-pk").values("implemented_capital_vnd")[:1]
    Project.objects.update(latest_implemented_vnd=Subquery(latest))


class Migration(migrations.Migration):
    dependencies = [("projects", "0006_latest_implemented")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
