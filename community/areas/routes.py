"""RT membership, pengurus tools and the wilayah pages. load → authorize → act → commit."""

from __future__ import annotations

import io

import segno
from flask import Response, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user
from wtforms.fields.choices import SelectChoice

from community.accounts import services as accounts
from community.accounts.forms import EmptyForm
from community.accounts.policies import has_authority_over
from community.areas import bp, rules, services
from community.areas.forms import ROLE_LABELS, AddChildForm, AppointForm, ConfirmJoinForm, JoinForm
from community.areas.models import Level
from community.core.authz import (
    Action,
    appointable_roles,
    can,
    forget_grants,
    preload_grants,
    require,
)
from community.core.time import utcnow
from community.extensions import db
from community.web.htmx import render
from community.web.ratelimits import per_address, per_user

JOIN_ERRORS = {
    "bad_code": _l("Kode undangan tidak dikenal atau sudah tidak berlaku. Minta kode terbaru ke pengurus RT."),
    "already_member": _l("Anda sudah menjadi warga RT ini."),
    "already_pending": _l("Anda sudah punya permintaan bergabung yang menunggu persetujuan. Batalkan dulu jika ingin mengganti RT."),
    "member_elsewhere": _l("Anda sudah menjadi warga %(rt)s. Jika Anda pindah, centang \"Saya pindah RT\"."),
}  # fmt: skip


@bp.route("/gabung", methods=["GET", "POST"])
@login_required
@per_address("AUTH_LIMIT_PER_IP")  # invite codes must not be guessable by brute force
def join():
    """Signed in (signed out: redirect to sign-in); rate-limited per address (429). GET: the Gabung
    RT page. POST: a join request for the invite code, 303 redirect home; 422 with the form on a bad
    code, an open request or another RT."""
    form = JoinForm()
    if form.validate_on_submit():
        error = _send_join(form.code.data, form.is_move.data)
        if error is None:
            return redirect(url_for("web.index"), code=303)
        form.code.errors.append(error)
    return render(
        "areas/join.html",
        form=form,
        pending=services.pending_request_of(current_user),
        status=422 if form.errors else 200,
    )


def _send_join(code: str, is_move: bool) -> str | None:
    now = utcnow()
    rt = services.find_rt_by_code(code, now=now)
    if rt is None:
        return str(JOIN_ERRORS["bad_code"])
    try:
        services.request_join(current_user, rt, is_move=is_move, now=now)
    except services.AreaError as exc:
        db.session.rollback()
        return exc.message(JOIN_ERRORS)
    db.session.commit()
    flash(_("Permintaan bergabung ke %(rt)s terkirim.", rt=rt.full_name), "success")
    return None


@bp.route("/gabung/<code>", methods=["GET", "POST"])
@login_required
@per_address("AUTH_LIMIT_PER_IP", methods=["GET", "POST"])
def join_link(code: str):
    """Signed in (signed out: redirect to sign-in); rate-limited per address on GET and POST (429).
    The link inside the QR poster: GET shows which RT the code belongs to (404 page for an unknown
    code); POST sends the request, 303 redirect home, or 422 with the error."""
    rt = services.find_rt_by_code(code, now=utcnow())
    form = ConfirmJoinForm(code=code)
    error = None
    if form.validate_on_submit():
        error = _send_join(form.code.data, form.is_move.data)
        if error is None:
            return redirect(url_for("web.index"), code=303)
    status = 404 if rt is None else (422 if error else 200)
    return render("areas/join_link.html", rt=rt, form=form, error=error, status=status)


@bp.post("/gabung/batal")
@login_required
def cancel_join():
    """Signed in, their own pending request (signed out: redirect to sign-in). POST: withdraws the
    join request; always a 303 redirect home."""
    if EmptyForm().validate_on_submit():
        services.cancel_request(current_user)
        db.session.commit()
        flash(_("Permintaan bergabung dibatalkan."), "success")
    return redirect(url_for("web.index"), code=303)


