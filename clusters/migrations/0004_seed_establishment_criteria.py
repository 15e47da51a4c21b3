from decimal import Decimal

from django.db import migrations


def seed(apps, schema_editor):
    Criteria = apps.get_model("clusters", "EstablishmentCriteria")
    if not Criteria.objects.exists():
        Criteria.objects.create(occupancy_over_pct=Decimal(50), unleased_at_most_ha=Decimal(100))


class Migration(migrations.Migration):
    dependencies = [("clusters", "0003_establishment_criteria")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
