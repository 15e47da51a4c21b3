"""The projects app's models, one module per subsystem; the app label and the table names are those of the
single module they came from, so the migrations need no change.

- registry: investors, secondary projects, the year's targets
- records: what is recorded about a project (capital reports, adjustments, extensions, force majeure, documents,
  violation notices, transfer requests, unreachable investors)
- watchlist: rules, flags, review steps, scans, the weekly digest
- imports: the browser's import jobs
- publication: the approved versions of the public lists
"""
from projects.models.imports import ImportJob, import_upload_to
from projects.models.publication import Publication
from projects.models.records import (
    CapitalReport,
    Document,
    ForceMajeurePeriod,
    LandUseExtension,
    ProjectStatusChange,
    ScheduleAdjustment,
    TransferRequest,
    UnreachableRecord,
    ViolationNotice,
    document_upload_to,
)
from projects.models.registry import TAX_CODE_RE, AnnualTarget, Investor, Project, tax_code_validator
from projects.models.watchlist import SEVERITY_RANK, Deadline, DigestSent, Flag, ReviewStep, Rule, Scan, ScanFailure, Severity, WarningLetter, ComingDueDigestOptOut

__all__ = [
    "TAX_CODE_RE", "AnnualTarget", "CapitalReport", "ComingDueDigestOptOut", "Deadline", "DigestSent", "Document", "Flag", "ForceMajeurePeriod",
    "ImportJob", "Investor", "LandUseExtension", "Project", "ProjectStatusChange", "Publication", "ReviewStep", "Rule", "SEVERITY_RANK", "Scan", "ScanFailure",
    "ScheduleAdjustment", "Severity", "TransferRequest", "UnreachableRecord", "ViolationNotice", "WarningLetter",
    "document_upload_to", "import_upload_to", "tax_code_validator",
]
