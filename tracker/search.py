"""Accent- and case-insensitive search, the same on SQLite and PostgreSQL.

A searchable model keeps a stored column `search_text`: the words people look it up by (name, code, tax code,
certificate number…), lower-cased, without Vietnamese accents (đ/Đ → d) and one per line. It is written by Python,
here, on every write path: `save()`, and the queryset's `bulk_create`, `bulk_update` and `update`. A search term
goes through the same `normalise`, and every word of it must be contained in the column (`search_text LIKE
'%word%'`), so both databases answer the same; on PostgreSQL a GIN trigram index makes the LIKE an index scan
(clusters/migrations/0006_search_text.py and projects/migrations/0013_search_text.py). docs/architecture.md,
"Search", says why a stored column.

This module imports no app: the models import it.
"""
import unicodedata

from django.db import models

from tracker.bulk import can_update_by_unnest, update_by_unnest

# Letters NFKD does not take apart: the Vietnamese đ, and a few Latin letters that appear in foreign investors' names.
_FOLD = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l",
                       "ß": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ı": "i"})
MAX_WORDS = 10
SEPARATOR = "\n"  # never inside a search word: words are split on whitespace


class _Strip(dict):
    """str.translate's table that drops accents (combining marks) and control characters but tab and line breaks
    (a NUL is refused by PostgreSQL: it would be a 500, not "not found"); each character is judged once, then
    remembered, so a text is filtered at C speed (the import computes the search text of 10,000 projects)."""

    def __missing__(self, code: int):
        char = chr(code)
        drop = (unicodedata.combining(char) or unicodedata.category(char) == "Cc") and char not in "\t\n\r"
        self[code] = value = None if drop else code
        return value


_STRIP = _Strip()


def normalise(text) -> str:
    """Lower case, no accents, đ → d, whitespace collapsed: "  Lương  SƠN " → "luong son"."""
    if text is None:
        return ""
    decomposed = unicodedata.normalize("NFKD", str(text).translate(_FOLD))
    return " ".join(decomposed.translate(_STRIP).casefold().translate(_FOLD).split())


def search_words(value) -> list[str]:
    """The words of a search box, normalised; at most MAX_WORDS (the rest are ignored)."""
    return normalise(value).split()[:MAX_WORDS]


def search_text(*parts) -> str:
    """The stored column's value: each non-empty part normalised, one per line."""
    return SEPARATOR.join(text for text in (normalise(part) for part in parts) if text)


def matching(queryset, value, *, field: str = "search_text"):
    """The rows whose `field` contains every word of `value` (accents and case ignored); all rows for no word."""
    for word in search_words(value):
        queryset = queryset.filter(**{f"{field}__contains": word})
    return queryset


class SearchTextQuerySet(models.QuerySet):
    """Keeps `search_text` up to date on the bulk write paths, which bypass `save()`."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            obj.search_text = obj.compute_search_text()
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        fields = list(fields)
        if set(fields) & set(self.model.search_sources()):
            for obj in objs:
                obj.search_text = obj.compute_search_text()
            if "search_text" not in fields:
                fields.append("search_text")
        if (not args and set(kwargs) <= {"batch_size"} and objs and all(obj.pk is not None for obj in objs)
                and can_update_by_unnest(self.model, fields, self.db)):
            return update_by_unnest(self.model, objs, fields, using=self.db, batch_size=kwargs.get("batch_size"))
        return super().bulk_update(objs, fields, *args, **kwargs)

    def update(self, **kwargs):
        """An UPDATE of a column the search text is made of refreshes the search text of the rows it touched."""
        if not set(kwargs) & set(self.model.search_sources()) or "search_text" in kwargs:
            return super().update(**kwargs)
        ids = list(self.values_list("pk", flat=True))
        count = super().update(**kwargs)
        self.model.refresh_search_text(ids)
        return count


class Searchable(models.Model):
    """A model found by the search box. `search_parts` names the attributes its search text is made of; a dotted
    name reaches a related row ("investor.tax_code"), whose model then refreshes its dependants when it changes
    (`search_dependants`)."""

    search_parts: tuple[str, ...] = ()
    # the related names of the rows whose search text includes this one's (refreshed when it changes)
    search_dependants: tuple[str, ...] = ()

    search_text = models.TextField(default="", blank=True, editable=False)

    objects = SearchTextQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def search_sources(cls) -> tuple[str, ...]:
        """The columns of this model an UPDATE of which changes the search text."""
        sources = []
        for name in cls.search_parts:
            head = name.split(".")[0]
            sources.append(head)
            field = cls._meta.get_field(head)
            if field.is_relation:
                sources.append(field.attname)
        return tuple(sources)

    def compute_search_text(self) -> str:
        parts = []
        for name in self.search_parts:
            value = self
            for attribute in name.split("."):
                value = getattr(value, attribute, None) if value is not None else None
            parts.append(value)
        return search_text(*parts)

    @classmethod
    def refresh_search_text(cls, ids) -> None:
        """Recompute the search text of these rows (after a write around save())."""
        related = [name.split(".")[0] for name in cls.search_parts if "." in name]
        ids = list(ids)
        for start in range(0, len(ids), 2000):
            rows = list(cls._default_manager.filter(pk__in=ids[start:start + 2000]).select_related(*related))
            changed = []
            for row in rows:
                text = row.compute_search_text()
                if text != row.search_text:
                    row.search_text = text
                    changed.append(row)
            if changed:
                cls._default_manager.bulk_update(changed, ["search_text"], batch_size=500)
            for row in changed:
                row._refresh_dependants()

    def _refresh_dependants(self) -> None:
        for related_name in self.search_dependants:
            manager = getattr(self, related_name)
            manager.model.refresh_search_text(manager.values_list("pk", flat=True))

    def save(self, *args, **kwargs):
        existed = not self._state.adding
        before = self.search_text
        self.search_text = self.compute_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) & set(self.search_sources()):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)
        if existed and before != self.search_text:
            self._refresh_dependants()
