"""Notification preferences and quiet hours (the "Pengaturan notifikasi" page)."""

from __future__ import annotations

from datetime import time

from flask import abort, flash, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from community.core.forms import EmptyForm
from community.extensions import db
from community.notifications import bp, kinds, outbox, services
from community.notifications.forms import prefs_form
from community.web.htmx import render


def _minute(value: time) -> int:
    return value.hour * 60 + value.minute


@bp.route("/profil/notifikasi", methods=["GET", "POST"])
@login_required
def preferences():
    """Signed in, their own settings (signed out: redirect to sign-in). GET: the Pengaturan
    notifikasi page with their devices. POST: saves the switches and quiet hours, 303 redirect back;
    422 with the form on bad input."""
    pref = services.get_prefs(current_user.id)
    form = prefs_form(obj=pref)
    switches = kinds.switches()
    if not form.is_submitted():
        form.quiet_start.data = time(*divmod(pref.quiet_start_minute, 60))
        form.quiet_end.data = time(*divmod(pref.quiet_end_minute, 60))
    if form.validate_on_submit():
        services.save_prefs(
            current_user.id,
            **{s.field: form[s.field].data for s in switches},
            quiet_start_minute=_minute(form.quiet_start.data),
            quiet_end_minute=_minute(form.quiet_end.data),
        )
        db.session.commit()
        flash(_("Pengaturan notifikasi tersimpan."), "success")
        return redirect(url_for("notifications.preferences"), code=303)
    return render(
        "notifications/preferences.html",
        form=form,
        switches=switches,
        devices=outbox.subscriptions_of(current_user.id),
        server_key=services.application_server_key(services.load_vapid()),
        remove_form=EmptyForm(),
        status=422 if form.errors else 200,
    )


# --- devices (push subscriptions) --------------------------------------------------------

SUBSCRIPTION_MESSAGES = {
    "endpoint_invalid": _l("Data langganan dari browser tidak lengkap. Coba lagi."),
    "endpoint_not_https": _l("Layanan notifikasi browser ini tidak didukung (harus HTTPS)."),
    "endpoint_userinfo": _l("Layanan notifikasi browser ini tidak didukung."),
    "endpoint_port": _l("Layanan notifikasi browser ini tidak didukung."),
    "endpoint_ip": _l("Layanan notifikasi browser ini tidak didukung."),
    "endpoint_private": _l("Layanan notifikasi browser ini tidak didukung."),
    "endpoint_not_allowed": _l(
        "Layanan notifikasi browser ini tidak kami kenal. Gunakan Chrome, Firefox, Edge atau Safari."
    ),
    "key_invalid": _l("Kunci notifikasi dari browser tidak valid. Coba lagi."),
    "auth_invalid": _l("Kunci notifikasi dari browser tidak valid. Coba lagi."),
    "endpoint_taken": _l(
        "Browser ini sudah menerima notifikasi untuk akun lain. Pemiliknya perlu mematikan "
        "notifikasi di browser ini dulu (Pengaturan notifikasi). Tidak ada yang diubah."
    ),
    "too_many": _l(
        "Sudah 10 perangkat menerima notifikasi. Hapus perangkat lama dulu di halaman ini."
    ),
}
_BROWSERS = (("Edg/", "Edge"), ("SamsungBrowser", "Samsung Internet"), ("Firefox", "Firefox"),
             ("Chrome", "Chrome"), ("Safari", "Safari"))  # fmt: skip
_SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
            ("Mac OS", "Mac"), ("Linux", "Linux"))  # fmt: skip


def device_label(user_agent: str) -> str:
    """ "Chrome · Android": enough for a resident to tell their devices apart."""
    browser = next((name for key, name in _BROWSERS if key in user_agent), "Browser")
    system = next((name for key, name in _SYSTEMS if key in user_agent), "")
    return f"{browser} · {system}" if system else browser


def _json_error(message, status: int = 422):
    return jsonify({"error": str(message)}), status


@bp.post("/profil/notifikasi/perangkat")
@login_required
def subscribe():
    """Signed in (the browser's static/js/push.js, for its user). POST JSON: stores this browser's
    ``PushSubscription``; answers 201 JSON with its id, or 422 JSON with the error (bad or
    unsupported endpoint, taken by another account, too many devices)."""
    data = request.get_json(silent=True)
    try:
        sub = outbox.subscribe(
            current_user.id, data, device=device_label(request.headers.get("User-Agent", ""))
        )
    except outbox.SubscriptionError as exc:
        db.session.rollback()
        return _json_error(exc.message(SUBSCRIPTION_MESSAGES))
    db.session.commit()
    return jsonify({"id": sub.id, "message": _("Notifikasi aktif di perangkat ini.")}), 201


@bp.post("/profil/notifikasi/perangkat/lepas")
@login_required
def unsubscribe_this():
    """Signed in, their own device (static/js/push.js). POST JSON: this browser turned notifications
    off, forget it (by its endpoint); answers 200 JSON, or 404 JSON when it is not theirs."""
    data = request.get_json(silent=True)
    endpoint = data.get("endpoint") if isinstance(data, dict) else None
    sub = outbox.find_by_endpoint(current_user.id, endpoint) if isinstance(endpoint, str) else None
    if sub is None:
        return _json_error(_("Perangkat ini tidak terdaftar."), 404)
    outbox.unsubscribe(sub)
    db.session.commit()
    return jsonify({"message": _("Notifikasi dimatikan di perangkat ini.")})


@bp.post("/profil/notifikasi/perangkat/<int:subscription_id>/hapus")
@login_required
def remove_device(subscription_id: int):
    """Signed in, their own device only (another's: 404). POST: stops notifications to that device;
    303 redirect to Pengaturan notifikasi."""
    form = EmptyForm()
    sub = outbox.get_subscription(current_user.id, subscription_id) or abort(404)
    if form.validate_on_submit():
        outbox.unsubscribe(sub)
        db.session.commit()
        flash(_("Perangkat dihapus: tidak akan menerima notifikasi lagi."), "success")
    return redirect(url_for("notifications.preferences"), code=303)
