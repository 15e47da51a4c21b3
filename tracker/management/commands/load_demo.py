"""Load demo data: the former Hòa Bình province's clusters, sample investors and projects, 2024 targets, demo users.

Running it again changes nothing: every object is looked up by its natural key and only created when missing.
"""
import csv
import hashlib
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from clusters.models import Cluster, Commune, FormerDistrict
from clusters.services import cluster_summary_refresh
from industry.services.infrastructure import demo_infrastructure_load
from projects.models import (
    AnnualTarget,
    CapitalReport,
    Investor,
    LandUseExtension,
    ProjectStatusChange,
    Project,
    ScheduleAdjustment,
    TransferRequest,
    UnreachableRecord,
    ViolationNotice,
)
from industry.services.obstacles import obstacle_demo_load
from industry.services.production import production_demo_load
from industry.services.schemes import scheme_demo_load
from projects.services import project_refresh_implemented
from tracker.models import AccessScope
from tracker.roles import COMMUNE_OFFICER, sync_roles

CSV_PATH = Path(__file__).resolve().parents[2] / "demo" / "hoa_binh_clusters.csv"
BILLION = 10**9

# Former district → (code prefix, the commune or ward the demo places its clusters in, kind).
# Which cluster lies in which new commune is not recorded in the source; these placements are sample values.
DISTRICTS = {
    "Hòa Bình city": ("HB", "Hòa Bình", Commune.Kind.WARD),
    "Lương Sơn": ("LS", "Lương Sơn", Commune.Kind.COMMUNE),
    "Lạc Thủy": ("LT", "Lạc Thủy", Commune.Kind.COMMUNE),
    "Lạc Sơn": ("LSO", "Lạc Sơn", Commune.Kind.COMMUNE),
    "Yên Thủy": ("YT", "Yên Thủy", Commune.Kind.COMMUNE),
    "Kim Bôi": ("KB", "Kim Bôi", Commune.Kind.COMMUNE),
    "Cao Phong": ("CP", "Cao Phong", Commune.Kind.COMMUNE),
    "Tân Lạc": ("TL", "Tân Lạc", Commune.Kind.COMMUNE),
    "Mai Châu": ("MC", "Mai Châu", Commune.Kind.COMMUNE),
    "Đà Bắc": ("DB", "Đà Bắc", Commune.Kind.COMMUNE),
}
# Former district → the approximate centre of its former seat (latitude, longitude). The demo places each cluster a
# few kilometres from it (a sample position, not the cluster's surveyed one) so that the map has markers.
DISTRICT_CENTRES = {
    "Hòa Bình city": (20.817, 105.338),
    "Lương Sơn": (20.880, 105.525),
    "Lạc Thủy": (20.500, 105.750),
    "Lạc Sơn": (20.455, 105.450),
    "Yên Thủy": (20.400, 105.630),
    "Kim Bôi": (20.670, 105.540),
    "Cao Phong": (20.700, 105.330),
    "Tân Lạc": (20.610, 105.260),
    "Mai Châu": (20.660, 105.080),
    "Đà Bắc": (20.880, 105.250),
}
# Clusters named after a commune or ward that exists since 1 July 2025 are placed there.
NAMED_PLACES = {
    "Thịnh Minh 1": ("Thịnh Minh", Commune.Kind.COMMUNE),
    "Kỳ Sơn": ("Kỳ Sơn", Commune.Kind.WARD),
    "Cao Dương": ("Cao Dương", Commune.Kind.COMMUNE),
}

INVESTORS = [
    # name, tax code (sample), foreign, country
    ("[MẪU] Công ty TNHH Chế biến Nông sản Sông Đà", "0100000001", False, "Việt Nam"),
    ("[MẪU] Công ty CP Vật liệu Xây dựng Lương Sơn", "0100000002", False, "Việt Nam"),
    ("[MẪU] Công ty TNHH May mặc Lạc Thủy", "0100000003", False, "Việt Nam"),
    ("[MẪU] Công ty TNHH Điện tử Hanbit Vina", "0100000004", True, "Hàn Quốc"),
    ("[MẪU] Công ty TNHH Cơ khí Chính xác Sakura", "0100000005", True, "Nhật Bản"),
    ("[MẪU] Công ty CP Gỗ Mường Hòa Bình", "0100000006", False, "Việt Nam"),
    ("[MẪU] Công ty TNHH Dược liệu Tây Bắc", "0100000007", False, "Việt Nam"),
    ("[MẪU] Công ty TNHH Nhựa Kim Bôi", "0100000007-001", False, "Việt Nam"),
]

