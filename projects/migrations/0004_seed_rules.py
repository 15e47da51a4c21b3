"""Seed the watchlist rules with their default thresholds and legal basis (DESIGN.md §3); editable in the admin."""
from django.db import migrations

RULES = [
    {
        "code": "LAND_UNUSED_12M",
        "name": "Đất được bàn giao nhưng không đưa vào sử dụng 12 tháng liên tục",
        "description": "Land handed over on site but not put to use (construction not started) for 12 consecutive months.",
        "severity": "critical",
        "thresholds": {"months": 12, "warning_from_month": 9},
        "legal_basis": "Luật Đất đai 2024, khoản 8 Điều 81; Nghị định 102/2024/NĐ-CP, khoản 2 Điều 31.",
    },
    {
        "code": "LAND_DELAY_24M",
        "name": "Chậm tiến độ sử dụng đất 24 tháng",
        "description": "Construction not finished 24 months after the construction-completion deadline.",
        "severity": "critical",
        "thresholds": {"months": 24},
        "legal_basis": "Luật Đất đai 2024, khoản 8 Điều 81; Nghị định 102/2024/NĐ-CP, khoản 2 Điều 31.",
    },
    {
        "code": "EXTENSION_EXPIRED",
        "name": "Hết thời hạn gia hạn sử dụng đất mà vẫn chưa sử dụng",
        "description": "The land-use extension ran out and the land is still unused or late.",
        "severity": "critical",
        "thresholds": {},
        "legal_basis": "Luật Đất đai 2024, khoản 8 Điều 81: Nhà nước thu hồi đất mà không bồi thường.",
    },
    {
        "code": "EXTENSION_NOT_REQUESTED",
        "name": "Đã có thông báo vi phạm nhưng không xin gia hạn",
        "description": "A violation notice was sent and no extension was asked for within the time allowed.",
        "severity": "warning",
        "thresholds": {"days": 15},
        "legal_basis": "Nghị định 102/2024/NĐ-CP, Điều 31.",
    },
    {
        "code": "MILESTONE_OVERDUE",
        "name": "Chậm triển khai: quá mốc tiến độ cam kết",
        "description": "A committed deadline passed without the milestone; critical 24 months past the operation deadline.",
        "severity": "warning",
        "thresholds": {"escalate_months": 24},
        "legal_basis": "Nghị định 32/2024/NĐ-CP, khoản 5 Điều 18, khoản 1 Điều 23; Luật Đầu tư 2020, điểm a1 khoản 2 "
        "Điều 48 (sửa đổi bởi Luật 57/2024/QH15). Luật Đầu tư 143/2025/QH15 thay thế từ 01/3/2026: cần đối chiếu lại số điều.",
    },
    {
        "code": "ADJUSTMENT_CAP",
        "name": "Điều chỉnh tiến độ vượt giới hạn",
        "description": "Cumulative schedule adjustments over 12 months need an amended approval; over 24 months are not allowed.",
        "severity": "warning",
        "thresholds": {"amend_months": 12, "max_months": 24},
        "legal_basis": "Luật Đầu tư 2020, điểm d khoản 3 và khoản 4 Điều 41. Luật Đầu tư 143/2025/QH15 thay thế từ "
        "01/3/2026: cần đối chiếu lại số điều.",
    },
    {
        "code": "SUSPENDED_12M",
        "name": "Ngừng hoạt động và không liên lạc được với nhà đầu tư 12 tháng",
        "description": "The project is suspended and the investor cannot be reached for 12 months.",
        "severity": "critical",
        "thresholds": {"months": 12},
        "legal_basis": "Luật Đầu tư 2020, điểm c khoản 2 Điều 48.",
    },
    {
        "code": "LAND_HOLDING_SIGNS",
        "name": "Dấu hiệu giữ đất chờ chuyển nhượng",
        "description": "Land handed over and, after the construction-start deadline, implemented capital under 10 % of "
        "registered; or a transfer request before operation. Indicators only: there is no legal definition.",
        "severity": "warning",
        "thresholds": {"capital_share_pct": 10},
        "legal_basis": "Dấu hiệu tham chiếu khoản 8 Điều 81 Luật Đất đai 2024 và điểm d, đ khoản 2 Điều 48 Luật Đầu tư 2020.",
    },
    {
        "code": "REPORT_MISSING",
        "name": "Nhà đầu tư không báo cáo",
        "description": "Two reporting periods (half-years) in a row without a capital report.",
        "severity": "info",
        "thresholds": {"periods": 2, "grace_days": 30},
        "legal_basis": "Luật Đầu tư 2020, Điều 72; Thông tư 14/2024/TT-BCT, mẫu 01.",
    },
]


def seed(apps, schema_editor):
    Rule = apps.get_model("projects", "Rule")
    for rule in RULES:
        Rule.objects.update_or_create(code=rule["code"], defaults=rule)


def unseed(apps, schema_editor):
    apps.get_model("projects", "Rule").objects.filter(code__in=[r["code"] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("projects", "0003_watchlist")]

    operations = [migrations.RunPython(seed, unseed)]
