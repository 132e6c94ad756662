"""Sign-in, registration, profile, password reset and the resident's own data."""

from __future__ import annotations

import json

from flask import Response, flash, redirect, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from community.accounts import bp, services
from community.accounts.forms import (
    DeleteAccountForm,
    EmptyForm,
    LoginForm,
    PasswordForm,
    ProfileForm,
    RegisterForm,
    ResetForm,
)
from community.accounts.rules import InvalidPhone, normalise_phone
from community.arisan import personal_data as arisan_data
from community.arisan.receipts import RECEIPTS
from community.core.time import format_wita, utcnow
from community.events import feeds, personal_data
from community.extensions import db, fail_closed
from community.messages import services as messages
from community.moderation import services as moderation
from community.web.htmx import render
from community.web.ratelimits import per_address, per_key
from community.web.redirects import safe_next


def _account_key() -> str:
    """Rate-limit key for "this account": the normalised phone being tried."""
    raw = request.form.get("phone", "")
    try:
        return "acct:" + normalise_phone(raw)
    except InvalidPhone:
        return "acct:?" + raw[:20]


def _account_and_address_key() -> str:
    """ "This account from this address": a stranger guessing from their own address
    uses up their own attempts, not the owner's."""
    return f"{_account_key()}@{get_remote_address()}"


auth_limits = [
    per_address("AUTH_LIMIT_PER_IP"),
    per_key("AUTH_LIMIT_PER_ACCOUNT", _account_and_address_key),
    # Guessing one password from many addresses still meets a ceiling; it is several times
    # the per-address limit, so one stranger alone cannot lock the owner out.
    per_key("AUTH_LIMIT_PER_ACCOUNT_TOTAL", _account_key),
]


def rate_limited(view):
    for decorate in auth_limits:
        view = decorate(view)
    return fail_closed(view)


