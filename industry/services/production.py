"""Writes of the production index, electricity and the year's industry targets: every one through model_save, so it
is validated whole and its history records who changed it and why. An estimate becomes official by saving the same
row with the status "official": the history keeps the estimate."""
from django.db import transaction

from industry.models import ElectricityMonth, ProductionIndex, ProductionTarget
from tracker.services import model_save


@transaction.atomic
def production_index_save(*, index: ProductionIndex, user=None, change_reason: str = "",
                          expected_version: int | None = None, **fields) -> ProductionIndex:
    return model_save(index, fields=fields, user=user, change_reason=change_reason, expected_version=expected_version)


@transaction.atomic
def electricity_save(*, record: ElectricityMonth, user=None, change_reason: str = "",
                     expected_version: int | None = None, **fields) -> ElectricityMonth:
    return model_save(record, fields=fields, user=user, change_reason=change_reason, expected_version=expected_version)


@transaction.atomic
def production_target_save(*, target: ProductionTarget, user=None, change_reason: str = "",
                           expected_version: int | None = None, **fields) -> ProductionTarget:
    return model_save(target, fields=fields, user=user, change_reason=change_reason, expected_version=expected_version)


# The demo's figures (tracker's load_demo): the February 2024 figures of the press article the tracker was designed
# from, every one marked as sample data. The article gives no year-to-date index; January 2024 and February 2023
# electricity (428 and 547 million kWh) are what its "+13 million (+3,04 %)" and "−106 million (−19,43 %)" imply, so
# the page can compute those changes; the article's percentages are kept as the published figures beside them.
DEMO_SOURCE = "[MẪU] Bài báo về tình hình sản xuất công nghiệp tháng 02/2024"
DEMO_INDEX_FEBRUARY_2024 = {
    # sector: (on January 2024, on February 2023), change in per cent
    "total": ("-10.58", "-15.74"),
    "B": ("-38.33", "-13.63"),
    "C": ("-18.8", "-13.11"),
    "D": ("2.73", "-18.66"),
    "E": ("-7.98", "-13.13"),
}
DEMO_ELECTRICITY = [
    # year, month, produced (million kWh), published change on the previous month, on the same month last year, status
    (2023, 2, "547", None, None, "official"),
    (2024, 1, "428", None, None, "official"),
    (2024, 2, "441", "3.04", "-19.43", "estimate"),
]
DEMO_TARGET_2024 = {"iip_growth_pct": "12", "electricity_produced_mkwh": "8700", "electricity_commercial_mkwh": "1380"}


def production_demo_load() -> int:
    """Create the demo's production figures that are missing; returns how many were created."""
    from decimal import Decimal

    created = 0
    reason = "Dữ liệu mẫu"
    for sector, (previous, same) in DEMO_INDEX_FEBRUARY_2024.items():
        if not ProductionIndex.objects.filter(year=2024, month=2, sector=sector).exists():
            production_index_save(
                index=ProductionIndex(), change_reason=reason, year=2024, month=2, sector=sector,
                vs_previous_month_pct=Decimal(previous), vs_same_month_pct=Decimal(same), year_to_date_pct=None,
                status="estimate", is_sample=True, source=DEMO_SOURCE,
            )
            created += 1
    for year, month, produced, previous, same, status in DEMO_ELECTRICITY:
        if not ElectricityMonth.objects.filter(year=year, month=month).exists():
            electricity_save(
                record=ElectricityMonth(), change_reason=reason, year=year, month=month,
                produced_mkwh=Decimal(produced), commercial_mkwh=None,
                published_vs_previous_month_pct=Decimal(previous) if previous else None,
                published_vs_same_month_pct=Decimal(same) if same else None,
                status=status, is_sample=True, source=DEMO_SOURCE,
            )
            created += 1
    if not ProductionTarget.objects.filter(year=2024).exists():
        production_target_save(
            target=ProductionTarget(), change_reason=reason, year=2024, is_sample=True,
            notes="[MẪU] Mục tiêu năm 2024 theo bài báo: chỉ số sản xuất công nghiệp tăng bình quân 12 %; "
                  "điện sản xuất 8.700 triệu kWh; điện thương phẩm 1.380 triệu kWh.",
            **{key: Decimal(value) for key, value in DEMO_TARGET_2024.items()},
        )
        created += 1
    return created
