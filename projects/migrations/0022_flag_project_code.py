"""The flags carry their project's code (the watchlist's last sort key): added empty, filled from the projects; the
index of the watchlist's order ends with it and the flag's id, so that a page is read from the index alone."""
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Flag = apps.get_model("projects", "Flag")
    Project = apps.get_model("projects", "Project")
    Flag.objects.update(project_code=Subquery(Project.objects.filter(pk=OuterRef("project_id")).values("code")[:1]))


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0021_flag_open_counts'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='flag',
            name='flag_open_by_severity',
        ),
        migrations.AddField(
            model_name='flag',
            name='project_code',
            field=models.CharField(default='', editable=False, max_length=30, verbose_name='project code'),
            preserve_default=False,
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name='flag',
            index=models.Index(models.OrderBy(models.Case(models.When(severity='critical', then=models.Value(3)), models.When(severity='warning', then=models.Value(2)), default=models.Value(1), output_field=models.IntegerField()), descending=True), models.F('since'), models.F('project_code'), models.F('id'), condition=models.Q(('cleared_at__isnull', True)), name='flag_open_by_severity'),
        ),
    ]