def _start_session(user, remember: bool) -> None:
    """Renew the session at sign-in so nothing planted before it survives."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    login_user(user, remember=remember)


@bp.route("/daftar", methods=["GET", "POST"])
@rate_limited
def register():
    """Anyone signed out (signed in: redirect home); rate-limited per address and per phone (429, or
    503 when the counters are down). GET: the Daftar page. POST: creates the account and signs in,
    303 redirect to Gabung RT; 422 with the form on bad input or a phone already registered."""
    if current_user.is_authenticated:
        return redirect(url_for("web.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.register(
                phone=form.phone.data,
                password=form.password.data,
                name=form.name.data,
                email=form.email.data,
                language=session.get("lang") or "id",
            )
        except services.AccountError:
            form.phone.errors.append(
                _(
                    "Nomor HP ini sudah terdaftar. Silakan masuk, atau minta kode reset ke pengurus RT."
                )
            )
        else:
            db.session.commit()
            _start_session(user, remember=False)
            flash(_("Akun Anda sudah dibuat. Sekarang gabung ke RT Anda."), "success")
            return redirect(url_for("areas.join"), code=303)
    return render("accounts/register.html", form=form, status=422 if form.errors else 200)


@bp.route("/masuk", methods=["GET", "POST"])
@rate_limited
def login():
    """Anyone signed out (signed in: redirect home); rate-limited like registration (429/503). GET:
    the Masuk page. POST: signs in, flashes any reset code issued for the account, 303 redirect to
    ``next`` (same site only); 422 with the form on a wrong phone or password."""
    if current_user.is_authenticated:
        return redirect(url_for("web.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.phone.data, form.password.data)
        if user is not None:
            notices = services.take_reset_notices(user, now=utcnow())
            db.session.commit()  # notices told, and a rehashed password if parameters changed
            _start_session(user, remember=form.remember.data)
            _tell_reset_codes(notices)
            return redirect(_next_url(), code=303)
        form.password.errors.append(_("Nomor HP atau kata sandi salah."))
    return render("accounts/login.html", form=form, status=422 if form.errors else 200)


def _tell_reset_codes(notices: list[services.ResetNotice]) -> None:
    """A reset code hands the account to whoever holds it: its owner must know."""
    locale = str(get_locale() or "id")
    for notice in notices:
        when = format_wita(notice.issued_at, locale)
        if notice.by_operator:
            message = _(
                "Kode reset kata sandi untuk akun Anda dibuat oleh pengelola server Rukun "
                "pada %(when)s. Jika bukan Anda yang memintanya, segera hubungi admin kota.",
                when=when,
            )
        elif notice.issued_by:
            message = _(
                "Kode reset kata sandi untuk akun Anda dibuat oleh %(name)s pada %(when)s. "
                "Jika bukan Anda yang memintanya, segera hubungi ketua RT atau ketua RW Anda.",
                name=notice.issued_by,
                when=when,
            )
        else:
            message = _(
                "Kode reset kata sandi untuk akun Anda dibuat oleh pengurus yang akunnya "
                "sudah dihapus, pada %(when)s. Jika bukan Anda yang memintanya, segera "
                "hubungi ketua RT atau ketua RW Anda.",
                when=when,
            )
        flash(message, "warning")


def _next_url() -> str:
    return safe_next(request.args.get("next"), url_for("web.index"))


@bp.post("/keluar")
def logout():
    """Anyone (signed out: nothing to end). POST: with a valid CSRF token, ends every session of the
    account and renews the calendar feed URL; always signs this browser out and answers a 303
    redirect home with ``Clear-Site-Data``."""
    form = EmptyForm()
    if current_user.is_authenticated and form.validate_on_submit():
        services.rotate_session(current_user)
        feeds.rotate_feed(current_user, token=feeds.new_token(), now=utcnow())
        db.session.commit()
    logout_user()
    session.clear()
    response = redirect(url_for("web.index"), code=303)
    # "storage" empties Cache Storage too (pages kept for offline use) on a shared phone.
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@bp.route("/lupa-sandi", methods=["GET", "POST"])
@rate_limited
def reset():
    """Anyone holding a reset code from a pengurus; rate-limited like sign-in (429/503). GET: the
    Lupa sandi page. POST: sets the new password (the calendar feed URL renewed), 303 redirect to
    sign-in; 422 with the form on a wrong, used or expired code."""
    form = ResetForm()
    if form.validate_on_submit():
        try:
            user = services.reset_password(
                phone=form.phone.data,
                code=form.code.data,
                password=form.password.data,
                now=utcnow(),
            )
        except services.AccountError:
            form.code.errors.append(
                _(
                    "Kode reset salah, sudah dipakai, atau sudah kedaluwarsa. Minta kode baru ke pengurus RT."
                )
            )
        else:
            feeds.rotate_feed(user, token=feeds.new_token(), now=utcnow())
            db.session.commit()
            flash(_("Kata sandi sudah diganti. Silakan masuk dengan kata sandi baru."), "success")
            return redirect(url_for("accounts.login"), code=303)
    return render("accounts/reset.html", form=form, status=422 if form.errors else 200)


@bp.route("/profil", methods=["GET", "POST"])
@login_required
def profile():
    """Signed in, their own profile only (signed out: redirect to sign-in). GET: the Profil page.
    POST: saves name, phone, email, language and needs (withdrawing consent forgets every need), 303
    redirect back; 422 with the form on bad input, a phone in use or needs without consent."""
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        try:
            services.change_phone(current_user, form.phone.data)
            withdrawn = current_user.needs_consent and not form.needs_consent.data
            services.set_needs(
                current_user,
                consent=form.needs_consent.data,
                now=utcnow(),
                needs_wheelchair=form.needs_wheelchair.data,
                needs_lift=form.needs_lift.data,
                needs_hearing=form.needs_hearing.data,
                needs_vision=form.needs_vision.data,
            )
        except services.AccountError as exc:
            _profile_error(form, exc.code)
        else:
            if withdrawn:  # every need goes at once, on the answers too
                personal_data.forget_needs(current_user)
            services.update_profile(
                current_user,
                name=form.name.data,
                email=form.email.data or None,
                language=form.language.data,
                is_large_text=form.is_large_text.data,
                is_phone_shared=form.is_phone_shared.data,
            )
            db.session.commit()
            session["lang"] = current_user.language
            flash(_("Profil tersimpan."), "success")
            return redirect(url_for("accounts.profile"), code=303)
        db.session.rollback()
    return render(
        "accounts/profile.html",
        form=form,
        password_form=PasswordForm(prefix="pw"),
        delete_form=DeleteAccountForm(prefix="del"),
        status=422 if form.errors else 200,
    )


def _profile_error(form: ProfileForm, code: str) -> None:
    """Put a refused profile change where the resident looks for it."""
    if code == "needs_without_consent":
        form.needs_consent.errors.append(
            _(
                "Centang persetujuan untuk menyimpan kebutuhan khusus, atau kosongkan "
                "semua kebutuhan."
            )
        )
    else:
        form.phone.errors.append(_("Nomor HP ini sudah dipakai akun lain."))


@bp.route("/profil/sandi", methods=["POST"])
@login_required
def change_password():
    """Signed in, their own account (signed out: redirect to sign-in). POST: with the right current
    password, sets the new one, signs other devices out and renews the calendar feed, 303 redirect
    to the profile; otherwise 422 with the profile page."""
    form = PasswordForm(prefix="pw")
    if form.validate_on_submit():
        if services.check_password(current_user, form.current.data):
            services.set_password(current_user, form.password.data)
            feeds.rotate_feed(current_user, token=feeds.new_token(), now=utcnow())
            db.session.commit()
            # Keep this device signed in with the new token (the real user, not the proxy).
            login_user(current_user._get_current_object())
            flash(_("Kata sandi sudah diganti. Perangkat lain sudah dikeluarkan."), "success")
            return redirect(url_for("accounts.profile"), code=303)
        form.current.errors.append(_("Kata sandi sekarang salah."))
    return render(
        "accounts/profile.html",
        form=ProfileForm(obj=current_user, formdata=None),
        password_form=form,
        delete_form=DeleteAccountForm(prefix="del"),
        status=422,
    )


@bp.get("/profil/data.json")
@login_required
def export():
    """Signed in, their own data only (signed out: redirect to sign-in): a JSON file download
    (``data-rukun-saya.json``) of everything Rukun holds about them."""
    data = services.export_data(current_user, now=utcnow())
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="data-rukun-saya.json"'},
    )


@bp.post("/profil/hapus")
@login_required
def delete():
    """Signed in, their own account, confirmed by password (signed out: redirect to sign-in). POST:
    erases the person and the account, signs out, 303 redirect home with ``Clear-Site-Data``; a
    wrong password answers 422 with the profile page."""
    form = DeleteAccountForm(prefix="del")
    if form.validate_on_submit():
        if services.check_password(current_user, form.password.data):
            personal_data.erase_person(current_user)
            messages.erase_person(current_user, now=utcnow())  # their messages' text
            moderation.erase_person(current_user)  # the reported copies of their text
            receipts = arisan_data.erase_person(current_user)  # their receipt photos
            services.delete_account(current_user)
            db.session.commit()
            for name in receipts:
                RECEIPTS.remove(name)
            logout_user()
            session.clear()
            flash(_("Akun Anda sudah dihapus. Terima kasih telah memakai Rukun."), "success")
            response = redirect(url_for("web.index"), code=303)
            response.headers["Clear-Site-Data"] = '"cache", "storage"'
            return response
        form.password.errors.append(_("Kata sandi salah."))
    return render(
        "accounts/profile.html",
        form=ProfileForm(obj=current_user, formdata=None),
        password_form=PasswordForm(prefix="pw"),
        delete_form=form,
        status=422,
    )
