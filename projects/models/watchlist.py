"""The watchlist: its rules (thresholds and legal basis as data), the flags a scan opens, the review steps
leadership records on them, the scans themselves and the weekly digest."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from projects.models.records import LandUseExtension
from projects.models.registry import Project


class Severity(models.TextChoices):
    INFO = "info", _("Information")
    WARNING = "warning", _("Warning")
    CRITICAL = "critical", _("Critical")


SEVERITY_RANK = {Severity.CRITICAL: 3, Severity.WARNING: 2, Severity.INFO: 1}


def severity_order():
    """The watchlist's sort key in SQL: 3 critical, 2 warning, 1 information (SEVERITY_RANK). The index
    `flag_open_by_severity` is built on this very expression, so the watchlist's default order (most severe, then
    the longest open) reads the open flags in index order instead of sorting them all."""
    return models.Case(
        models.When(severity=Severity.CRITICAL, then=models.Value(3)),
        models.When(severity=Severity.WARNING, then=models.Value(2)),
        default=models.Value(1),
        output_field=models.IntegerField(),
    )


class Rule(models.Model):
    """A watchlist rule: its thresholds and the text of its legal basis are data, so a change of law needs no deploy."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("what it detects"))
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.WARNING)
    thresholds = models.JSONField(_("thresholds"), default=dict, blank=True)
    legal_basis = models.TextField(_("legal basis"))
    enabled = models.BooleanField(_("enabled"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("watchlist rule")
        verbose_name_plural = _("watchlist rules")

    def __str__(self) -> str:
        return self.code

    # What each threshold must be: a whole number of months or days, a share, or a day of the year (mm-dd).
    NUMBER_THRESHOLDS = {"months", "warning_from_month", "days", "escalate_months", "amend_months", "max_months",
                         "periods", "capital_share_pct"}
    DAY_THRESHOLDS = {"h1_due", "h2_due"}

    def clean(self):
        from datetime import date

        thresholds = self.thresholds
        if not isinstance(thresholds, dict):
            raise ValidationError({"thresholds": _("The thresholds are a list of names and values, like {\"months\": 12}.")})
        for name, value in thresholds.items():
            if name in self.NUMBER_THRESHOLDS:
                if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= 1200:
                    raise ValidationError({"thresholds": _("“%(name)s” must be a whole number above 0.") % {"name": name}})
            elif name in self.DAY_THRESHOLDS:
                try:
                    month, day = (int(part) for part in str(value).split("-"))
                    date(2023, month, day)  # a day every year has (no 29 February)
                except (TypeError, ValueError):
                    raise ValidationError({"thresholds": _(
                        "“%(name)s” must be a day of the year written mm-dd, like 06-20."
                    ) % {"name": name}}) from None
            else:
                raise ValidationError({"thresholds": _("“%(name)s” is not a threshold of any rule.") % {"name": name}})


def fill_project_codes(flags) -> None:
    """Copy their project's code onto the flags that have none yet (one query for those whose project is not loaded)."""
    missing = [flag for flag in flags if not flag.project_code]
    unloaded = {flag.project_id for flag in missing if not Flag.project.is_cached(flag)}
    codes = dict(Project.objects.filter(pk__in=unloaded).values_list("pk", "code")) if unloaded else {}
    for flag in missing:
        flag.project_code = flag.project.code if Flag.project.is_cached(flag) else codes.get(flag.project_id, "")


class FlagQuerySet(models.QuerySet):
    """Fills `Flag.project_code` on bulk_create, which bypasses `save()` (the scan's COPY fills it itself)."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        fill_project_codes(objs)
        return super().bulk_create(objs, *args, **kwargs)


class Flag(models.Model):
    """One project × one rule: opened by a scan when the rule's condition holds, closed when it stops holding."""

    commune_path = "project__cluster__commune"

    class State(models.TextChoices):
        NEW = "new", _("New")
        ASSIGNED = "assigned", _("Assigned for verification")
        EXPLANATION_REQUESTED = "explanation_requested", _("Explanation requested")
        INSPECTED = "inspected", _("Inspected")
        EXTENDED = "extended", _("Land-use extension granted")
        REVOCATION_PROPOSED = "revocation_proposed", _("Revocation proposed")
        RECOVERY_FILED = "recovery_filed", _("Recovery file prepared")
        RECOVERY_NOTIFIED = "recovery_notified", _("Recovery notice sent")
        ASSETS_HANDLED = "assets_handled", _("Assets on the land handled")
        DECIDED = "decided", _("Termination / recovery decided")
        DISMISSED = "dismissed", _("Dismissed")

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="flags")
    rule = models.ForeignKey(Rule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="flags")
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    since = models.DateField(_("condition holds since"))
    evidence = models.JSONField(_("evidence"), default=dict)
    first_seen = models.DateTimeField(_("first seen"))
    last_confirmed = models.DateTimeField(_("last confirmed"))
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)
    state = models.CharField(_("review state"), max_length=30, choices=State.choices, default=State.NEW)
    # Set by the scan from the rule's finding: a legal ground for revocation (watchlist.rules.GROUNDS) or none.
    ground = models.CharField(
        _("ground for revocation"), max_length=12, blank=True,
        choices=[("recovery", _("Land recovery")), ("termination", _("Termination of the project"))],
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned to"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="assigned_flags",
    )
    notified_at = models.DateTimeField(_("leadership notified at"), null=True, blank=True)
    # A copy of the project's code, the last key of the watchlist's order, so that the list's page is read from the
    # index flag_open_by_severity alone, without sorting by a column of the projects (thousands of open flags can
    # share a severity and a date: every project that missed one reporting deadline). Written with the flag (`save`,
    # `bulk_create`, the scan) and kept by every write that changes a project's code
    # (`projects.services.project_keys_refresh`). Derived data: not in the flag's history.
    project_code = models.CharField(_("project code"), max_length=30, editable=False)
    history = HistoricalRecords(excluded_fields=["project_code"])

    objects = FlagQuerySet.as_manager()

    class Meta:
        ordering = ["-since"]
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        constraints = [
            # Two scans at once can never open the same flag twice.
            models.UniqueConstraint(
                fields=["project", "rule"], condition=Q(cleared_at__isnull=True), name="flag_one_open_per_project_rule"
            ),
        ]
        indexes = [
            models.Index(fields=["cleared_at", "severity"]),
            # The watchlist's default order over the open flags (projects.watchlist.filters.FlagFilter), to the end:
            # a page of it is the index's first entries.
            models.Index(severity_order().desc(), models.F("since"), models.F("project_code"), models.F("id"),
                         condition=Q(cleared_at__isnull=True), name="flag_open_by_severity"),
            # The counts of open flags by rule and severity (the watchlist's, the dashboard's, which leaves out the
            # dismissed): read from this index alone, without the table (half the time of reading every open flag),
            # for the users who see the whole province; a commune officer's counts join the projects anyway.
            models.Index(fields=["rule", "severity", "state"], condition=Q(cleared_at__isnull=True),
                         name="flag_open_counts"),
        ]

    def __str__(self) -> str:
        return f"{self.rule.code} · {self.project.code}"

    def save(self, *args, **kwargs):
        """A flag saved whole takes its copy of the code from its project when it has none (a save of some fields
        writes only those)."""
        if not self.project_code and not args and kwargs.get("update_fields") is None:
            fill_project_codes([self])
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("watchlist:flag", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.cleared_at is None


class ReviewStep(models.Model):
    """One step of leadership's review of a flag: who decided what, when and why."""

    commune_path = "flag__project__cluster__commune"

    class Action(models.TextChoices):
        ASSIGN = "assign", _("Assign for verification")
        REQUEST_EXPLANATION = "request_explanation", _("Request an explanation")
        RECORD_INSPECTION = "record_inspection", _("Record an inspection")
        GRANT_EXTENSION = "grant_extension", _("Grant a land-use extension")
        PROPOSE_REVOCATION = "propose_revocation", _("Propose revocation to the provincial People's Committee")
        RECOVERY_FILE = "recovery_file", _("Record the land agency's recovery file")
        RECOVERY_NOTICE = "recovery_notice", _("Record the notice of land recovery")
        RECOVERY_ASSETS = "recovery_assets", _("Record the handling of the assets on the land")
        RECORD_DECISION = "record_decision", _("Record the termination or land-recovery decision")
        DISMISS = "dismiss", _("Dismiss")

    flag = models.ForeignKey(Flag, verbose_name=_("flag"), on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    from_state = models.CharField(_("from"), max_length=30, choices=Flag.State.choices)
    to_state = models.CharField(_("to"), max_length=30, choices=Flag.State.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)
    letter_number = models.CharField(_("letter / decision no."), max_length=50, blank=True)
    letter_date = models.DateField(_("letter / decision date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned to"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    extension = models.ForeignKey(
        LandUseExtension, verbose_name=_("land-use extension"), on_delete=models.SET_NULL, null=True, blank=True
    )
    document = models.FileField(_("document"), upload_to="reviews/%Y/", blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("review step")
        verbose_name_plural = _("review steps")
        permissions = [
            ("work_flag", _("Can request explanations and record inspections on flags")),
            ("decide_flag", _("Can take leadership decisions on flags")),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.flag})"


class Scan(models.Model):
    """One run of the watchlist rules: when, as of which date, what it opened, kept and closed, or its error."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    as_of = models.DateField(_("as of"))
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.SET_NULL, null=True, blank=True,
        help_text=_("Empty for a scan of every project."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    opened = models.PositiveIntegerField(_("opened"), default=0)
    kept = models.PositiveIntegerField(_("kept"), default=0)
    closed = models.PositiveIntegerField(_("closed"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("scan")
        verbose_name_plural = _("scans")

    def __str__(self) -> str:
        return f"{self.as_of} {self.status}"


class ScanFailure(models.Model):
    """The last scan could not evaluate this project (its data made a rule fail): when, which scan, and the technical
    text. The project's flags stay as they were; the next scan that evaluates the project deletes this row."""

    commune_path = "project__cluster__commune"

    project = models.OneToOneField(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="scan_failure"
    )
    scan = models.ForeignKey(Scan, verbose_name=_("scan"), on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+")
    failed_at = models.DateTimeField(_("failed at"))
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("scan failure")
        verbose_name_plural = _("scan failures")

    def __str__(self) -> str:
        return f"{self.project_id} {self.failed_at:%Y-%m-%d %H:%M}"

    @property
    def date_overflow(self) -> bool:
        """The usual cause: a date so far away (a typo, 31/12/9999) that a deadline computed from it overflows."""
        return self.error.startswith("OverflowError") or "out of range" in self.error


class DigestSent(models.Model):
    """The weekly digest for one ISO week, claimed by one worker so it goes out once."""

    week = models.CharField(_("ISO week"), max_length=10, unique=True)
    sent_at = models.DateTimeField(_("sent at"))
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("weekly digest")
        verbose_name_plural = _("weekly digests")


class WarningLetter(models.Model):
    """A warning letter sent to the investor ahead of a threshold (the coming-due list): which project, which rule,
    the date it will be crossed, when it was sent and by whom. Recorded when staff say it was sent, not when the letter
    is downloaded."""

    commune_path = "project__cluster__commune"

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="warning_letters")
    rule = models.ForeignKey(Rule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="+")
    crossing_on = models.DateField(_("threshold crossed on"))
    sent_on = models.DateField(_("sent on"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-sent_on", "-pk"]
        verbose_name = _("warning letter")
        verbose_name_plural = _("warning letters")
        indexes = [models.Index(fields=["project", "rule", "crossing_on"])]

    def __str__(self) -> str:
        return f"{self.rule.code} · {self.crossing_on:%d/%m/%Y}"


class Deadline(models.Model):
    """The first date after its last scan on which a rule will hold for a project if nothing happens (what the
    coming-due list reads): stored by the scan per (project, rule), followed through the rule's next dates with no
    90-day horizon, so that a crossing further away is already here when it comes within the list's window. The
    finding the rule will then give (severity, evidence, whether it is a ground) is kept for the list's words.
    Derived data: the scan rewrites it, no history."""

    commune_path = "commune"

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="deadlines")
    rule = models.ForeignKey(Rule, verbose_name=_("rule"), on_delete=models.CASCADE, related_name="+")
    # Copies of the project's code and of its cluster's commune, what the list sorts and filters by (and the access
    # scope of a commune officer), so that no page of it reads the projects table to choose its rows. Kept by the
    # scan (new rows) and by every write that changes them: `projects.services.project_keys_refresh` after a
    # project's code or cluster changes, `clusters.services.cluster_update` after a cluster's commune does.
    project_code = models.CharField(_("project code"), max_length=30, editable=False)
    commune = models.ForeignKey("clusters.Commune", verbose_name=_("commune or ward"), on_delete=models.CASCADE,
                                related_name="+", editable=False)
    crossing = models.DateField(_("threshold crossed on"))
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    evidence = models.JSONField(_("evidence"), default=dict)
    ground = models.BooleanField(_("ground for revocation"), default=False)
    # A fingerprint of the four above: the scan compares it instead of reading back every row's evidence.
    digest = models.CharField(_("fingerprint"), max_length=32, editable=False)

    class Meta:
        verbose_name = _("coming deadline")
        verbose_name_plural = _("coming deadlines")
        constraints = [models.UniqueConstraint(fields=["project", "rule"], name="deadline_one_per_project_rule")]
        # The list reads a window of dates, by rule, without the pairs that have an open flag: an index-only scan.
        # The sorts by project code and a commune's rows (an officer's, the commune filter) have their own.
        indexes = [
            models.Index(fields=["crossing", "rule", "project"], name="deadline_crossing"),
            models.Index(fields=["project_code", "crossing"], name="deadline_project_code"),
            models.Index(fields=["commune", "crossing"], name="deadline_commune"),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} · {self.crossing:%d/%m/%Y}"

    def save(self, *args, **kwargs):
        """A row saved one by one takes its copies from its project when it has none (the scan, which writes in bulk,
        sets them itself)."""
        if not self.project_code or self.commune_id is None:
            self.project_code, self.commune_id = Project.objects.filter(pk=self.project_id).values_list(
                "code", "cluster__commune_id").get()
        super().save(*args, **kwargs)


class ComingDueDigestOptOut(models.Model):
    """A user who asked not to receive the weekly coming-due digest by e-mail."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                                related_name="coming_due_digest_opt_out")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("coming-due digest opt-out")
        verbose_name_plural = _("coming-due digest opt-outs")
