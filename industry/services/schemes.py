"""Writes for khuyến công schemes and the year's plan."""
from django.db import transaction

from industry.models import Scheme, SchemePlan
from tracker.services import model_save


@transaction.atomic
def scheme_create(*, user=None, change_reason: str = "", **fields) -> Scheme:
    return model_save(Scheme(), fields=fields, user=user, change_reason=change_reason)


@transaction.atomic
def scheme_update(*, scheme: Scheme, user=None, change_reason: str = "", expected_version: int | None = None,
                  **fields) -> Scheme:
    return model_save(scheme, fields=fields, user=user, change_reason=change_reason, expected_version=expected_version)


@transaction.atomic
def scheme_plan_save(*, plan: SchemePlan | None = None, user=None, change_reason: str = "",
                     expected_version: int | None = None, **fields) -> SchemePlan:
    """Create or change a year's plan (leadership); every change is in the plan's history."""
    return model_save(plan or SchemePlan(), fields=fields, user=user, change_reason=change_reason,
                      expected_version=expected_version)


# The demo's khuyến công plan and schemes (tracker's load_demo), every one marked sample data (is_sample, "[MẪU]" in
# the name and the decision): the year's plan and a scheme of each kind, approved, in progress, completed and
# cancelled, for an investor of the demo or another business by name. Amounts are sample values in VND.
DEMO_SCHEME_YEAR = 2026
DEMO_SCHEME_PLAN = {"decision_number": "[MẪU] 125/QĐ-UBND", "schemes_planned": 8,
                    "province_budget_vnd": 4_500_000_000, "counterpart_vnd": 6_000_000_000}
DEMO_SCHEMES = [
    # name, kind, investor tax code or business name, commune, province budget, counterpart, approved on, status,
    # completed on, result
    ("[MẪU] Hỗ trợ máy móc chế biến nông sản", "equipment", "0100000001", "Lương Sơn", 500_000_000, 1_200_000_000,
     (2026, 3, 20), "completed", (2026, 9, 30), "Đã lắp đặt dây chuyền sấy; công suất tăng khoảng 30 %."),
    ("[MẪU] Đào tạo nghề may công nghiệp cho 60 lao động", "training", "0100000003", "Lạc Thủy", 350_000_000, 0,
     (2026, 3, 20), "in_progress", None, ""),
    ("[MẪU] Mô hình trình diễn sản xuất gạch không nung", "demonstration", "0100000002", "Lương Sơn", 800_000_000,
     1_500_000_000, (2026, 4, 15), "approved", None, ""),
    ("[MẪU] Tham gia hội chợ hàng thủ công mỹ nghệ", "trade_promotion", "Hợp tác xã Mây tre đan Mai Châu",
     "Mai Châu", 150_000_000, 50_000_000, (2026, 5, 5), "completed", (2026, 8, 25),
     "Giới thiệu sản phẩm tại hội chợ; ký 3 hợp đồng tiêu thụ."),
    ("[MẪU] Tư vấn áp dụng quản lý năng lượng", "consultancy", "Cơ sở chế biến chè Tân Lạc", "Tân Lạc",
     120_000_000, 30_000_000, (2026, 5, 5), "cancelled", None, "Cơ sở xin dừng thực hiện."),
]


def scheme_demo_load(user=None) -> int:
    """Create the demo's plan and schemes that are missing (the plan by its year, a scheme by its name); returns how
    many were created."""
    from datetime import date

    from clusters.models import Commune
    from projects.models import Investor

    created = 0
    if not SchemePlan.objects.filter(year=DEMO_SCHEME_YEAR).exists():
        scheme_plan_save(user=user, change_reason="Dữ liệu mẫu", year=DEMO_SCHEME_YEAR, is_sample=True,
                         notes="Số liệu mẫu, không phải kế hoạch chính thức.", **DEMO_SCHEME_PLAN)
        created += 1
    for (name, kind, beneficiary, commune, budget, counterpart, approved, status, completed,
         result) in DEMO_SCHEMES:
        if Scheme.objects.filter(name=name, is_sample=True).exists():
            continue
        investor = Investor.objects.filter(tax_code=beneficiary).first()
        scheme_create(
            user=user, change_reason="Dữ liệu mẫu", year=DEMO_SCHEME_YEAR, name=name, kind=kind,
            decision_number="[MẪU] 125/QĐ-UBND", investor=investor,
            business_name="" if investor else f"[MẪU] {beneficiary}", commune=Commune.objects.get(name=commune),
            province_budget_vnd=budget, counterpart_vnd=counterpart, approved_on=date(*approved), status=status,
            completed_on=date(*completed) if completed else None, result=result, is_sample=True,
        )
        created += 1
    return created
