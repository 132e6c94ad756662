"""Sharing an activity: WhatsApp, ``.ics``, the A4 poster with its QR code, and the
resident's secret calendar feed. load → authorize → act → commit."""

from __future__ import annotations

import io
from dataclasses import dataclass
from urllib.parse import quote

import segno
from flask import Response, abort, flash, redirect, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from community.accounts.models import User
from community.core.authz import Action
from community.core.forms import EmptyForm
from community.core.time import format_wita, utcnow
from community.events import bp, calendar, feeds
from community.events.forms import KIND_LABELS
from community.events.forms_participation import FEED_SCOPE_LABELS, CalendarFeedForm
from community.events.models import Activity, CalendarFeed
from community.events.routes import load_activity
from community.extensions import db
from community.web.htmx import render
from community.web.i18n import labels

WHATSAPP = "https://wa.me/?text="


def activity_url(activity: Activity) -> str:
    return url_for("events.detail", activity_id=activity.id, _external=True)


# --- what templates use -----------------------------------------------------------------


def whatsapp_message(activity: Activity, url: str, locale: str = "id") -> str:
    """``*Judul*``, "Minggu, 7 Desember · 07.00 WITA", the place and the link."""
    title = f"*{activity.title}*"
    if activity.is_cancelled:
        title = _("DIBATALKAN: %(title)s", title=title)
    return "\n".join(
        [
            title,
            format_wita(activity.starts_at, locale, with_year=False),
            _("Tempat: %(place)s", place=activity.place),
            "",
            _("Konfirmasi kehadiran di Rukun: %(url)s", url=url),
        ]
    )


@dataclass(frozen=True)
class ShareLinks:
    whatsapp: str
    ics: str


@bp.app_template_global()
def share_links(activity: Activity) -> ShareLinks:
    message = whatsapp_message(activity, activity_url(activity), str(get_locale() or "id"))
    return ShareLinks(
        whatsapp=WHATSAPP + quote(message, safe=""),
        ics=url_for("events.activity_ics", activity_id=activity.id),
    )


@dataclass(frozen=True)
class FeedSection:
    feed: CalendarFeed | None
    url: str | None
    scope_label: str | None
    form: CalendarFeedForm
    revoke_form: EmptyForm


def _feed_url(feed: CalendarFeed) -> str:
    return url_for("events.feed", token=feed.token, _external=True)


@bp.app_template_global()
def calendar_feed_section(form: CalendarFeedForm | None = None) -> FeedSection:
    """The "Langganan kalender" section of the profile page, for the signed-in user."""
    feed = feeds.get_feed(current_user)
    if form is None:  # never bound to another form's POST (the profile's own)
        form = CalendarFeedForm(formdata=None, **({"scope": feed.scope} if feed else {}))
    return FeedSection(
        feed=feed,
        url=_feed_url(feed) if feed else None,
        scope_label=str(FEED_SCOPE_LABELS.get(feed.scope, feed.scope)) if feed else None,
        form=form,
        revoke_form=EmptyForm(formdata=None),
    )


# --- one activity -------------------------------------------------------------------------