@bp.get("/tetangga")
@login_required
def neighbours():
    """A member of an RT (signed in without one: redirect home; signed out: to sign-in): the
    Tetangga page listing the approved members of their own RT."""
    if current_user.rt is None:
        return redirect(url_for("web.index"))
    return render("areas/neighbours.html", rt=current_user.rt,
                  people=services.neighbours(current_user))  # fmt: skip


# --- the wilayah page --------------------------------------------------------------------


def _load(wilayah_id: int, action: str):
    node = services.get_wilayah(wilayah_id)
    require(action, node)
    return node


def _page(node, *, status: int = 200, appoint_form=None, child_form=None, reset_code=None,
          reset_for=None):  # fmt: skip
    """Render the wilayah page with everything the signed-in user may see there."""
    is_rt = node.level == Level.RT
    manages = is_rt and can(Action.MANAGE_MEMBERS, node)
    roles = appointable_roles(node)
    form = appoint_form or AppointForm()
    form.role.choices = [SelectChoice(r, ROLE_LABELS[r]) for r in roles]
    members = services.list_members(node) if manages else []
    preload_grants(members)
    return render(
        "areas/wilayah.html",
        node=node,
        officers=services.officers_of(node),
        children=[] if is_rt else services.children_overview(node),
        members=members,
        in_charge_of={m.id for m in members if has_authority_over(m)},
        pending=services.list_pending(node) if manages else [],
        manages=manages,
        appoint_form=form if roles else None,
        child_form=(child_form or AddChildForm()) if can(Action.ADD_CHILD, node) else None,
        action_form=EmptyForm(),
        role_labels=ROLE_LABELS,
        appointable=roles,
        invite=rules.format_invite_code(node.invite_code) if manages and node.invite_code else None,
        reset_code=reset_code,
        reset_for=reset_for,
        status=status,
    )


@bp.get("/wilayah/<int:wilayah_id>")
@login_required
def detail(wilayah_id: int):
    """Officers holding a role on this wilayah or above it (VIEW_OVERVIEW; 403 for those who may
    only see it, such as its residents, 404 for others): the wilayah page; on an RT, pengurus with
    MANAGE_MEMBERS also see requests, members and the invite code."""
    node = _load(wilayah_id, Action.VIEW_OVERVIEW)
    return _page(node)


@bp.post("/wilayah/<int:wilayah_id>/permintaan/<int:request_id>/<any(setujui, tolak):decision>")
@login_required
def decide(wilayah_id: int, request_id: int, decision: str):
    """Pengurus of the RT or its ketua RW (MANAGE_MEMBERS; others 403/404). POST: approves
    (``setujui``) or refuses (``tolak``) a pending join request (404 when not pending here); 303
    redirect to the wilayah page, flashing when another pengurus decided first."""
    node = _load(wilayah_id, Action.MANAGE_MEMBERS)
    join_request = services.get_pending_request(node, request_id)
    if join_request is None:
        abort(404)
    if EmptyForm().validate_on_submit():
        name = join_request.user.name
        try:
            services.decide(join_request, approve=decision == "setujui", by=current_user,
                            now=utcnow())  # fmt: skip
        except services.AreaError:
            db.session.rollback()
            flash(_("Permintaan ini sudah diputuskan oleh pengurus lain."), "error")
        else:
            db.session.commit()
            if decision == "setujui":
                flash(_("%(name)s sekarang warga %(rt)s.", name=name, rt=node.full_name), "success")
            else:
                flash(_("Permintaan %(name)s ditolak.", name=name), "success")
    return redirect(url_for("areas.detail", wilayah_id=node.id), code=303)


@bp.post("/wilayah/<int:wilayah_id>/kode-baru")
@login_required
def regenerate_code(wilayah_id: int):
    """Pengurus of the RT or its ketua RW (MANAGE_MEMBERS; others 403/404). POST: makes a new invite
    code, the old one stops working; 303 redirect to the wilayah page."""
    node = _load(wilayah_id, Action.MANAGE_MEMBERS)
    if EmptyForm().validate_on_submit():
        services.regenerate_invite_code(node, now=utcnow())
        db.session.commit()
        flash(_("Kode undangan baru sudah dibuat. Kode lama tidak berlaku lagi."), "success")
    return redirect(url_for("areas.detail", wilayah_id=node.id), code=303)


