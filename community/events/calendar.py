"""Calendars: one activity as an ``.ics`` file, and a resident's secret feed URL.

The builders take activities and return the bytes of an RFC 5545 calendar (built with
``icalendar``): times are WITA wall-clock times with ``TZID=Asia/Makassar`` and the
matching VTIMEZONE, so a calendar app shows 07.00 wherever the phone thinks it is.

A recurring series is one VEVENT with the series' RRULE, in the feed and in the ``.ics``
of any of its meetings alike (the same UID, so a calendar app holds one copy). Its
occurrences are paired with the rule's instances (see :func:`pair_instances`); an
occurrence not in the feed becomes an EXDATE, and one that is cancelled or whose time,
title or place was edited becomes an override VEVENT with RECURRENCE-ID (a cancelled
one says ``STATUS:CANCELLED``, so the app shows it struck through instead of dropping it).

UIDs are ``activity-<id>@<domain>`` and ``series-<id>@<domain>`` with this install's
domain (:func:`uid_domain`), so two installs never mint the same UID. DTSTAMP and
LAST-MODIFIED are the row's last change, not the time of the download: a calendar app
that sees the same DTSTAMP knows nothing changed.

Only what every viewer of the activity may see goes into a calendar: never answers,
notes, phone numbers or needs. The feed URL is the only credential of the feed (calendar
apps cannot sign in), so it is long and random, and revoking deletes it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from icalendar import Calendar, Event

from community import config
from community.core.time import as_utc
from community.events import rules
from community.events.calendar_series import (
    _pattern_of,
    local,
    pair_instances,
    series_pattern,
    utc_until_rule,
)
from community.events.models import Activity

log = logging.getLogger(__name__)

PRODID = "-//Rukun//Kegiatan warga Banjarbaru//ID"
FEED_WINDOW = timedelta(days=90)  # the same three months as "Kegiatan lalu"
FEED_REFRESH = timedelta(hours=1)  # a changed time reaches phones within the hour


Link = Callable[[Activity], str]  # the absolute URL of an activity's page


def uid_domain() -> str:
    """The right-hand side of this install's UIDs: ``CALENDAR_UID_DOMAIN`` (the site's host
    name, when the operator sets it), else ``<install id>.rukun``, stable for the install."""
    domain = current_app.config.get("CALENDAR_UID_DOMAIN")
    if not domain:
        install_id = config.load_install_id(Path(current_app.instance_path))
        domain = current_app.config["CALENDAR_UID_DOMAIN"] = f"{install_id}.rukun"
    return domain


# --- pure helpers ------------------------------------------------------------------------


def activity_uid(activity: Activity, domain: str) -> str:
    return f"activity-{activity.id}@{domain}"


def series_uid(series_id: int, domain: str) -> str:
    return f"series-{series_id}@{domain}"


def last_change(activity: Activity) -> datetime:
    """When the row last changed: its DTSTAMP and LAST-MODIFIED."""
    return as_utc(activity.updated_at or activity.created_at)


# --- builders ------------------------------------------------------------------------------


def _calendar(name: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if name:
        cal.add("x-wr-calname", name)
        cal.add("x-wr-timezone", "Asia/Makassar")
        cal.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", "PT1H")  # the same hour, for Outlook
    return cal


def _finish(cal: Calendar) -> bytes:
    cal.add_missing_timezones()  # the VTIMEZONE for every TZID used (Asia/Makassar)
    return cal.to_ical()


def _description(
    description: str, accessibility_notes: str, url: str, cancel_reason: str | None = None
) -> str:
    parts = []
    if cancel_reason is not None:
        parts.append(
            _("Dibatalkan: %(reason)s", reason=cancel_reason) if cancel_reason else _("Dibatalkan")
        )
    if description:
        parts.append(description)
    if accessibility_notes:
        parts.append(_("Aksesibilitas: %(notes)s", notes=accessibility_notes))
    parts.append(_("Konfirmasi kehadiran di Rukun: %(url)s", url=url))
    return "\n\n".join(parts)


def activity_event(
    activity: Activity,
    *,
    link: Link,
    domain: str,
    uid: str | None = None,
    recurrence_id: datetime | None = None,
) -> Event:
    """One activity as a VEVENT (or, with ``uid`` and ``recurrence_id``, as the override
    of one instance of its series)."""
    url = link(activity)
    event = Event()
    event.add("uid", uid or activity_uid(activity, domain))
    event.add("dtstamp", last_change(activity))
    if recurrence_id is not None:
        event.add("recurrence-id", recurrence_id)
    event.add("dtstart", local(activity.starts_at))
    event.add("dtend", local(activity.ends_at))
    event.add("summary", activity.title)
    event.add("location", activity.place)
    if activity.latitude is not None and activity.longitude is not None:
        event.add("geo", (activity.latitude, activity.longitude))
    cancelled = (activity.cancel_reason or "") if activity.is_cancelled else None
    event.add(
        "description",
        _description(activity.description, activity.accessibility_notes, url, cancelled),
    )
    event.add("url", url)
    event.add("status", "CANCELLED" if activity.is_cancelled else "CONFIRMED")
    event.add("last-modified", last_change(activity))
    return event


def activity_calendar(
    activity: Activity,
    *,
    link: Link,
    now: datetime,
    domain: str,
    occurrences: Sequence[Activity] = (),
) -> bytes:
    """The ``.ics`` file of one activity; for a meeting of a series (``occurrences``: all
    of the series' meetings) the whole series, exactly as the feed carries it."""
    cal = _calendar()
    if activity.series_id is not None and occurrences:
        shown = {o.id for o in occurrences}
        events = series_events(occurrences, shown=shown, link=link, now=now, domain=domain)
    else:
        events = [activity_event(activity, link=link, domain=domain)]
    for event in events:
        cal.add_component(event)
    return _finish(cal)


def series_events(
    occurrences: Sequence[Activity],
    *,
    shown: set[int],
    link: Link,
    now: datetime,
    domain: str,
) -> list[Event]:
    """A series as one VEVENT with its RRULE, EXDATEs for the instances not in ``shown``
    and overrides for the cancelled (``STATUS:CANCELLED``) and edited ones. Empty when
    nothing shows."""
    series = occurrences[0].series
    anchor = local(series.first_start_at)
    try:
        instances = rules.expand(series.rrule, anchor)
    except ValueError:  # a rule that no longer expands: the occurrences stand alone
        log.warning("series %s: rule does not expand", series.id)
        return [activity_event(a, link=link, domain=domain) for a in occurrences if a.id in shown]
    pairs, alone = pair_instances(instances, occurrences)
    pattern = series_pattern(occurrences)
    uid = series_uid(series.id, domain)
    excluded, overrides, listed = [], [], []
    for start, occurrence in pairs:
        if occurrence is None or occurrence.id not in shown:
            excluded.append(start)
            continue
        listed.append(occurrence)
        if (
            occurrence.is_cancelled
            or local(occurrence.starts_at) != start
            or _pattern_of(occurrence) != pattern
        ):
            overrides.append(
                activity_event(occurrence, link=link, domain=domain, uid=uid, recurrence_id=start)
            )
    events = [activity_event(a, link=link, domain=domain) for a in alone if a.id in shown]
    if not listed:
        return events
    # Each occurrence has its own page, a rule has one URL: the next occurrence held.
    held = [o for o in listed if not o.is_cancelled] or listed
    upcoming = [o for o in held if as_utc(o.ends_at) >= as_utc(now)]
    url = link(upcoming[0] if upcoming else held[-1])
    # The rule's own DTSTAMP: the last change to any of its meetings.
    changed = max(last_change(o) for o in occurrences)
    master = Event()
    master.add("uid", uid)
    master.add("dtstamp", changed)
    master.add("dtstart", anchor)
    master.add("dtend", anchor + pattern.duration)
    master.add("rrule", utc_until_rule(series.rrule))
    if excluded:
        master.add("exdate", excluded)
    master.add("summary", pattern.title)
    master.add("location", pattern.place)
    master.add("description", _description(pattern.description, pattern.accessibility_notes, url))
    master.add("url", url)
    master.add("status", "CONFIRMED")
    master.add("last-modified", changed)
    return [master, *overrides, *events]


def feed_calendar(
    activities: Iterable[Activity],
    *,
    siblings: Mapping[int, Sequence[Activity]],
    link: Link,
    now: datetime,
    name: str,
    domain: str,
) -> bytes:
    """The feed: ``activities`` are what the resident should see; ``siblings`` holds, for
    each series among them, all its occurrences (to pair them with the rule)."""
    activities = list(activities)
    shown = {a.id for a in activities}
    cal = _calendar(name)
    done: set[int] = set()
    for activity in activities:
        if activity.series_id is None or activity.series_id not in siblings:
            cal.add_component(activity_event(activity, link=link, domain=domain))
        elif activity.series_id not in done:
            done.add(activity.series_id)
            for event in series_events(
                siblings[activity.series_id], shown=shown, link=link, now=now, domain=domain
            ):
                cal.add_component(event)
    return _finish(cal)


# --- the feed in the database ------------------------------------------------------------
