"""Machinery for driving every form of the app with hostile input (issue #10).

Forms are *discovered*, not listed: every GET route of the access matrix is opened as
every principal, and every ``<form method="post">`` on those pages is recorded with its
fields as rendered. A new page with a new form is fuzzed the day it lands.

Values are generated with Hypothesis: mostly what a careless or hostile person types
(NUL, zero-width and direction marks, BOM, lone surrogates, 1 MB strings, numbers and
dates out of range, full-width digits, markup), sometimes the value the page offered,
sometimes a field repeated or left out. Bodies are encoded by hand so that what no
browser would send (a lone surrogate, a raw NUL) reaches the app.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import quote_plus, urlsplit

import lxml.html
from hypothesis import strategies as st

# --- discovering forms ---------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # text | number | date | time | checkbox | radio | select | hidden | password ...
    options: tuple[str, ...] = ()
    value: str = ""


@dataclass(frozen=True)
class FormSpec:
    principal: str
    page: str
    action: str  # path (with query) the form posts to
    fields: tuple[Field, ...]

    @property
    def key(self) -> str:
        """The action with numbers and tokens generalised: one spec per form, per principal."""
        path = re.sub(r"/\d+", "/<id>", urlsplit(self.action).path)
        path = re.sub(r"/[A-Za-z0-9_-]{20,}", "/<token>", path)
        return f"{self.principal} {path}"


def forms_on(page_url: str, html: str, principal: str) -> list[FormSpec]:
    doc = lxml.html.document_fromstring(html)
    found = []
    for form in doc.forms:
        if (form.get("method") or "get").lower() != "post":
            continue
        fields: dict[str, Field] = {}
        for element in form.inputs:
            name = element.get("name")
            if not name or name in fields:
                continue
            tag = element.tag
            if tag == "select":
                options = tuple(
                    o.get("value", o.text_content()) for o in element.cssselect("option")
                )
                fields[name] = Field(name, "select", options, element.value or "")
            elif tag == "textarea":
                fields[name] = Field(name, "text", value=element.value or "")
            else:
                kind = (element.get("type") or "text").lower()
                if kind in ("submit", "button", "image", "reset", "file"):
                    continue
                if kind in ("radio", "checkbox"):
                    same = form.cssselect(f"input[name='{name}']")
                    options = tuple(e.get("value", "on") for e in same)
                    fields[name] = Field(name, kind, options, options[0])
                else:
                    fields[name] = Field(name, kind, value=element.get("value") or "")
        buttons = {
            b.get("name"): b.get("value", "")
            for b in form.cssselect("button[name], input[type=submit][name]")
        }
        for name, value in buttons.items():
            same = [b.get("value", "") for b in form.cssselect(f"[name='{name}']")]
            fields.setdefault(name, Field(name, "select", tuple(same), value))
        action = form.get("action") or page_url
        found.append(FormSpec(principal, page_url, action, tuple(fields.values())))
    return found


# --- hostile values ---------------------------------------------------------------------

INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u200e", "\u200f", "\u202e",
             "\u2066", "\u00ad", "\u180e"]  # fmt: skip
HOSTILE_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "".join(INVISIBLE),
    "\u202eslaK",
    "\ud800",  # a lone surrogate (sent as its CESU bytes)
    "\udfff abc",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{7*7}}",
    "hx-get=/keluar",
    "' OR 1=1 --",
    "../../etc/passwd",
    "%00",
    "\r\nSet-Cookie: x=1",
    "🙂" * 50,
    "ـ" * 3000,
    "x" * 10_001,
    "Ｈａｄｉｒ",
    "٣",
]
ONE_MEGABYTE = "a" * (1 << 20)
HOSTILE_NUMBERS = ["-1", "0", "1", "2147483648", "-9223372036854775809", "1e309", "NaN",
                   "inf", "1.5", "１２", "0x10", "", " 3 ", "99999999999999999999"]  # fmt: skip
HOSTILE_DATES = ["0001-01-01", "9999-12-31", "2026-02-30", "2026-13-01", "1970-01-01",
                 "20261206", "6/12/2026", "", "2026-12-06T07:00", "+275760-09-13"]  # fmt: skip
HOSTILE_TIMES = ["00:00", "23:59", "24:00", "25:61", "7", "07:00:00.000001", "", "-01:00"]


def _text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(HOSTILE_TEXT),
        st.text(max_size=40),
        st.builds(lambda a, b: a + b, st.sampled_from(HOSTILE_TEXT), st.text(max_size=10)),
        st.just(ONE_MEGABYTE),
    )


def hostile_for(field: Field) -> st.SearchStrategy[str]:
    kind = field.kind
    if kind in ("number", "range"):
        return st.one_of(st.sampled_from(HOSTILE_NUMBERS), st.integers().map(str))
    if kind == "date":
        return st.one_of(st.sampled_from(HOSTILE_DATES), st.dates().map(lambda d: d.isoformat()))
    if kind == "time":
        return st.sampled_from(HOSTILE_TIMES)
    return _text()


def plausible(field: Field, password: str) -> str:
    """What a careful person would type: the baseline every mutation starts from, so one
    hostile value reaches the code behind an otherwise valid form."""
    if field.kind in ("select", "radio", "checkbox"):
        return field.value or next((o for o in field.options if o), "")
    if field.value:
        return field.value
    return {
        "number": "1",
        "date": (date.today() + timedelta(days=10)).isoformat(),
        "time": "07:00",
        "tel": "081234567890",
        "password": password,
        "email": "warga@example.com",
    }.get(field.kind, "Uji coba")


def body_for(spec: FormSpec, csrf: str, password: str) -> st.SearchStrategy[list[tuple[str, str]]]:
    """Name/value pairs for one submission: a valid-looking form in which one field (or a
    few) is hostile, left out or repeated. The CSRF token is valid, or the request would
    only test the CSRF check."""
    fields = [f for f in spec.fields if f.name != "csrf_token"]

    @st.composite
    def build(draw) -> list[tuple[str, str]]:
        values = {f.name: [plausible(f, password)] for f in fields}
        if fields:
            how_many = draw(st.sampled_from([1, 1, 1, 2, 3, len(fields)]))
            for field in draw(st.permutations(fields))[:how_many]:
                choice = draw(st.integers(0, 9))
                if choice == 0:
                    values[field.name] = []  # left out
                elif choice == 1:  # the same field twice
                    values[field.name] = [plausible(field, password), draw(hostile_for(field))]
                else:
                    values[field.name] = [draw(hostile_for(field))]
        pairs = [("csrf_token", csrf)] + [(n, v) for n, vs in values.items() for v in vs]
        if draw(st.integers(0, 14)) == 0:  # a field the form does not have
            pairs.append((draw(st.sampled_from(["id", "user_id", "is_admin", "role"])), "1"))
        return pairs

    return build()


def encode(pairs: list[tuple[str, str]]) -> bytes:
    """``application/x-www-form-urlencoded`` that keeps lone surrogates as their bytes."""
    return "&".join(
        f"{quote_plus(k)}={quote_plus(v.encode('utf-8', 'surrogatepass'))}" for k, v in pairs
    ).encode("ascii")
