"""Warning letters to investors ahead of a threshold (the coming-due list): a Vietnamese administrative letter per
(project, rule) with the national header, a number left for the archive to fill in, the facts, the article, the
date the threshold will be crossed and what to do before it. Rendered as PDF (tracker.reports.pdf)."""
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.utils.translation import gettext as _

from projects.models import Rule
from projects.watchlist.coming_due import DueRow, what_stops_it
from projects.watchlist.evidence import short_name
from projects.watchlist.rules import GROUNDS, RECOVERY, describe
from tracker.legal import public_legal_basis
from tracker.reports.official import vietnamese_date

@dataclass
class Letter:
    row: DueRow
    rule: Rule
    subject: str
    recipient: str
    paragraphs: list


def _ground_words(code: str) -> str:
    ground = GROUNDS.get(code)
    if ground is None:
        return ""
    if ground.kind == RECOVERY:
        return _("This would be a legal ground for the State to recover the land without compensation (%(article)s).") % {"article": ground.article}
    return _("This would be a legal ground for terminating the project (%(article)s).") % {"article": ground.article}


def letters(rows: list[DueRow], today: date) -> list[Letter]:
    rules = {rule.code: rule for rule in Rule.objects.filter(code__in={row.rule_code for row in rows})}
    result = []
    for row in rows:
        project, rule = row.project, rules[row.rule_code]
        last_day = (row.crossing - timedelta(days=1)).strftime("%d/%m/%Y")
        paragraphs = [
            _("%(department)s is following the implementation of the project %(name)s (code %(code)s) in the industrial "
              "cluster %(cluster)s, %(commune)s, of which %(investor)s is the investor.") % {
                "department": settings.DEPARTMENT_NAME, "name": project.name, "code": project.code,
                "cluster": project.cluster.name, "commune": project.cluster.commune.name, "investor": project.investor.name},
            _("According to the department's records, if nothing changes, from %(date)s (in %(days)s days) the project "
              "will fall under: %(rule)s.") % {"date": row.crossing.strftime("%d/%m/%Y"), "days": row.days_left,
                                             "rule": short_name(row.rule_code)},
        ]
        facts = describe(row.rule_code, row.finding.evidence, row.crossing)
        if facts:
            paragraphs.append(_("On that day the records would show: %(facts)s") % {"facts": facts})
        paragraphs.append(_("Legal basis: %(basis)s.") % {"basis": public_legal_basis(rule.legal_basis).rstrip(".")})
        if row.finding.ground:
            paragraphs.append(_ground_words(row.rule_code))
        action = what_stops_it(row)
        if action:
            paragraphs.append(_("The department asks the investor to: %(action)s") % {"action": action})
        paragraphs.append(_("Please report in writing to the department what has been done by %(date)s.") % {"date": last_day})
        result.append(Letter(
            row=row, rule=rule,
            subject=_("Re: warning on the legal deadline of the project %(code)s") % {"code": project.code},
            recipient=_("To: %(investor)s") % {"investor": project.investor.name},
            paragraphs=paragraphs,
        ))
    return result


def letter_header(today: date) -> dict:
    province = settings.PROVINCE_NAME
    return {
        "sender": [_("PEOPLE'S COMMITTEE OF %(province)s PROVINCE") % {"province": province.upper()},
                   settings.DEPARTMENT_NAME.upper()],
        "reference": _("No.: ……/SCT-QLCN"),
        "place_date": _("%(place)s, %(date)s") % {"place": province, "date": vietnamese_date(today)},
        "signature_title": [_("DIRECTOR"), _("(Signature, full name and seal)")],
        "recipients": [_("As above;"), _("Kept: archives.")],
    }


def letters_docx(items: list[Letter], header: dict) -> bytes:
    """The same letters as a Word document (python-docx), one a page, for staff to edit before signing."""
    import io

    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(13)

    def line(cell_or_doc, text, *, bold=False, italic=False, centre=False):
        paragraph = cell_or_doc.add_paragraph()
        run = paragraph.add_run(text)
        run.bold, run.italic = bold, italic
        if centre:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        return paragraph

    for number, letter in enumerate(items):
        table = document.add_table(rows=1, cols=2)
        left, right = table.rows[0].cells
        left.paragraphs[0].add_run(header["sender"][0]).bold = True
        left.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        for text in header["sender"][1:]:
            line(left, text, bold=True, centre=True)
        line(left, header["reference"], centre=True)
        line(left, letter.subject, italic=True, centre=True)
        right.paragraphs[0].add_run(_("SOCIALIST REPUBLIC OF VIET NAM")).bold = True
        right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        line(right, _("Independence - Freedom - Happiness"), bold=True, centre=True)
        line(right, header["place_date"], italic=True, centre=True)
        line(document, letter.recipient, bold=True, centre=True)
        for text in letter.paragraphs:
            document.add_paragraph(text)
        signature = document.add_table(rows=1, cols=2)
        recipients, signer = signature.rows[0].cells
        recipients.paragraphs[0].add_run(_("Recipients:")).italic = True
        for text in header["recipients"]:
            line(recipients, f"- {text}")
        signer.paragraphs[0].add_run(header["signature_title"][0]).bold = True
        signer.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        line(signer, header["signature_title"][1], italic=True, centre=True)
        if number < len(items) - 1:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
