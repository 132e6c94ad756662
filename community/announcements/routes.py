"""Pengumuman pages: the list, the form, one announcement (which marks it read), pinning,
deleting, the printable notice with its QR code and the photo. load → authorize → act."""

from __future__ import annotations

import io
from datetime import datetime, time
from urllib.parse import quote

import segno
from flask import Response, abort, flash, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from community.announcements import bp, photos, queries, rules, services
from community.announcements.forms import ERRORS, AnnouncementForm
from community.announcements.models import Announcement
from community.areas import services as areas
from community.areas.models import Wilayah
from community.core.authz import Action, can, require
from community.core.errors import DomainError
from community.core.forms import EmptyForm
from community.core.photos import accept_photo_upload
from community.core.time import WITA, as_utc, format_wita, utcnow
from community.events.models import Activity
from community.extensions import csrf, db
from community.web.htmx import render
from community.web.ratelimits import per_user

WHATSAPP = "https://wa.me/?text="


def load_announcement(announcement_id: int, action: str) -> Announcement:
    """Load → authorize for every announcement route (404 for someone who may not see it)."""
    announcement = queries.get_announcement(announcement_id)
    require(action, announcement)
    return announcement


def _url(announcement: Announcement) -> str:
    return url_for("announcements.detail", announcement_id=announcement.id, _external=True)


def whatsapp_link(announcement: Announcement) -> str:
    """wa.me with the text a resident pastes into the RT's group."""
    until = None
    if announcement.expires_at is not None:
        until = _("Berlaku sampai %(when)s", when=format_wita(announcement.expires_at, _locale()))
    message = rules.whatsapp_text(
        announcement.body,
        announcement.wilayah.full_name,
        _url(announcement),
        heading=_("Pengumuman"),
        link_label=_("Baca di Rukun:"),
        until=until,
    )
    return WHATSAPP + quote(message, safe="")


def _locale() -> str:
    return str(get_locale() or "id")


# --- the form ---------------------------------------------------------------------------


def _activity_choices(form: AnnouncementForm, wilayah_ids: list[int]) -> None:
    found = queries.list_linkable_activities(current_user, wilayah_ids, now=utcnow())
    form.activity.choices = [SelectChoice(0, _("Tidak ada"))] + [
        SelectChoice(a.id, f"{a.title} · {format_wita(a.starts_at, _locale(), with_year=False)}")
        for a in found
    ]


def _expiry(form: AnnouncementForm) -> datetime | None:
    day, clock = form.expires_on.data, form.expires_time.data
    if day is None:
        if clock is not None:
            raise services.AnnouncementRefused(rules.AnnouncementError.EXPIRY_NO_DATE)
        return None
    return datetime.combine(day, clock or time(23, 59), tzinfo=WITA)


def _linked_activity(form: AnnouncementForm) -> Activity | None:
    if not form.activity.data:
        return None
    activity = db.session.get(Activity, form.activity.data)
    if activity is None or not can(Action.VIEW, activity):
        abort(404)  # a tampered id: the choices only hold what the author sees
    return activity


def _form_error(form: AnnouncementForm, exc: DomainError) -> None:
    field, message = ERRORS[exc.code]
    getattr(form, field).errors.append(str(message))


def _form_page(form: AnnouncementForm, announcement: Announcement | None):
    return render(
        "announcements/form.html",
        form=form,
        announcement=announcement,
        status=422 if form.errors else 200,
    )


@bp.get("/pengumuman")
@login_required
def index():
    """Signed in (signed out: redirect to sign-in): the Pengumuman page, the announcements they
    see (their RT and above, and their own), active ones pinned first then newest, then the
    expired ones."""
    found = queries.list_announcements(current_user, now=utcnow())
    return render(
        "announcements/list.html",
        announcements=found,
        may_post=bool(areas.managed_wilayah(current_user)),
    )


