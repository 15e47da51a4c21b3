"""Obstacles with their actions, khuyến công schemes and the year's plan (issue 16); the roles get their
permissions (tracker/roles.py). The industry app's other subjects add their models in migrations of their own: the
permissions of a model not yet in the migration state are left to that model's migration (roles._added_later)."""

import django.core.validators
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


def apply_roles(apps, schema_editor):
    from tracker.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('industry', '0001_production'),
        ('clusters', '0006_search_text'),
        ('projects', '0015_warning_letter'),
        ('tracker', '0006_password_state'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalObstacle',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('title', models.CharField(max_length=255, verbose_name='obstacle')),
                ('description', models.TextField(blank=True, verbose_name='description')),
                ('kind', models.CharField(choices=[('land_clearance', 'Land clearance'), ('power_grid', 'Power-grid connection'), ('water', 'Water supply'), ('wastewater', 'Wastewater'), ('roads', 'Roads'), ('procedures', 'Procedures'), ('capital', 'Capital'), ('other', 'Other')], max_length=20, verbose_name='kind')),
                ('agency', models.CharField(help_text='The agency that must clear it, for example Sở Tài nguyên và Môi trường, Điện lực, UBND xã.', max_length=200, verbose_name='responsible agency')),
                ('raised_on', models.DateField(verbose_name='raised on')),
                ('target_date', models.DateField(blank=True, null=True, verbose_name='target date')),
                ('status', models.CharField(choices=[('open', 'Open'), ('in_progress', 'In progress'), ('escalated', 'Escalated'), ('resolved', 'Resolved')], default='open', max_length=20, verbose_name='status')),
                ('resolved_on', models.DateField(blank=True, null=True, verbose_name='resolved on')),
                ('is_sample', models.BooleanField(default=False, verbose_name='sample data')),
                ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created at')),
                ('updated_at', models.DateTimeField(blank=True, editable=False, verbose_name='updated at')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('cluster', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='clusters.cluster', verbose_name='industrial cluster')),
                ('force_majeure_period', models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='projects.forcemajeureperiod', verbose_name='force-majeure period')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('project', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='projects.project', verbose_name='secondary project')),
            ],
            options={
                'verbose_name': 'historical obstacle',
                'verbose_name_plural': 'historical obstacles',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalScheme',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(2000), django.core.validators.MaxValueValidator(2100)], verbose_name='plan year')),
                ('name', models.CharField(max_length=255, verbose_name='scheme')),
                ('kind', models.CharField(choices=[('training', 'Training'), ('equipment', 'Equipment'), ('demonstration', 'Demonstration model'), ('trade_promotion', 'Trade promotion'), ('consultancy', 'Consultancy')], max_length=20, verbose_name='kind')),
                ('decision_number', models.CharField(blank=True, max_length=50, verbose_name='approval decision no.')),
                ('business_name', models.CharField(blank=True, help_text="When the beneficiary is not an investor in the tracker: the business's name.", max_length=255, verbose_name='beneficiary (other business)')),
                ('province_budget_vnd', models.BigIntegerField(verbose_name='province budget (VND)')),
                ('counterpart_vnd', models.BigIntegerField(default=0, verbose_name='counterpart funds (VND)')),
                ('approved_on', models.DateField(verbose_name='approved on')),
                ('status', models.CharField(choices=[('approved', 'Approved'), ('in_progress', 'In progress'), ('completed', 'Completed'), ('cancelled', 'Cancelled')], default='approved', max_length=20, verbose_name='status')),
                ('completed_on', models.DateField(blank=True, null=True, verbose_name='completed on')),
                ('result', models.TextField(blank=True, verbose_name='result')),
                ('is_sample', models.BooleanField(default=False, verbose_name='sample data')),
                ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created at')),
                ('updated_at', models.DateTimeField(blank=True, editable=False, verbose_name='updated at')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('commune', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='clusters.commune', verbose_name='commune or ward')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('investor', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='projects.investor', verbose_name='beneficiary (investor)')),
            ],
            options={
                'verbose_name': 'historical industry-promotion scheme',
                'verbose_name_plural': 'historical industry-promotion schemes',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalSchemePlan',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(db_index=True, validators=[django.core.validators.MinValueValidator(2000), django.core.validators.MaxValueValidator(2100)], verbose_name='year')),
                ('decision_number', models.CharField(blank=True, max_length=50, verbose_name='approval decision no.')),
                ('schemes_planned', models.PositiveIntegerField(verbose_name='schemes planned')),
                ('province_budget_vnd', models.BigIntegerField(verbose_name='province budget planned (VND)')),
                ('counterpart_vnd', models.BigIntegerField(default=0, verbose_name='counterpart funds planned (VND)')),
                ('notes', models.TextField(blank=True, verbose_name='notes')),
                ('is_sample', models.BooleanField(default=False, verbose_name='sample data')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical industry-promotion plan',
                'verbose_name_plural': 'historical industry-promotion plans',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Obstacle',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=255, verbose_name='obstacle')),
                ('description', models.TextField(blank=True, verbose_name='description')),
                ('kind', models.CharField(choices=[('land_clearance', 'Land clearance'), ('power_grid', 'Power-grid connection'), ('water', 'Water supply'), ('wastewater', 'Wastewater'), ('roads', 'Roads'), ('procedures', 'Procedures'), ('capital', 'Capital'), ('other', 'Other')], max_length=20, verbose_name='kind')),
                ('agency', models.CharField(help_text='The agency that must clear it, for example Sở Tài nguyên và Môi trường, Điện lực, UBND xã.', max_length=200, verbose_name='responsible agency')),
                ('raised_on', models.DateField(verbose_name='raised on')),
                ('target_date', models.DateField(blank=True, null=True, verbose_name='target date')),
                ('status', models.CharField(choices=[('open', 'Open'), ('in_progress', 'In progress'), ('escalated', 'Escalated'), ('resolved', 'Resolved')], default='open', max_length=20, verbose_name='status')),
                ('resolved_on', models.DateField(blank=True, null=True, verbose_name='resolved on')),
                ('is_sample', models.BooleanField(default=False, verbose_name='sample data')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('cluster', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='obstacles', to='clusters.cluster', verbose_name='industrial cluster')),
                ('force_majeure_period', models.OneToOneField(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='obstacle', to='projects.forcemajeureperiod', verbose_name='force-majeure period')),
                ('project', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='obstacles', to='projects.project', verbose_name='secondary project')),
            ],
            options={
                'verbose_name': 'obstacle',
                'verbose_name_plural': 'obstacles',
                'ordering': ['-raised_on', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='HistoricalObstacleAction',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('taken_on', models.DateField(verbose_name='date')),
                ('description', models.TextField(verbose_name='action taken')),
                ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created at')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('recorded_by', models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
                ('obstacle', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='industry.obstacle', verbose_name='obstacle')),
            ],
            options={
                'verbose_name': 'historical action on an obstacle',
                'verbose_name_plural': 'historical actions on obstacles',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='ObstacleAction',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('taken_on', models.DateField(verbose_name='date')),
                ('description', models.TextField(verbose_name='action taken')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('obstacle', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='actions', to='industry.obstacle', verbose_name='obstacle')),
                ('recorded_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
            ],
            options={
                'verbose_name': 'action on an obstacle',
                'verbose_name_plural': 'actions on obstacles',
                'ordering': ['-taken_on', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='Scheme',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(2000), django.core.validators.MaxValueValidator(2100)], verbose_name='plan year')),
                ('name', models.CharField(max_length=255, verbose_name='scheme')),
                ('kind', models.CharField(choices=[('training', 'Training'), ('equipment', 'Equipment'), ('demonstration', 'Demonstration model'), ('trade_promotion', 'Trade promotion'), ('consultancy', 'Consultancy')], max_length=20, verbose_name='kind')),
                ('decision_number', models.CharField(blank=True, max_length=50, verbose_name='approval decision no.')),
                ('business_name', models.CharField(blank=True, help_text="When the beneficiary is not an investor in the tracker: the business's name.", max_length=255, verbose_name='beneficiary (other business)')),
                ('province_budget_vnd', models.BigIntegerField(verbose_name='province budget (VND)')),
                ('counterpart_vnd', models.BigIntegerField(default=0, verbose_name='counterpart funds (VND)')),
                ('approved_on', models.DateField(verbose_name='approved on')),
                ('status', models.CharField(choices=[('approved', 'Approved'), ('in_progress', 'In progress'), ('completed', 'Completed'), ('cancelled', 'Cancelled')], default='approved', max_length=20, verbose_name='status')),
                ('completed_on', models.DateField(blank=True, null=True, verbose_name='completed on')),
                ('result', models.TextField(blank=True, verbose_name='result')),
                ('is_sample', models.BooleanField(default=False, verbose_name='sample data')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('commune', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='schemes', to='clusters.commune', verbose_name='commune or ward')),
                ('investor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='schemes', to='projects.investor', verbose_name='beneficiary (investor)')),
            ],
            options={
                'verbose_name': 'industry-promotion scheme',
                'verbose_name_plural': 'industry-promotion schemes',
                'ordering': ['-year', 'name', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='SchemePlan',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(unique=True, validators=[django.core.validators.MinValueValidator(2000), django.core.validators.MaxValueValidator(2100)], verbose_name='year')),
                ('decision_number', models.CharField(blank=True, max_length=50, verbose_name='approval decision no.')),
                ('schemes_planned', models.PositiveIntegerField(verbose_name='schemes planned')),
                ('province_budget_vnd', models.BigIntegerField(verbose_name='province budget planned (VND)')),
                ('counterpart_vnd', models.BigIntegerField(default=0, verbose_name='counterpart funds planned (VND)')),
                ('notes', models.TextField(blank=True, verbose_name='notes')),
                ('is_sample', models.BooleanField(default=False, verbose_name='sample data')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
            ],
            options={
                'verbose_name': 'industry-promotion plan',
                'verbose_name_plural': 'industry-promotion plans',
                'ordering': ['-year'],
                'constraints': [models.CheckConstraint(condition=models.Q(('province_budget_vnd__gte', 0)), name='scheme_plan_budget_gte_0'), models.CheckConstraint(condition=models.Q(('counterpart_vnd__gte', 0)), name='scheme_plan_counterpart_gte_0')],
            },
        ),
        migrations.AddIndex(
            model_name='obstacle',
            index=models.Index(fields=['status', 'target_date'], name='industry_ob_status_ec1f41_idx'),
        ),
        migrations.AddIndex(
            model_name='obstacle',
            index=models.Index(fields=['raised_on'], name='industry_ob_raised__219091_idx'),
        ),
        migrations.AddConstraint(
            model_name='obstacle',
            constraint=models.CheckConstraint(condition=models.Q(('cluster__isnull', False)), name='obstacle_has_cluster', violation_error_message='Choose the cluster or the project the obstacle holds back.'),
        ),
        migrations.AddConstraint(
            model_name='obstacle',
            constraint=models.CheckConstraint(condition=models.Q(('target_date__isnull', True), ('target_date__gte', models.F('raised_on')), _connector='OR'), name='obstacle_target_after_raised', violation_error_message='The target date cannot be before the day the obstacle was raised.'),
        ),
        migrations.AddConstraint(
            model_name='obstacle',
            constraint=models.CheckConstraint(condition=models.Q(('resolved_on__isnull', True), ('resolved_on__gte', models.F('raised_on')), _connector='OR'), name='obstacle_resolved_after_raised', violation_error_message='An obstacle cannot be resolved before the day it was raised.'),
        ),
        migrations.AddConstraint(
            model_name='obstacle',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('resolved_on__isnull', False), ('status', 'resolved')), models.Q(models.Q(('status', 'resolved'), _negated=True), ('resolved_on__isnull', True)), _connector='OR'), name='obstacle_resolved_on_iff_resolved', violation_error_message='A resolved obstacle needs the day it was resolved; any other has none.'),
        ),
        migrations.AddIndex(
            model_name='scheme',
            index=models.Index(fields=['year', 'status'], name='industry_sc_year_8206d4_idx'),
        ),
        migrations.AddConstraint(
            model_name='scheme',
            constraint=models.CheckConstraint(condition=models.Q(('province_budget_vnd__gte', 0)), name='scheme_budget_gte_0'),
        ),
        migrations.AddConstraint(
            model_name='scheme',
            constraint=models.CheckConstraint(condition=models.Q(('counterpart_vnd__gte', 0)), name='scheme_counterpart_gte_0'),
        ),
        migrations.AddConstraint(
            model_name='scheme',
            constraint=models.CheckConstraint(condition=models.Q(('completed_on__isnull', True), ('completed_on__gte', models.F('approved_on')), _connector='OR'), name='scheme_completed_after_approved', violation_error_message='A scheme cannot be completed before it was approved.'),
        ),
        migrations.RunPython(apply_roles, migrations.RunPython.noop),
    ]
