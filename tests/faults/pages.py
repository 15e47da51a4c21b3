"""Read a page's forms as a browser would submit them: each form's fields (name, kind, options) and the values it
would post untouched. Used by the date-edge and fuzz tests to post what the pages really offer."""
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Field:
    name: str
    kind: str  # an <input> type, "select", "select-multiple" or "textarea"
    value: str = ""
    checked: bool = False
    options: list = field(default_factory=list)  # a select's option values
    selected: list = field(default_factory=list)


@dataclass
class Form:
    method: str
    action: str
    enctype: str
    fields: list = field(default_factory=list)

    def values(self) -> dict:
        """What the browser would post if the user changed nothing (a dict of lists)."""
        data = {}
        for f in self.fields:
            if f.kind in ("submit", "button", "reset", "image"):
                continue
            if f.kind in ("checkbox", "radio"):
                if f.checked:
                    data.setdefault(f.name, []).append(f.value or "on")
            elif f.kind in ("select", "select-multiple"):
                chosen = f.selected or (f.options[:1] if f.kind == "select" else [])
                if chosen:
                    data.setdefault(f.name, []).extend(chosen)
            elif f.kind != "file":
                data.setdefault(f.name, []).append(f.value)
        return data

    def names(self) -> list[str]:
        return list(dict.fromkeys(f.name for f in self.fields if f.kind not in ("submit", "button", "reset", "image")))

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self.form, self.select, self.option, self.textarea = [], None, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = {key: value if value is not None else "" for key, value in attrs}
        if tag == "form":
            self.form = Form(attrs.get("method", "get").lower(), attrs.get("action", ""),
                             attrs.get("enctype", "application/x-www-form-urlencoded"))
            self.forms.append(self.form)
        elif self.form is None or "name" not in attrs and tag != "option":
            return
        elif tag == "input":
            self.form.fields.append(Field(attrs["name"], attrs.get("type", "text").lower(), attrs.get("value", ""),
                                          "checked" in attrs))
        elif tag == "select":
            self.select = Field(attrs["name"], "select-multiple" if "multiple" in attrs else "select")
            self.form.fields.append(self.select)
        elif tag == "option" and self.select is not None:
            self.option = attrs.get("value")
            if self.option is not None:
                self.select.options.append(self.option)
                if "selected" in attrs:
                    self.select.selected.append(self.option)
        elif tag == "textarea":
            self.textarea = Field(attrs["name"], "textarea")
            self.form.fields.append(self.textarea)

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
            # A textarea's first newline is not part of its value.
            last = self.forms[-1].fields[-1] if self.forms and self.forms[-1].fields else None
            if last is not None and last.kind == "textarea" and last.value.startswith("\n"):
                last.value = last.value[1:]


def page_forms(html: str) -> list[Form]:
    parser = _Parser()
    parser.feed(html)
    return parser.forms


def main_form(html: str, method: str = "post") -> Form:
    """The page's form of that method that is not the top bar's (language switch, log out, search)."""
    candidates = [f for f in page_forms(html) if f.method == method and not any(
        n in ("language", "next") for n in f.names()) and f.names() != ["csrfmiddlewaretoken"]]
    assert candidates, "no form on the page"
    return max(candidates, key=lambda f: len(f.fields))