D = date
# code, name, cluster name, investor index, industry, capital (billion), land (ha), status, policy/IRC date,
# handover, start deadline, completion deadline, operation deadline, actual start, actual completion, actual operation
PROJECTS = [
    ("DA-MAU-01", "Nhà máy chế biến nông sản", "Xóm Rụt", 0, "food", "120", "3.5", "operating",
     D(2021, 3, 15), D(2021, 6, 1), D(2021, 9, 1), D(2022, 9, 1), D(2022, 12, 1), D(2021, 8, 20), D(2022, 8, 30), D(2022, 11, 15)),
    ("DA-MAU-02", "Nhà máy gạch không nung", "Xóm Rụt", 1, "materials", "85,5", "2.8", "under_construction",
     D(2023, 4, 10), D(2023, 7, 1), D(2023, 10, 1), D(2024, 10, 1), D(2025, 1, 1), D(2023, 11, 20), None, None),
    ("DA-MAU-03", "Xưởng may xuất khẩu", "Thanh Nông", 2, "textile", "64", "2.1", "land_handed_over",
     D(2024, 2, 20), D(2024, 5, 10), D(2024, 11, 10), D(2025, 11, 10), D(2026, 2, 10), None, None, None),
    ("DA-MAU-04", "Nhà máy linh kiện điện tử Hanbit", "Phú Thành II", 3, "electronics", "310", "6.2", "operating",
     D(2022, 5, 5), D(2022, 7, 1), D(2022, 12, 1), D(2023, 12, 1), D(2024, 3, 1), D(2022, 11, 15), D(2023, 11, 30), D(2024, 2, 20)),
    ("DA-MAU-05", "Nhà máy cơ khí chính xác Sakura", "Đồng Tâm I", 4, "mechanical", "150", "4", "registered",
     D(2024, 9, 12), None, D(2025, 6, 1), D(2026, 6, 1), D(2026, 9, 1), None, None, None),
    ("DA-MAU-06", "Xưởng chế biến gỗ rừng trồng", "Tiên Tiến", 5, "wood", "45", "1.6", "suspended",
     D(2020, 8, 1), D(2020, 10, 1), D(2021, 4, 1), D(2022, 4, 1), D(2022, 7, 1), D(2021, 5, 10), None, None),
    ("DA-MAU-07", "Nhà máy chiết xuất dược liệu", "Tây Phong", 6, "pharma", "72,25", "2.5", "terminated",
     D(2019, 6, 1), D(2019, 9, 1), D(2020, 3, 1), D(2021, 3, 1), D(2021, 6, 1), None, None, None),
    ("DA-MAU-08", "Nhà máy bao bì nhựa", "Xóm Rụt", 7, "chemicals", "95", "3", "under_construction",
     D(2024, 11, 5), D(2025, 2, 1), D(2025, 8, 1), D(2026, 8, 1), D(2026, 11, 1), D(2025, 7, 15), None, None),
    ("DA-MAU-09", "Kho vận và logistics Lương Sơn", "Hòa Sơn", 1, "logistics", "60", "2", "land_handed_over",
     D(2024, 6, 18), D(2024, 9, 1), D(2025, 3, 1), D(2026, 3, 1), D(2026, 6, 1), None, None, None),
    ("DA-MAU-10", "Xưởng thủ công mỹ nghệ mây tre", "Phú Thành II", 5, "handicraft", "18", "0.8", "operating",
     D(2021, 1, 20), D(2021, 3, 1), D(2021, 6, 1), D(2022, 1, 1), D(2022, 3, 1), D(2021, 5, 25), D(2021, 12, 20), D(2022, 2, 15)),
    ("DA-MAU-11", "Nhà máy thức ăn chăn nuôi", "Thanh Nông", 0, "food", "130", "3.2", "registered",
     D(2025, 10, 2), None, D(2026, 7, 1), D(2027, 7, 1), D(2027, 10, 1), None, None, None),
    ("DA-MAU-12", "Nhà máy lắp ráp thiết bị điện", "Đồng Tâm I", 3, "electronics", "220", "5", "land_handed_over",
     D(2023, 8, 8), D(2023, 12, 1), D(2024, 6, 1), D(2025, 6, 1), D(2025, 9, 1), None, None, None),
]

