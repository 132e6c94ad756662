"""Submit forms the way a browser does: from the page as rendered.

A hand-made POST sends whatever the test author remembers, including fields the page
never renders (that once hid that no one-off activity could be edited). ``submit_form``
GETs the page, finds the form, collects its successful controls exactly as the HTML
form-submission algorithm does (lxml's ``form_values``: checked boxes and radios,
selected options, textareas, hidden fields such as the CSRF token), applies the test's
changes to fields **that exist on the form**, adds the pressed button's name/value, and
posts to the form's ``action``.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urljoin, urlsplit

import lxml.html
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

__all__ = ["FormNotFound", "find_form", "form_fields", "submit_form"]


class FormNotFound(AssertionError):
    """The page does not render the form (or the field) the test wants to use."""


def _parse(html: str):
    return lxml.html.document_fromstring(html)


def find_form(html: str, selector: str | None = None):
    """The form matching a CSS ``selector`` (or the page's only POST form)."""
    doc = _parse(html)
    if selector is None:
        forms = [f for f in doc.forms if (f.get("method") or "get").lower() == "post"]
        forms = [f for f in forms if f.get("action") not in ("/keluar",)] or forms
        if len(forms) != 1:
            raise FormNotFound(f"expected one POST form on the page, found {len(forms)}")
        return forms[0]
    found = doc.cssselect(selector)
    if not found:
        raise FormNotFound(f"no form matches {selector!r}")
    node = found[0]
    while node is not None and node.tag != "form":
        node = node.getparent()
    if node is None:
        raise FormNotFound(f"{selector!r} is not inside a form")
    return node


def form_fields(form) -> list[tuple[str, str]]:
    """The (name, value) pairs a browser would send, without any submit button."""
    return [(name, value) for name, value in form.form_values()]


def _field_names(form) -> set[str]:
    return {el.get("name") for el in form.inputs if el.get("name")}


def submit_form(
    client: FlaskClient,
    page_url: str,
    selector: str | None = None,
    data: Mapping[str, str | list[str] | None] | None = None,
    button: str | None = None,
    headers: Mapping[str, str] | None = None,
    follow_redirects: bool = False,
) -> TestResponse:
    """GET ``page_url``, fill the form and press ``button`` (a CSS selector or None).

    ``data`` replaces a field's values (a list for several values, ``None`` to untick a
    box or leave a field out as a browser would when it is unchecked). Naming a field the
    page does not render fails the test: that is the point of this helper.
    """
    page = client.get(page_url, headers=dict(headers or {}))
    assert page.status_code == 200, f"GET {page_url} answered {page.status_code}"
    html = page.get_data(as_text=True)
    form = find_form(html, selector)
    names = _field_names(form)
    pairs = form_fields(form)
    for name, value in (data or {}).items():
        if name not in names:
            raise FormNotFound(f"the form has no field {name!r} (it has {sorted(names)})")
        pairs = [(n, v) for n, v in pairs if n != name]
        if value is None:
            continue
        values = value if isinstance(value, list) else [value]
        pairs.extend((name, str(v)) for v in values)
    if button is not None:
        pressed = form.cssselect(button)
        if not pressed:
            raise FormNotFound(f"no button {button!r} in the form")
        if pressed[0].get("name"):
            pairs.append((pressed[0].get("name"), pressed[0].get("value", "")))
        action = pressed[0].get("formaction") or form.get("action")
    else:
        action = form.get("action")
    target = urljoin(page_url, action or page_url)
    parts = urlsplit(target)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    method = (form.get("method") or "get").lower()
    if method != "post":
        return client.get(path, query_string=pairs, headers=dict(headers or {}))
    from werkzeug.datastructures import MultiDict

    return client.post(
        path,
        data=MultiDict(pairs),
        headers=dict(headers or {}),
        follow_redirects=follow_redirects,
    )