@bp.route("/pengumuman/baru", methods=["GET", "POST"])
@login_required
@csrf.exempt  # checked in accept_photo_upload, after the upload limit is raised
@per_user("ANNOUNCE_LIMIT", "announce")
def create():
    """Pengurus RT, ketua RW and admins, for a wilayah they may organise for
    (MANAGE_ACTIVITIES; no role: 403). GET: the form (``wilayah`` preselects). POST: posts the
    announcement, 303 redirect to it; 422 with the form on bad input (a photo that is not an
    image or over 5 MB, an expiry in the past); 400 without a CSRF token."""
    accept_photo_upload()
    form = AnnouncementForm()
    del form.remove_photo
    form.scope.choices = [
        SelectChoice(w.id, w.full_name) for w in areas.organisable_wilayah(current_user)
    ]
    if not form.scope.choices:
        abort(403)
    _activity_choices(form, [c.value for c in form.scope.choices])
    if request.method == "GET" and request.args.get("wilayah", type=int):
        form.scope.data = request.args.get("wilayah", type=int)
    if form.validate_on_submit():
        wilayah = db.session.get(Wilayah, form.scope.data)
        require(Action.MANAGE_ACTIVITIES, wilayah)
        photo = None
        try:
            expires_at = _expiry(form)
            activity = _linked_activity(form)
            photo = photos.store(form.photo.data.stream) if form.photo.data else None
            announcement = services.publish(
                wilayah, by=current_user, body=form.body.data.strip(), now=utcnow(),
                is_pinned=form.is_pinned.data, expires_at=expires_at, activity=activity,
                photo_name=photo,
            )  # fmt: skip
        except DomainError as exc:
            db.session.rollback()
            photos.remove(photo)
            _form_error(form, exc)
        else:
            db.session.commit()
            flash(
                _("Pengumuman sudah dikirim ke warga %(wilayah)s.", wilayah=wilayah.full_name),
                "success",
            )
            return redirect(
                url_for("announcements.detail", announcement_id=announcement.id), code=303
            )
    return _form_page(form, None)


@bp.route("/pengumuman/<int:announcement_id>/ubah", methods=["GET", "POST"])
@login_required
@csrf.exempt  # checked in accept_photo_upload, after the upload limit is raised
def edit(announcement_id: int):
    """Pengurus of the announcement's wilayah or above (MANAGE_ACTIVITIES; others 403/404). GET:
    the filled form. POST: saves the text, expiry, link and photo, 303 redirect to the
    announcement; 422 with the form on bad input; 400 without a CSRF token."""
    accept_photo_upload()
    announcement = load_announcement(announcement_id, Action.MANAGE_ACTIVITIES)
    form = AnnouncementForm(obj=announcement)
    del form.scope, form.is_pinned
    if announcement.photo_name is None:
        del form.remove_photo
    _activity_choices(form, [announcement.wilayah_id])
    if request.method == "GET":
        _fill(form, announcement)
    if form.validate_on_submit():
        photo = announcement.photo_name
        if "remove_photo" in form and form.remove_photo.data:
            photo = None
        new_photo = None
        try:
            expires_at = _expiry(form)
            activity = _linked_activity(form)
            if form.photo.data:
                photo = new_photo = photos.store(form.photo.data.stream)
            unused = services.update(
                announcement, body=form.body.data.strip(), now=utcnow(), expires_at=expires_at,
                activity=activity, photo_name=photo,
            )  # fmt: skip
        except DomainError as exc:
            db.session.rollback()
            photos.remove(new_photo)
            _form_error(form, exc)
        else:
            db.session.commit()
            photos.remove(unused)
            flash(_("Perubahan tersimpan."), "success")
            return redirect(
                url_for("announcements.detail", announcement_id=announcement.id), code=303
            )
    return _form_page(form, announcement)


def _fill(form: AnnouncementForm, announcement: Announcement) -> None:
    form.activity.data = announcement.activity_id or 0
    if announcement.expires_at is not None:
        local = as_utc(announcement.expires_at).astimezone(WITA)
        form.expires_on.data, form.expires_time.data = local.date(), local.time()


