"""Injection corpus: XSS, htmx-gadget, template and formula payloads put in every field a
person types (activity title, place, description, accessibility notes, names, comments,
tasks, RSVP notes, cancel reason, atas-nama names, walk-in names) through the services,
then every page, htmx fragment, .ics, CSV and push payload that shows them is fetched
and checked inert: no new element, no event-handler or htmx attribute, no ``javascript:``
URL, the template syntax shown as typed, CSV cells that a spreadsheet would run as a
formula neutralised.

Plus a count of the escape hatches (``|safe``, ``Markup(``, ``hx-on``, ``js:``) in
templates/ and community/ against ``safe_markup_allowlist.txt``: a new one fails until
someone writes down why it is safe.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from datetime import timedelta
from pathlib import Path

import lxml.html
import pytest
from icalendar import Calendar
from sqlalchemy import select

from community.accounts import services as accounts
from community.accounts.models import User
from community.areas.models import Wilayah
from community.events import answers, attendance, comments, tasks
from community.events import services as events
from community.extensions import db
from community.notifications import outbox
from community.notifications.models import PushMessage
from tests.conftest import post_form, sign_in
from tests.integration.notifications.conftest import browser_subscription

# ``{m}`` is a marker unique to each payload: it proves the page shows the field at all,
# and finds what the payload would have made if it were not inert. Each fits in 80
# characters (a name) with room to spare.
PAYLOADS = [
    '<script>alert("{m}")</script>',
    '"><img src=x onerror=alert("{m}")>',
    "'><svg onload=alert('{m}')>",
    '<a href="javascript:alert(1)">{m}</a>',
    "javascript:alert('{m}')",
    '" hx-get="/keluar?{m}" hx-trigger="load" x="',
    '<div hx-post="/keluar?{m}" hx-trigger="load">x</div>',
    "<b hx-on:click=\"alert('{m}')\">{m}</b>",
    "{{{{7*7}}}} {{% print 1 %}} ${{7*7}} {m}",
    '</textarea><img src=x onerror=alert("{m}")>',
    "</title><script>alert('{m}')</script>",
    '=HYPERLINK("http://evil.example/{m}","klik")',
    "+{m}-1",
    "-{m}+1",
    "@SUM({m})",
    "\t=1+{m}",
    "{m}\r\nDTSTART:19700101T000000Z\r\nURL:javascript:x",
]
EVENT_HANDLER = re.compile(r"^(data-)?(on|hx-on)", re.I)
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "hx-get", "hx-post", "data-hx-get",
                  "data-hx-post", "hx-put", "hx-delete", "hx-patch", "poster", "xlink:href"}  # fmt: skip
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def corpus():
    return [
        pytest.param(p.format(m=f"zq{i}q"), f"zq{i}q", id=f"payload{i}")
        for i, p in enumerate(PAYLOADS)
    ]


def html_problems(html: str, marker: str) -> list[str]:
    """What a payload made of the page: elements, attributes, URLs it should not have."""
    problems = []
    doc = lxml.html.document_fromstring(html)
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag in ("script", "style") and marker in (el.text or ""):
            problems.append(f"<{el.tag}> holds the payload")
        for name, value in el.attrib.items():
            if EVENT_HANDLER.match(name):
                problems.append(f"<{el.tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES and value.strip().lower().startswith(BAD_SCHEMES):
                problems.append(f"<{el.tag} {name}={value!r}>")
            if (name.startswith(("hx-", "data-hx-")) or name in ("x", "style")) and marker in value:
                problems.append(f"<{el.tag} {name}={value!r}> carries the payload")
            if marker in name:
                problems.append(f"<{el.tag}> got an attribute from the payload: {name}")
    text = doc.text_content()
    if "{{7*7}}" in html_payload(marker) and marker in text and "{{7*7}}" not in text:
        problems.append("{{7*7}} was evaluated, not shown as typed")
    return problems


def html_payload(marker: str) -> str:
    return next(p.format(m=marker) for i, p in enumerate(PAYLOADS) if f"zq{i}q" == marker)


def _poison(app, world, payload: str) -> dict:
    """RT A's world with ``payload`` in every field a person types; returns the ids."""
    now = world.now
    with app.app_context():
        pengurus = db.session.get(User, world["pengurus_a"].id)
        resident = db.session.get(User, world["resident_a"].id)
        accounts.update_profile(resident, name=payload)
        rt = db.session.get(Wilayah, world.rt_a.id)
        start = world.activities["rt_a"].starts_at + timedelta(days=1)
        activity = events.create_activity(
            rt, by=pengurus, now=now, kind="gotong_royong", title=payload, place=payload,
            description=payload, accessibility_notes=payload,
            starts_at=start, ends_at=start + timedelta(hours=2),
        )  # fmt: skip
        db.session.flush()
        outbox.subscribe(resident.id, browser_subscription(), device="HP")
        answers.respond(activity, resident, answer="hadir", note=payload, now=now)
        tasks.add_task(activity, label=payload, quantity=3)
        comments.add_comment(activity, resident, payload, now=now)
        answers.respond_for(activity, by=pengurus, name=payload[:76] + " (1)",
                                  answer="hadir", now=now)  # fmt: skip
        attendance.mark_attendance(activity, name=payload[:76] + " (2)", method="pengurus",
                                      by=pengurus, now=now)  # fmt: skip
        attendance.mark_attendance(activity, user=resident, method="pengurus", by=pengurus, now=now)
        cancelled = events.create_activity(
            rt, by=pengurus, now=now, kind="pengajian", title=payload, place=payload,
            starts_at=start, ends_at=start + timedelta(hours=1),
        )  # fmt: skip
        db.session.flush()
        answers.respond(cancelled, resident, answer="hadir", now=now)
        db.session.commit()
        events.cancel_activity(cancelled, reason=payload, now=now)
        db.session.commit()
        from community.announcements import services as announcements

        notice = announcements.publish(rt, by=pengurus, body=payload, now=now)
        db.session.commit()
        ids = {"activity": activity.id, "cancelled": cancelled.id, "rt": rt.id,
               "announcement": notice.id}  # fmt: skip
        db.session.remove()
    return ids


