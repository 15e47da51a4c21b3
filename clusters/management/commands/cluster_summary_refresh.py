"""Rebuild the clusters' summary (projects by cluster and status) from the projects, for every cluster or some."""
from django.core.management.base import BaseCommand

from clusters.models import ClusterSummary
from clusters.services import cluster_summary_refresh


class Command(BaseCommand):
    help = "Rebuild the per-cluster project figures the dashboard reads (all clusters, or the ids given)."

    def add_arguments(self, parser):
        parser.add_argument("cluster_ids", nargs="*", type=int)

    def handle(self, *args, cluster_ids, **options):
        cluster_summary_refresh(cluster_ids or None)
        self.stdout.write(f"Cluster summary rebuilt: {ClusterSummary.objects.count()} rows.")