def _join_url(node) -> str:
    return url_for("areas.join_link", code=node.invite_code, _external=True)


@bp.get("/wilayah/<int:wilayah_id>/kode-qr.svg")
@login_required
def invite_qr(wilayah_id: int):
    """Pengurus of the RT or its ketua RW (MANAGE_MEMBERS; others 403/404): an SVG file, the QR code
    of the RT's join link; 404 when the RT has no invite code."""
    node = _load(wilayah_id, Action.MANAGE_MEMBERS)
    if not node.invite_code:
        abort(404)
    out = io.BytesIO()
    segno.make(_join_url(node), error="m").save(out, kind="svg", scale=8, border=2,
                                                 title=node.full_name)  # fmt: skip
    return Response(out.getvalue(), mimetype="image/svg+xml")


@bp.get("/wilayah/<int:wilayah_id>/poster")
@login_required
def poster(wilayah_id: int):
    """Pengurus of the RT or its ketua RW (MANAGE_MEMBERS; others 403/404): the printable invite
    poster page with the QR and the code; 404 when the RT has no invite code."""
    node = _load(wilayah_id, Action.MANAGE_MEMBERS)
    if not node.invite_code:
        abort(404)
    return render("areas/poster.html", node=node, join_url=_join_url(node),
                  invite=rules.format_invite_code(node.invite_code))  # fmt: skip


@bp.post("/wilayah/<int:wilayah_id>/anggota/<int:user_id>/kode-reset")
@login_required
def issue_reset(wilayah_id: int, user_id: int):
    """Pengurus of the RT or its ketua RW (MANAGE_MEMBERS; others 403/404), for a member they have
    authority over (``has_authority_over``, else 403; not a member 404). POST: a reset code, shown
    once on the wilayah page it answers (200)."""
    node = _load(wilayah_id, Action.MANAGE_MEMBERS)
    member = services.get_member(node, user_id)
    if member is None:
        abort(404)
    if not has_authority_over(member):
        abort(403)  # a role the user may not give: the code would hand them that role
    if not EmptyForm().validate_on_submit():
        abort(400)
    code = accounts.issue_reset_code(
        member, issued_by=current_user, now=utcnow(), wilayah_id=node.id
    )
    db.session.commit()
    # Shown once, on this response only: never stored in clear, never in a flash cookie.
    return _page(node, reset_code=code, reset_for=member)


@bp.post("/wilayah/<int:wilayah_id>/anggota/<int:user_id>/keluarkan")
@login_required
def remove_member(wilayah_id: int, user_id: int):
    """Pengurus of the RT or its ketua RW (MANAGE_MEMBERS; others 403/404), for a member they have
    authority over (``has_authority_over``, else 403; not a member: 404), never themselves. POST:
    takes the member out of the RT; 303 redirect to the wilayah page."""
    node = _load(wilayah_id, Action.MANAGE_MEMBERS)
    member = services.get_member(node, user_id)
    if member is None:
        abort(404)
    if EmptyForm().validate_on_submit():
        if member.id == current_user.id:
            flash(_("Anda tidak bisa mengeluarkan diri sendiri."), "error")
        elif not has_authority_over(member):
            abort(403)  # removal strips roles the user may not take away
        else:
            services.remove_member(node, member, by=current_user, now=utcnow())
            db.session.commit()
            flash(_("%(name)s sudah dikeluarkan dari %(rt)s.", name=member.name,
                    rt=node.full_name), "success")  # fmt: skip
    return redirect(url_for("areas.detail", wilayah_id=node.id), code=303)