def _pages(ids: dict) -> list[tuple[str, str]]:
    a, c = f"/kegiatan/{ids['activity']}", f"/kegiatan/{ids['cancelled']}"
    return [
        ("resident_a", "/"),
        ("resident_a", a),
        ("resident_a", c),
        ("resident_a", "/profil"),
        ("pengurus_a", a),
        ("pengurus_a", c),
        ("pengurus_a", f"{a}/peserta"),
        ("pengurus_a", f"{a}/daftar-hadir"),
        ("pengurus_a", f"{a}/pengingat"),
        ("pengurus_a", f"{a}/poster"),
        ("pengurus_a", f"{a}/ubah"),
        ("pengurus_a", f"/wilayah/{ids['rt']}"),
        ("pengurus_a", "/"),
        ("resident_a", f"/pengumuman/{ids['announcement']}"),
        ("resident_a", "/pengumuman"),
        ("pengurus_a", f"/pengumuman/{ids['announcement']}/poster"),
        ("pengurus_a", f"/pengumuman/{ids['announcement']}/ubah"),
    ]


@pytest.mark.parametrize(("payload", "marker"), corpus())
def test_payloads_render_inert(app, world, payload, marker):
    ids = _poison(app, world, payload)
    clients = {p: sign_in(app.test_client(), world[p]) for p in ("resident_a", "pengurus_a")}
    for principal, url in _pages(ids):
        for htmx in (False, True):
            response = clients[principal].get(url, headers={"HX-Request": "true"} if htmx else {})
            assert response.status_code == 200, url
            html = response.get_data(as_text=True)
            assert marker in html, f"{url} does not show the payload: the check checks nothing"
            problems = html_problems(html, marker)
            assert not problems, f"{url} as {principal}{' (htmx)' if htmx else ''}: {problems}"
    # an htmx fragment made by a POST: the answer panel with the note
    response = post_form(
        clients["resident_a"], f"/kegiatan/{ids['activity']}/jawab",
        {"answer": "hadir", "note": "ok"}, headers={"HX-Request": "true"},
    )  # fmt: skip
    assert response.status_code == 200
    assert not html_problems(response.get_data(as_text=True), marker)