# Records that make the demo watchlist show every rule (see docs/watchlist.md for the expected flags).
DEMO_RECORDS = {
    "DA-MAU-06": [("unreachable", {"since": D(2024, 6, 1), "note": "Không liên lạc được qua điện thoại và thư bảo đảm."})],
    "DA-MAU-12": [("extension", {"clock": "unused", "decision_number": "45/QĐ-UBND (mẫu)",
                                 "decision_date": D(2024, 11, 20), "requested_on": D(2024, 11, 5),
                                 "start_date": D(2024, 12, 1), "end_date": D(2025, 11, 30),
                                 "payment_due_date": D(2025, 1, 31)})],
    "DA-MAU-09": [("notice", {"number": "112/TB-SCT (mẫu)", "notice_date": D(2025, 10, 1),
                              "content": "Đất được bàn giao nhưng chưa đưa vào sử dụng."})],
    "DA-MAU-08": [
        ("adjustment", {"decision_number": "20/QĐ-SCT (mẫu)", "decision_date": D(2025, 6, 1), "months_added": 8,
                        "reason": "Điều chỉnh thiết kế nhà xưởng."}),
        ("adjustment", {"decision_number": "31/QĐ-SCT (mẫu)", "decision_date": D(2026, 2, 1), "months_added": 6,
                        "reason": "Chậm nhập khẩu thiết bị."}),
    ],
    "DA-MAU-03": [("transfer", {"request_date": D(2025, 3, 15), "transferee": "[MẪU] Công ty TNHH Đầu tư Bất động sản X"})],
}
# The day the status in force took effect, where it is not the matching actual date (the status history).
STATUS_SINCE = {
    "DA-MAU-06": D(2024, 3, 1),  # operations stopped
    "DA-MAU-07": D(2024, 1, 15),  # terminated; its land neither recovered nor transferred since
}
RECORD_MODELS = {
    "unreachable": UnreachableRecord,
    "extension": LandUseExtension,
    "notice": ViolationNotice,
    "adjustment": ScheduleAdjustment,
    "transfer": TransferRequest,
}

DEMO_USERS = [
    # username, full name, password, role (group), superuser
    ("chuyenvien", "Chuyên viên (demo)", "ChuyenVien@2026", "staff", False),
    ("lanhdao", "Lãnh đạo Sở (demo)", "LanhDao@2026", "leadership", False),
    ("canboxa", "Cán bộ xã Lương Sơn (demo)", "CanBoXa@2026", "commune_officer", False),
    ("xem", "Người xem (demo)", "NguoiXem@2026", "viewer", False),
    ("quantri", "Quản trị (demo)", "QuanTri@2026", None, True),
]
# The demo commune officer is assigned to this commune.
DEMO_OFFICER_COMMUNE = "Lương Sơn"


