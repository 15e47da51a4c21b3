"""Two staff members leasing the last land of a cluster at the same moment: one wins, the other gets a message."""
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from projects.models import Project
from projects.services import project_create

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_projects_cannot_overbook_the_cluster_land(cluster, investor):
    barrier = threading.Barrier(2)
    outcomes = []

    def lease(code):
        try:
            barrier.wait(timeout=10)
            project_create(
                code=code,
                name=code,
                cluster=cluster,
                investor=investor,
                registered_capital_vnd=10**9,
                land_area_ha=Decimal("30"),  # two of these do not fit in the cluster's 50 ha
            )
            outcomes.append("saved")
        except ValidationError as error:
            outcomes.append(error.message_dict.get("land_area_ha", ["?"])[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=lease, args=(f"DA-RACE-{n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes, key=lambda o: o != "saved")[0] == "saved"
    assert outcomes.count("saved") == 1, outcomes
    assert Project.objects.filter(code__startswith="DA-RACE-").count() == 1


def test_two_scans_at_once_leave_one_open_flag_per_project_and_rule(make_project):
    from datetime import date

    from projects.models import Flag
    from projects.watchlist.scans import run_scan

    for n in range(20):
        make_project(code=f"DA-SCAN-{n:02d}", land_area_ha=Decimal("1"), land_handover_date=date(2023, 5, 3))
    barrier = threading.Barrier(2)
    errors = []

    def scan():
        try:
            barrier.wait(timeout=10)
            run_scan(as_of=date(2024, 6, 1))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    open_flags = Flag.objects.filter(cleared_at__isnull=True, rule__code="LAND_UNUSED_12M")
    assert open_flags.count() == 20
    assert open_flags.values("project_id").distinct().count() == 20
