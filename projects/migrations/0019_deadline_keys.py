"""The stored coming dates carry their project's code and commune (what the coming-due list sorts and filters by):
added empty, filled from the projects, then required."""
import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Deadline = apps.get_model("projects", "Deadline")
    Project = apps.get_model("projects", "Project")
    project = Project.objects.filter(pk=OuterRef("project_id"))
    Deadline.objects.update(project_code=Subquery(project.values("code")[:1]),
                            commune_id=Subquery(project.values("cluster__commune_id")[:1]))


class Migration(migrations.Migration):

    dependencies = [
        ('clusters', '0006_search_text'),
        ('projects', '0018_flag_open_by_severity'),
    ]

    operations = [
        migrations.AddField(
            model_name='deadline',
            name='commune',
            field=models.ForeignKey(null=True, editable=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='clusters.commune', verbose_name='commune or ward'),
        ),
        migrations.AddField(
            model_name='deadline',
            name='project_code',
            field=models.CharField(default='', editable=False, max_length=30, verbose_name='project code'),
            preserve_default=False,
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name='deadline',
            name='commune',
            field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='clusters.commune', verbose_name='commune or ward'),
        ),
        migrations.AddIndex(
            model_name='deadline',
            index=models.Index(fields=['project_code', 'crossing'], name='deadline_project_code'),
        ),
        migrations.AddIndex(
            model_name='deadline',
            index=models.Index(fields=['commune', 'crossing'], name='deadline_commune'),
        ),
    ]
