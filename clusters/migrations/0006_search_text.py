"""The stored search text of communes and clusters (tracker/search.py), filled for the existing rows; on PostgreSQL
the pg_trgm extension and a GIN trigram index on each, so `search_text LIKE '%word%'` is an index scan."""
from django.db import migrations, models

from tracker.search import search_text

TRIGRAM_INDEXES = [  # (index, table); created only on PostgreSQL
    ("clusters_commune_search_trgm", "clusters_commune"),
    ("clusters_cluster_search_trgm", "clusters_cluster"),
]


def trigram_indexes(indexes):
    """A migration operation creating GIN trigram indexes on PostgreSQL and doing nothing on another database."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, table in indexes:
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ("search_text" gin_trgm_ops)'
            )

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name, _table in indexes:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')

    return migrations.RunPython(forwards, backwards)


def fill(apps, schema_editor):
    Commune = apps.get_model("clusters", "Commune")
    Cluster = apps.get_model("clusters", "Cluster")
    communes = list(Commune.objects.all())
    for commune in communes:
        commune.search_text = search_text(commune.name)
    Commune.objects.bulk_update(communes, ["search_text"], batch_size=500)
    clusters = list(Cluster.objects.select_related("commune"))
    for cluster in clusters:
        cluster.search_text = search_text(cluster.code, cluster.name, cluster.commune.name, cluster.developer_name,
                                          cluster.establishment_decision_number)
    Cluster.objects.bulk_update(clusters, ["search_text"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [("clusters", "0005_cluster_summary")]

    operations = [
        migrations.AddField(
            model_name="commune", name="search_text", field=models.TextField(blank=True, default="", editable=False)
        ),
        migrations.AddField(
            model_name="cluster", name="search_text", field=models.TextField(blank=True, default="", editable=False)
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        trigram_indexes(TRIGRAM_INDEXES),
    ]