# One answer whether or not the number has an account: the form must not tell who uses Rukun.
NOT_APPOINTABLE = _l(
    "Nomor HP ini bukan milik warga yang bisa diberi peran ini. Pastikan orangnya sudah "
    "mendaftar di Rukun dan menjadi warga di wilayah ini."
)
APPOINT_ERRORS = {
    "unknown_user": NOT_APPOINTABLE,
    "not_member": NOT_APPOINTABLE,
    "not_resident": NOT_APPOINTABLE,
    "already_has_role": _l("Orang ini sudah memegang peran tersebut."),
    "wrong_level": _l("Peran ini tidak ada di wilayah ini."),
}  # fmt: skip


@bp.post("/wilayah/<int:wilayah_id>/peran")
@login_required
@per_address("AUTH_LIMIT_PER_IP")  # looking up phone numbers, like sign-in
@per_user("AUTH_LIMIT_PER_ACCOUNT", "appoint")
def appoint(wilayah_id: int):
    """Whoever may give a role here (APPOINT: ``appointable_roles``; others 403/404); 429 past the
    per-address or per-user limit. POST: the role to the member with that phone, 303 redirect; 422
    with the wilayah page on bad input."""
    node = _load(wilayah_id, Action.APPOINT)
    form = AppointForm()
    form.role.choices = [SelectChoice(r, ROLE_LABELS[r]) for r in appointable_roles(node)]
    if not form.validate_on_submit():
        return _page(node, appoint_form=form, status=422)
    user = accounts.find_by_phone(form.phone.data)
    try:
        if user is None:
            raise services.AreaError("unknown_user")
        services.appoint(node, user, form.role.data)
    except services.AreaError as exc:
        db.session.rollback()
        form.phone.errors.append(exc.message(APPOINT_ERRORS))
        return _page(node, appoint_form=form, status=422)
    db.session.commit()
    forget_grants()
    if user.id == current_user.id:
        login_user(current_user._get_current_object())
    flash(_("%(name)s sekarang %(role)s %(place)s.", name=user.name,
            role=ROLE_LABELS[form.role.data], place=node.full_name), "success")  # fmt: skip
    return redirect(url_for("areas.detail", wilayah_id=node.id), code=303)


@bp.post("/wilayah/<int:wilayah_id>/peran/<int:assignment_id>/hapus")
@login_required
def revoke(wilayah_id: int, assignment_id: int):
    """Whoever may give that role on this wilayah (APPOINT; others 403/404; a role they may not take
    away: 404). POST: takes the role away, 303 redirect to the wilayah page, or home after revoking
    their own; 400 on a bad CSRF token."""
    node = _load(wilayah_id, Action.APPOINT)
    assignment = services.get_assignment(node, assignment_id)
    if assignment is None or assignment.role not in appointable_roles(node):
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    name, was_self = assignment.user.name, assignment.user_id == current_user.id
    services.revoke(assignment)
    db.session.commit()
    forget_grants()
    flash(_("%(name)s tidak lagi memegang peran itu.", name=name), "success")
    if was_self:  # their sessions were rotated: keep this one, but the page may be gone
        login_user(current_user._get_current_object())
        return redirect(url_for("web.index"), code=303)
    return redirect(url_for("areas.detail", wilayah_id=node.id), code=303)


@bp.post("/wilayah/<int:wilayah_id>/tambah")
@login_required
def add_child(wilayah_id: int):
    """An admin kelurahan/kota above, or the ketua RW for an RT under their RW (ADD_CHILD; others
    403/404). POST: adds the RW or RT with that number (an RT gets an invite code), 303 redirect to
    the wilayah page; 422 with the wilayah page on bad input or a number already used."""
    node = _load(wilayah_id, Action.ADD_CHILD)
    form = AddChildForm()
    if not form.validate_on_submit():
        return _page(node, child_form=form, status=422)
    try:
        child = services.add_child(node, form.number.data)
        if child.level == Level.RT:
            services.regenerate_invite_code(child, now=utcnow())
    except services.AreaError:
        db.session.rollback()
        form.number.errors.append(_("Nomor ini sudah ada di wilayah ini."))
        return _page(node, child_form=form, status=422)
    db.session.commit()
    flash(_("%(name)s sudah ditambahkan.", name=child.full_name), "success")
    return redirect(url_for("areas.detail", wilayah_id=node.id), code=303)