def _ics(body: bytes, filename: str, *, disposition: str = "attachment") -> Response:
    response = Response(body, content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


@bp.get("/kegiatan/<int:activity_id>.ics")
@login_required
def activity_ics(activity_id: int):
    """Anyone who may see the activity (VIEW; others 404): an ICS file of a one-off activity, or of
    the whole series of a meeting (the feed's RRULE and UID)."""
    activity = load_activity(activity_id, Action.VIEW)
    occurrences = []
    if activity.series_id is not None:
        occurrences = feeds.list_series_occurrences([activity.series_id])[activity.series_id]
    body = calendar.activity_calendar(
        activity,
        link=activity_url,
        now=utcnow(),
        domain=calendar.uid_domain(),
        occurrences=occurrences,
    )
    return _ics(body, f"kegiatan-{activity.id}.ics")


@bp.get("/kegiatan/<int:activity_id>/poster")
@login_required
def poster(activity_id: int):
    """Pengurus of the activity's wilayah or above (MANAGE_ACTIVITIES; others 403/404): the
    printable poster page with the activity's link and QR."""
    activity = load_activity(activity_id, Action.MANAGE_ACTIVITIES)
    return render(
        "events/poster.html",
        activity=activity,
        kind_labels=labels(KIND_LABELS),
        activity_url=activity_url(activity),
    )


@bp.get("/kegiatan/<int:activity_id>/qr.svg")
@login_required
def poster_qr(activity_id: int):
    """Pengurus of the activity's wilayah or above (MANAGE_ACTIVITIES; others 403/404): an SVG file,
    the QR code of the activity's page."""
    activity = load_activity(activity_id, Action.MANAGE_ACTIVITIES)
    out = io.BytesIO()
    segno.make(activity_url(activity), error="m").save(
        out, kind="svg", scale=8, border=2, title=activity.title
    )
    return Response(out.getvalue(), mimetype="image/svg+xml")


# --- the personal feed --------------------------------------------------------------------


@bp.post("/profil/kalender")
@login_required
def feed_create():
    """Signed in, their own feed (signed out: redirect to sign-in). POST: makes the feed URL, or a
    new one (the old URL stops working at once); 303 redirect to the profile's Kalender section; 422
    with the feed form on bad input."""
    form = CalendarFeedForm()
    if not form.validate_on_submit():
        return render("events/calendar_feed.html", feed_form=form, status=422)
    replacing = feeds.get_feed(current_user) is not None
    token = feeds.new_token()
    try:
        feeds.issue_feed(current_user, scope=form.scope.data, token=token, now=utcnow())
        db.session.commit()
    except IntegrityError:  # the same person pressed twice at the same moment
        db.session.rollback()
        flash(_("Permintaan Anda sedang diproses. Coba lagi."), "error")
        return redirect(url_for("accounts.profile", _anchor="kalender"), code=303)
    if replacing:
        flash(_("URL kalender baru sudah dibuat. URL lama tidak berlaku lagi."), "success")
    else:
        flash(_("URL kalender sudah dibuat. Salin lalu tambahkan di aplikasi kalender."), "success")
    return redirect(url_for("accounts.profile", _anchor="kalender"), code=303)


@bp.post("/profil/kalender/hapus")
@login_required
def feed_revoke():
    """Signed in, their own feed (signed out: redirect to sign-in). POST: deletes the feed URL,
    calendar apps get nothing more; 303 redirect to the profile's Kalender section (400 on a bad
    CSRF token)."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    if feeds.revoke_feed(current_user):
        db.session.commit()
        flash(_("URL kalender dihapus. Aplikasi kalender tidak lagi menerima kegiatan."), "success")
    return redirect(url_for("accounts.profile", _anchor="kalender"), code=303)


def _feed_name(owner: User, scope: str) -> str:
    """The calendar's name in the app; no personal name (the URL may be passed on)."""
    if scope == feeds.FeedScope.RT and owner.rt is not None:
        return _("Rukun: kegiatan %(rt)s", rt=owner.rt.full_name)
    return _("Rukun: kegiatan saya")


@bp.get("/kalender/<token>.ics")
def feed(token: str):
    """Anyone holding the token, i.e. the owner's calendar app: no sign-in (calendar apps cannot),
    the token is the key (unknown: 404). Answers the ICS file of the owner's activities,
    ``no-store``."""
    found = feeds.get_feed_by_token(token)
    owner = db.session.get(User, found.user_id) if found is not None else None
    if owner is None:
        abort(404)
    now = utcnow()
    with force_locale(owner.language or "id"):
        content = feeds.list_feed_activities(owner, found.scope, now=now)
        body = calendar.feed_calendar(
            content.activities,
            siblings=content.siblings,
            link=activity_url,
            now=now,
            name=_feed_name(owner, found.scope),
            domain=calendar.uid_domain(),
        )
    response = _ics(body, "rukun.ics", disposition="inline")
    response.headers["Cache-Control"] = "private, no-store"  # a secret URL: no shared caches
    response.headers["X-Robots-Tag"] = "noindex"
    return response