# --- one announcement -------------------------------------------------------------------


@bp.get("/pengumuman/<int:announcement_id>")
@login_required
def detail(announcement_id: int):
    """Anyone who may see the announcement (VIEW: they live in its wilayah or hold a role above or
    below it; others 404): the announcement, marked read for them. Its author and the pengurus of
    the wilayah also see "Dibaca oleh N dari M warga"."""
    announcement = load_announcement(announcement_id, Action.VIEW)
    now = utcnow()
    if services.mark_read(announcement, current_user, now=now):
        db.session.commit()
    manages = can(Action.MANAGE_ACTIVITIES, announcement)
    sees_reads = manages or announcement.author_id == current_user.id
    return render(
        "announcements/detail.html",
        announcement=announcement,
        is_active=rules.is_active(announcement.expires_at, now),
        manages=manages,
        reads=queries.count_reads(announcement) if sees_reads else None,
        whatsapp=whatsapp_link(announcement),
        action_form=EmptyForm(formdata=None),
    )


@bp.post("/pengumuman/<int:announcement_id>/sematkan")
@login_required
def pin(announcement_id: int):
    """Pengurus of the announcement's wilayah or above (MANAGE_ACTIVITIES; others 403/404). POST:
    pins it above the others, or unpins a pinned one; 303 redirect to the announcement (400 on
    a bad CSRF token)."""
    announcement = load_announcement(announcement_id, Action.MANAGE_ACTIVITIES)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.set_pinned(announcement, not announcement.is_pinned)
    db.session.commit()
    if announcement.is_pinned:
        flash(_("Pengumuman disematkan di atas."), "success")
    else:
        flash(_("Pengumuman tidak lagi disematkan."), "success")
    return redirect(url_for("announcements.detail", announcement_id=announcement.id), code=303)


@bp.post("/pengumuman/<int:announcement_id>/hapus")
@login_required
def delete(announcement_id: int):
    """Pengurus of the announcement's wilayah or above (MANAGE_ACTIVITIES; others 403/404). POST:
    deletes it with its photo and read marks; 303 redirect to the Pengumuman page (400 on a bad
    CSRF token)."""
    announcement = load_announcement(announcement_id, Action.MANAGE_ACTIVITIES)
    if not EmptyForm().validate_on_submit():
        abort(400)
    photo = services.delete(announcement)
    db.session.commit()
    photos.remove(photo)
    flash(_("Pengumuman dihapus."), "success")
    return redirect(url_for("announcements.index"), code=303)


@bp.get("/pengumuman/<int:announcement_id>/foto")
@login_required
def photo(announcement_id: int):
    """Anyone who may see the announcement (VIEW; others 404): its photo as a JPEG (404 when it
    has none), for this browser only (``private``)."""
    announcement = load_announcement(announcement_id, Action.VIEW)
    return photos.response(announcement.photo_name)


@bp.get("/pengumuman/<int:announcement_id>/poster")
@login_required
def poster(announcement_id: int):
    """Pengurus of the announcement's wilayah or above (MANAGE_ACTIVITIES; others 403/404): the
    printable one-page notice with the announcement's text and a QR code to it."""
    announcement = load_announcement(announcement_id, Action.MANAGE_ACTIVITIES)
    return render(
        "announcements/poster.html", announcement=announcement, announcement_url=_url(announcement)
    )


@bp.get("/pengumuman/<int:announcement_id>/qr.svg")
@login_required
def poster_qr(announcement_id: int):
    """Pengurus of the announcement's wilayah or above (MANAGE_ACTIVITIES; others 403/404): an SVG
    file, the QR code of the announcement's page."""
    announcement = load_announcement(announcement_id, Action.MANAGE_ACTIVITIES)
    out = io.BytesIO()
    segno.make(_url(announcement), error="m").save(
        out, kind="svg", scale=8, border=2, title=_("Pengumuman")
    )
    return Response(out.getvalue(), mimetype="image/svg+xml")