def _sample(seed: str, low: float, high: float, places: int = 1) -> Decimal:
    """A plausible value that stays the same on every run (derived from a hash, not from chance)."""
    fraction = int(hashlib.sha256(seed.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return round(Decimal(str(low + (high - low) * fraction)), places)


class Command(BaseCommand):
    help = "Load demo data (clusters of the former Hòa Bình province, sample investors and projects, demo users)."

    def handle(self, *args, **options):
        with transaction.atomic():
            created = self.load()
        self.stdout.write(self.style.SUCCESS(f"Demo data: {created} objects created (0 means it was already loaded)."))
        self.stdout.write("Demo users (username / password):")
        for username, full_name, password, _role, _superuser in DEMO_USERS:
            self.stdout.write(f"  {username} / {password}   ({full_name})")

    def load(self) -> int:
        created = 0
        districts = {}
        for district_name, (_prefix, commune_name, kind) in DISTRICTS.items():
            districts[district_name], new = FormerDistrict.objects.get_or_create(
                name=district_name if district_name != "Hòa Bình city" else "Thành phố Hòa Bình"
            )
            created += new
        communes = {}
        for district_name, (_prefix, commune_name, kind) in DISTRICTS.items():
            communes[district_name], new = Commune.objects.get_or_create(
                name=commune_name, defaults={"kind": kind, "former_district": districts[district_name]}
            )
            created += new

        counters: dict[str, int] = {}
        clusters = {}
        with CSV_PATH.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                cluster, new = self.cluster_from_row(row, districts, communes, counters)
                clusters[cluster.name] = cluster
                created += new

        investors = []
        for name, tax_code, foreign, country in INVESTORS:
            investor, new = Investor.objects.get_or_create(
                tax_code=tax_code,
                defaults={"name": name, "is_foreign": foreign, "country": country, "is_sample": True},
            )
            investors.append(investor)
            created += new

        for spec in PROJECTS:
            created += self.project_from_spec(spec, clusters, investors)
        created += demo_infrastructure_load(clusters.values())  # issue 16: six sample works per cluster

        _target, new = AnnualTarget.objects.get_or_create(
            year=2024,
            defaults={
                "projects_min": 5,
                "projects_max": 8,
                "capital_min_vnd": 400 * BILLION,
                "capital_max_vnd": 600 * BILLION,
                "clusters_min": 1,
                "clusters_max": 2,
                "notes": "Kế hoạch năm 2024 của Sở Công Thương: thu hút 5–8 dự án thứ cấp, 400–600 tỷ đồng; thành lập 1–2 CCN.",
            },
        )
        created += new
        created += production_demo_load()  # the article's February 2024 production index and electricity (sample)
        created += obstacle_demo_load(clusters)  # obstacles with their actions, one turned into force majeure (sample)
        created += scheme_demo_load()  # the year's khuyến công plan and schemes (sample)

        sync_roles(django_apps)  # the roles normally come from the data migration; a flushed database lacks them
        User = get_user_model()
        for username, full_name, password, role, superuser in DEMO_USERS:
            if User.objects.filter(username=username).exists():
                continue
            user = User(username=username, first_name=full_name, is_staff=superuser, is_superuser=superuser)
            user.set_password(password)
            user.save()
            if role:
                user.groups.add(Group.objects.get(name=role))
            if role == COMMUNE_OFFICER:
                scope = AccessScope.objects.create(user=user)
                scope.communes.add(Commune.objects.get(name=DEMO_OFFICER_COMMUNE))
            created += 1
        cluster_summary_refresh()  # the projects above are saved directly, not through the services
        return created

    def cluster_from_row(self, row, districts, communes, counters):
        district_name = row["former_district"]
        prefix = DISTRICTS[district_name][0]
        counters[prefix] = counters.get(prefix, 0) + 1
        code = f"CCN-{prefix}-{counters[prefix]:02d}"
        existing = Cluster.objects.filter(code=code).first()
        if existing:
            return existing, False
        name = row["cluster_name"]
        plan_status = row["in_2023_draft_plan_as"]
        is_new = plan_status == "new"
        if name in NAMED_PLACES:
            commune_name, kind = NAMED_PLACES[name]
            commune, _ = Commune.objects.get_or_create(
                name=commune_name, defaults={"kind": kind, "former_district": districts[district_name]}
            )
        else:
            commune = communes[district_name]
        published_area = Decimal(row["area_ha"]) if row["area_ha"] else None
        total = published_area or _sample(name + "area", 25, 75)
        industrial = round(total * Decimal("0.7"), 1)
        if is_new:
            stage = Cluster.Stage.PLANNED
        elif "enlarged" in plan_status:
            stage = Cluster.Stage.EXPANDED
        else:
            stage = Cluster.Stage.OPERATING
        centre_lat, centre_lon = DISTRICT_CENTRES[district_name]
        latitude = round(Decimal(str(centre_lat)) + _sample(name + "lat", -0.04, 0.04, 6), 6)
        longitude = round(Decimal(str(centre_lon)) + _sample(name + "lon", -0.04, 0.04, 6), 6)
        year = 2010 + int(_sample(name + "year", 0, 10, 0))
        notes = []
        if row["facts"]:
            notes.append(row["facts"])
        if row["occupancy_pct"]:
            notes.append(f"Tỷ lệ lấp đầy báo chí công bố: {row['occupancy_pct'].replace('.', ',')} %.")
        notes.append(
            "Số liệu mẫu: diện tích, ngày thành lập, xã/phường hiện nay, tọa độ và hạ tầng là giá trị minh họa, không phải số liệu chính thức."
        )
        cluster = Cluster(
            code=code,
            name=name,
            commune=commune,
            former_district=districts[district_name],
            kind=Cluster.Kind.GENERAL,
            stage=stage,
            total_area_ha=total,
            industrial_land_ha=industrial,
            establishment_decision_number="" if is_new else f"{100 + counters[prefix]}/QĐ-UBND (mẫu)",
            establishment_date=None if is_new else date(year, 1 + int(_sample(name + "m", 0, 11, 0)), 15),
            developer_name="Công ty CP Đầu tư Đa Hợp" if name == "Tiên Tiến" else ("" if is_new else "[MẪU] Chủ đầu tư hạ tầng"),
            infrastructure_investment_approved_vnd=459 * BILLION if name == "Xóm Rụt" else None,
            wastewater_plant_built=name == "Phú Thành II",
            wastewater_plant_compliant=name == "Phú Thành II",
            power_ready=not is_new,
            water_ready=not is_new,
            latitude=latitude,
            longitude=longitude,
            is_sample=True,
            source=row["source"],
            notes="\n".join(notes),
        )
        cluster.full_clean()
        cluster.save()
        return cluster, True

    def project_from_spec(self, spec, clusters, investors) -> int:
        (code, name, cluster_name, investor_index, industry, capital, land, status, approval, handover,
         start_deadline, completion_deadline, operation_deadline, actual_start, actual_completion, actual_operation) = spec
        if Project.objects.filter(code=code).exists():
            return 0
        investor = investors[investor_index]
        project = Project(
            code=code,
            name=f"[MẪU] {name}",
            cluster=clusters[cluster_name],
            investor=investor,
            industry=industry,
            registered_capital_vnd=int(Decimal(capital.replace(",", ".")) * BILLION),
            registered_capital_usd=(Decimal(capital.replace(",", ".")) * BILLION / 25000).quantize(Decimal("1"))
            if investor.is_foreign
            else None,
            land_area_ha=Decimal(land),
            policy_approval_number=f"{code[-2:]}/QĐ-UBND",
            policy_approval_date=approval,
            irc_number=f"IRC-{code}",
            irc_date=approval,
            sublease_contract_date=handover,
            land_handover_date=handover,
            construction_start_deadline=start_deadline,
            construction_completion_deadline=completion_deadline,
            operation_deadline=operation_deadline,
            actual_construction_start=actual_start,
            actual_completion=actual_completion,
            actual_operation_start=actual_operation,
            status=status,
            workers=int(_sample(code + "w", 40, 300, 0)) if status == "operating" else 0,
            is_sample=True,
        )
        natural = {"operating": actual_operation, "under_construction": actual_start, "land_handed_over": handover}
        project.status_since = STATUS_SINCE.get(code) or natural.get(status) or approval
        project.full_clean()
        project.save()
        ProjectStatusChange.objects.create(project=project, status=status, effective_on=project.status_since,
                                           note="Dữ liệu mẫu")
        count = 1
        for kind, values in DEMO_RECORDS.get(code, ()):
            record = RECORD_MODELS[kind](project=project, **values)
            record.full_clean()
            record.save()
            count += 1
        if actual_start:
            # Yearly reports of capital implemented to date, from the year construction started.
            registered = project.registered_capital_vnd
            for offset, year in enumerate(range(actual_start.year, 2026)):
                share = min(Decimal("0.25") * (offset + 1), Decimal(1))
                report = CapitalReport(
                    project=project,
                    year=year,
                    period=CapitalReport.Period.YEAR,
                    report_date=D(year, 12, 15),  # received before it was due on 20 December
                    implemented_capital_vnd=int(registered * share),
                    revenue_vnd=int(registered * Decimal("0.4")) if status == "operating" and year > actual_start.year else None,
                    workers=project.workers or None,
                )
                report.full_clean()
                report.save()
                count += 1
            project_refresh_implemented(project.pk)
        return count
