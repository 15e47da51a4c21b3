# The per-cluster project figures the dashboard reads (issue 6), filled from the projects.

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count, Sum, Value
from django.db.models.functions import Coalesce


def fill(apps, schema_editor):
    # The same GROUP BY as clusters.services.cluster_summary_refresh, on the historical models.
    Project = apps.get_model("projects", "Project")
    ClusterSummary = apps.get_model("clusters", "ClusterSummary")
    rows = Project.objects.order_by().values("cluster_id", "status").annotate(
        projects=Count("pk"), registered_capital_vnd=Sum("registered_capital_vnd"), land_area_ha=Sum("land_area_ha"),
        implemented_capital_vnd=Coalesce(Sum("latest_implemented_vnd"), Value(0)),
    )
    ClusterSummary.objects.bulk_create((ClusterSummary(**row) for row in rows), batch_size=5000)


class Migration(migrations.Migration):

    dependencies = [
        ('clusters', '0004_seed_establishment_criteria'),
        ('projects', '0007_fill_latest_implemented'),  # the projects' implemented capital is filled
    ]

    operations = [
        migrations.CreateModel(
            name='ClusterSummary',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(max_length=20)),
                ('projects', models.PositiveIntegerField()),
                ('registered_capital_vnd', models.BigIntegerField()),
                ('land_area_ha', models.DecimalField(decimal_places=4, max_digits=16)),
                ('implemented_capital_vnd', models.BigIntegerField()),
                ('cluster', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='summary', to='clusters.cluster')),
            ],
            options={
                'verbose_name': 'cluster summary',
                'verbose_name_plural': 'cluster summaries',
                'constraints': [models.UniqueConstraint(fields=('cluster', 'status'), name='cluster_summary_one_row_per_status')],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