@pytest.mark.parametrize(("payload", "marker"), corpus())
def test_payloads_stay_text_in_ics_csv_and_push(app, world, payload, marker):
    ids = _poison(app, world, payload)
    pengurus = sign_in(app.test_client(), world["pengurus_a"])
    for key in ("activity", "cancelled"):
        response = pengurus.get(f"/kegiatan/{ids[key]}.ics")
        assert response.status_code == 200
        calendar = Calendar.from_ical(response.data)
        vevents = calendar.walk("VEVENT")
        assert len(vevents) == 1
        event = vevents[0]
        assert payload.replace("\r\n", "\n") in str(event["SUMMARY"]).replace("\r\n", "\n")
        names = [name for name, _ in event.property_items(recursive=False)]
        assert names.count("DTSTART") == 1 and names.count("URL") <= 1, names
        assert event["DTSTART"].dt.year != 1970, "a line of the payload became a property"
        assert not str(event.get("URL", "")).lower().startswith(BAD_SCHEMES)

    response = pengurus.get(f"/kegiatan/{ids['activity']}/daftar-hadir.csv")
    assert response.status_code == 200
    rows = list(
        csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    cells = [cell for row in rows[1:] for cell in row]
    assert any(marker in cell for cell in cells), "the CSV does not show the payload"
    formulas = [cell for cell in cells if cell.startswith(FORMULA_START)]
    assert not formulas, f"CSV cells a spreadsheet would run: {formulas}"

    with app.app_context():
        payloads = [json.loads(m.payload) for m in db.session.scalars(select(PushMessage))]
    assert payloads, "no push planned: the check checks nothing"
    assert any(marker in p.get("title", "") + p.get("body", "") for p in payloads)
    for p in payloads:
        url = p.get("url", "/")
        assert url.startswith("/") and not url.startswith("//"), url
        assert all(isinstance(v, (str, int, bool)) for v in p.values())


# --- the escape hatches, counted ----------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
ALLOWLIST = Path(__file__).with_name("safe_markup_allowlist.txt")
HATCHES = ("|safe", "Markup(", "hx-on", "js:")


def escape_hatches() -> Counter:
    """(file, hatch) → how many times it occurs in templates/ and community/."""
    found: Counter = Counter()
    files = [*(ROOT / "templates").rglob("*"), *(ROOT / "community").rglob("*.py")]
    for path in files:
        if not path.is_file() or path.suffix not in (".html", ".js", ".py", ".txt", ".xml"):
            continue
        text = path.read_text(encoding="utf-8")
        compact = re.sub(r"\|\s+safe\b", "|safe", text)
        for hatch in HATCHES:
            n = compact.count(hatch)
            if n:
                found[(str(path.relative_to(ROOT)), hatch)] += n
    return found


def allowed() -> Counter:
    """Lines ``path | hatch | count | reason``; the reason is required."""
    allowed: Counter = Counter()
    for line in ALLOWLIST.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        path, hatch, count, reason = (part.strip() for part in line.split(" | ", 3))
        assert reason, f"no reason given for {path} {hatch}"
        allowed[(path, hatch)] = int(count)
    return allowed


def test_escape_hatches_are_on_the_allow_list():
    found, listed = escape_hatches(), allowed()
    unlisted = {k: n for k, n in found.items() if n > listed.get(k, 0)}
    assert not unlisted, (
        f"new |safe / Markup( / hx-on / js: (add to {ALLOWLIST.name} with a reason, or remove): "
        f"{unlisted}"
    )
    stale = {k: n for k, n in listed.items() if found.get(k, 0) < n}
    assert not stale, f"the allow-list names more than the code has (lower it): {stale}"
