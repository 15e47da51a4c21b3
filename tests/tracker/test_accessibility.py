"""What screen-reader users need from the markup (the axe checks of every page are in tests/test_browser_accessibility.py):
the sorted column says so on its header cell, an error is linked to its field without losing the field's help text,
and no select changes the page by itself (WCAG 3.2.2): every form with a select has a button."""
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse


class Elements(HTMLParser):
    """Every element of a page as (tag, attributes, the tags of its open ancestors), in document order."""

    VOID = {"input", "meta", "link", "br", "img", "hr", "source", "col", "area", "base", "wbr"}

    def __init__(self, html):
        super().__init__()
        self.found, self.stack = [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs), [t for t, _a in self.stack]))
        if tag not in self.VOID:
            self.stack.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def by_id(self, element_id):
        matches = [attrs for _tag, attrs, _up in self.found if attrs.get("id") == element_id]
        assert len(matches) == 1, (element_id, len(matches))
        return matches[0]

    def with_attr(self, name):
        return [(tag, attrs) for tag, attrs, _up in self.found if name in attrs]


# ---- aria-sort on the header cell ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, sorted_field, direction",
    [("", None, None), ("?o=capital", "capital", "ascending"), ("?o=-capital", "capital", "descending"),
     ("?o=code", "code", "ascending"), ("?o=nonsense", None, None)],
)
def test_only_the_sorted_columns_header_cell_carries_aria_sort(staff_client, project, query, sorted_field, direction):
    page = Elements(staff_client.get(reverse("projects:list") + query).content.decode())
    marked = page.with_attr("aria-sort")
    assert all(tag == "th" for tag, _attrs in marked), marked  # never the link inside the cell
    if sorted_field is None:
        assert marked == []
        return
    assert [attrs["aria-sort"] for _tag, attrs in marked] == [direction]
    # The link in that cell toggles the same column.
    cell_index = next(i for i, (tag, attrs, _up) in enumerate(page.found) if tag == "th" and "aria-sort" in attrs)
    tag, link, ancestors = page.found[cell_index + 1]
    assert tag == "a" and "th" in ancestors
    toggled = sorted_field if direction == "descending" else "-" + sorted_field
    assert f"o={toggled}" in link["href"]


def test_a_sorted_number_column_keeps_its_alignment_class(staff_client, project):
    page = Elements(staff_client.get(reverse("projects:list") + "?o=-land").content.decode())
    [(_tag, attrs)] = page.with_attr("aria-sort")
    assert attrs["class"] == "num" and attrs["scope"] == "col"


# ---- errors linked to their field, help text kept --------------------------------------------------------------


def test_a_wrong_field_lists_its_help_text_and_its_error_and_says_it_is_invalid(staff_client):
    response = staff_client.post(reverse("investors:create"), {"name": "", "tax_code": "12ab", "country": "Việt Nam"})
    assert response.status_code == 200
    page = Elements(response.content.decode())

    tax_code = page.by_id("id_tax_code")
    assert tax_code["aria-invalid"] == "true"
    assert tax_code["aria-describedby"].split() == ["id_tax_code_helptext", "id_tax_code_error"]
    page.by_id("id_tax_code_helptext")  # each referenced id exists once
    page.by_id("id_tax_code_error")
    html = response.content.decode()
    assert "0101234567-001" in html.split('id="id_tax_code_helptext"')[1].split("</div>")[0]

    # A wrong field without help text points at its error only; a right one is neither invalid nor described.
    name = page.by_id("id_name")
    assert name["aria-invalid"] == "true" and name["aria-describedby"] == "id_name_error"
    page.by_id("id_name_error")
    country = page.by_id("id_country")
    assert "aria-invalid" not in country and "aria-describedby" not in country

    # Every aria-describedby on the page points at elements that exist.
    for _tag, attrs in page.with_attr("aria-describedby"):
        for target in attrs["aria-describedby"].split():
            page.by_id(target)


def test_before_any_error_the_field_points_at_its_help_text_only(staff_client):
    page = Elements(staff_client.get(reverse("investors:create")).content.decode())
    tax_code = page.by_id("id_tax_code")
    assert tax_code["aria-describedby"] == "id_tax_code_helptext" and "aria-invalid" not in tax_code
    page.by_id("id_tax_code_helptext")


def test_a_wrong_filter_is_linked_to_its_error(staff_client, project):
    page = Elements(staff_client.get(reverse("projects:list") + "?capital_min=abc").content.decode())
    field = page.by_id("id_capital_min")
    assert field["aria-invalid"] == "true" and field["aria-describedby"] == "id_capital_min_error"
    page.by_id("id_capital_min_error")


# ---- no select that submits on change --------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/?year=2024", "/projects/", "/clusters/", "/watchlist/", "/reports/"])
def test_every_form_with_a_select_has_a_visible_submit_button(staff_client, project, path):
    page = Elements(staff_client.get(path).content.decode())
    forms = {}
    for index, (tag, attrs, ancestors) in enumerate(page.found):
        if tag == "form":
            assert "data-autosubmit" not in attrs
            forms[index] = {"select": False, "button": False}
        if tag == "form" or "form" not in ancestors:
            continue
        owner = max(forms)  # forms do not nest: the last one opened holds this element
        if tag == "select":
            forms[owner]["select"] = True
        if tag == "button" and attrs.get("type", "submit") == "submit" and "noscript" not in ancestors:
            forms[owner]["button"] = True
    with_select = [index for index, form in forms.items() if form["select"]]
    assert with_select, path  # the language switch at least
    assert all(forms[index]["button"] for index in with_select), [page.found[i][1] for i in with_select if not forms[i]["button"]]


def test_no_script_submits_a_form_when_a_select_changes():
    for script in (Path(settings.BASE_DIR) / "static" / "js").glob("*.js"):
        text = script.read_text()
        assert ".submit()" not in text and "requestSubmit" not in text, script.name


def test_axe_is_vendored_for_the_tests_but_never_loaded_by_a_page(staff_client):
    axe = Path(settings.BASE_DIR) / "static" / "vendor" / "axe-core" / "axe.min.js"
    assert axe.read_text().startswith("/*! axe v4.14.1") and "sourceMappingURL" not in axe.read_text()
    html = staff_client.get("/projects/").content.decode()
    assert "axe-core" not in html and "axe.min.js" not in html


def test_a_forbidden_page_is_the_sites_own_page_in_vietnamese(client, make_user):
    client.force_login(make_user("xem", "viewer"))
    response = client.get(reverse("projects:create"))
    assert response.status_code == 403
    html = response.content.decode()
    # Django's bare fallback was "<h1>403 Forbidden</h1>" in English, without the menu.
    assert '<html lang="vi">' in html and "Không được phép" in html and 'id="main"' in html and "Forbidden" not in html


def test_no_template_wraps_the_sort_header_in_a_header_cell_of_its_own():
    """sort_header renders the whole <th> (with aria-sort): a <th> around it nests two header cells, and the browser
    shifts every header one column from its data (the coming-due list's did)."""
    import re
    from pathlib import Path

    from django.conf import settings

    nested = []
    for path in (Path(settings.BASE_DIR) / "templates").rglob("*.html"):
        for match in re.finditer(r"<th\b[^>]*>(?:(?!</th>).)*?{% sort_header", path.read_text(encoding="utf-8"), re.S):
            nested.append(f"{path.name}: {match.group(0)[:80]}")
    assert not nested, nested
