"""A rule's legal basis as the department's users read it."""
import re

# Two of the seeded rules (projects/migrations/0004_seed_rules.py) end their basis with a note to the developers:
# "…143/2025/QH15 thay thế từ 01/3/2026: cần đối chiếu lại số điều" (the article numbers are to be checked against the
# new Law on Investment). That the law is replaced is for the reader; the note is not. The data keeps it (the admin,
# where a rule's basis is edited, shows it) until someone has checked the numbers; every page and file a user reads
# goes through public_legal_basis.
_DEVELOPER_NOTE = re.compile(r"\s*:\s*cần đối chiếu lại số điều(?=\s*(?:[.;]|$))", re.IGNORECASE)


def public_legal_basis(text: str | None) -> str:
    return _DEVELOPER_NOTE.sub("", text or "")
