"""Arisan pages: my groups, a new group, a group with its current round, a round with its
draw log, and the actions of the bendahara (payments, koreksi, payouts) and the pengelola
(the draw, its undo, a new cycle). load → authorize → validate → act → commit → redirect.

Only members see a group; everyone else (an RT's pengurus, officials, other residents)
gets 404, so a group's existence and who has paid stay inside it.
"""

from __future__ import annotations

from datetime import datetime

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from community.areas.models import Wilayah
from community.arisan import bp, policies, queries, rules, services
from community.arisan.forms import (
    MESSAGES,
    REJECT_REASON_TOO_SHORT,
    DissolveForm,
    FineForm,
    GroupForm,
    HostForm,
    PaymentForm,
    PayoutForm,
    RejectForm,
    ReportForm,
    TurnForm,
    UndoForm,
    order_form,
)
from community.arisan.models import ArisanGroup, ArisanRound
from community.arisan.receipts import RECEIPTS
from community.arisan.rules import ArisanError
from community.core.access_rules import OFFICIAL_ROLES, covers
from community.core.authz import grants_of
from community.core.errors import DomainError
from community.core.forms import EmptyForm
from community.core.photos import accept_photo_upload
from community.core.time import WITA, utcnow
from community.extensions import csrf, db
from community.web.htmx import render
from community.web.ratelimits import per_user


def _today() -> datetime:
    return utcnow().astimezone(WITA).date()


def load_group(group_id: int) -> ArisanGroup:
    """Load → authorize: the group for a member, 404 for anyone else."""
    group = db.session.get(ArisanGroup, group_id)
    policies.require_member(group)
    return group


def load_round(group_id: int, number: int) -> tuple[ArisanGroup, ArisanRound]:
    group = load_group(group_id)
    round_ = queries.get_round(group, number)
    if round_ is None:
        abort(404)
    return group, round_


def _refused(group: ArisanGroup, message: str, number: int | None = None, **forms):
    """422: the group's page (or round ``number``'s) again, with the message on top."""
    db.session.rollback()
    if number is None:
        return _group_page(group, error=message, status=422, **forms)
    return _round_page(group, queries.get_round(group, number), error=message, status=422,
                       **forms)  # fmt: skip


def _to_group(group: ArisanGroup, **args):
    return redirect(url_for("arisan.group", group_id=group.id, **args) + "#putaran", code=303)


# --- my groups and a new one ---------------------------------------------------------------


def _creatable_wilayah() -> list[Wilayah]:
    """The user's RT and RW (they live there), and where they organise activities."""
    from community.areas import services as areas

    found: dict[int, Wilayah] = {}
    rt = current_user.rt
    if rt is not None:
        found[rt.id] = rt
        if rt.parent is not None:
            found[rt.parent.id] = rt.parent
    officer_paths = [g.path for g in grants_of(current_user) if g.role not in OFFICIAL_ROLES]
    for w in areas.organisable_wilayah(current_user):
        # An RT's or RW's pengurus organises arisan there; officials above only see figures.
        if w.level in ("rt", "rw") and any(covers(p, w.path) for p in officer_paths):
            found[w.id] = w
    return sorted(found.values(), key=lambda w: w.path)


@bp.get("/arisan")
@login_required
def index():
    """Signed in (signed out: redirect to sign-in): the Arisan page, the groups they are a
    member of, and "Buat arisan" when they live in an RT or organise one."""
    return render(
        "arisan/index.html",
        groups=queries.list_my_groups(current_user),
        may_create=bool(_creatable_wilayah()),
    )


def _residents(wilayah_list: list[Wilayah]):
    seen = {}
    for w in wilayah_list:
        for person in services.residents_of(w):
            seen.setdefault(person.id, person)
    return sorted(seen.values(), key=lambda p: (p.name, p.id))


def _new_members(form: GroupForm, residents: dict) -> list[services.NewMember]:
    chosen = set(form.members.data or [])
    twice = set(form.dua_nama.data or [])
    lines = [
        services.NewMember(
            residents[i], None, 2 if i in twice else 1, is_bendahara=i == form.bendahara.data
        )
        for i in sorted(chosen)
    ]
    if form.bendahara.data not in chosen:  # a bendahara who keeps the money, not a name
        lines.append(services.NewMember(residents[form.bendahara.data], None, 0, True))
    names = [n.strip() for n in (form.others.data or "").splitlines() if n.strip()]
    lines += [services.NewMember(None, n[: rules.MAX_NAME_CHARS], 1) for n in names]
    return lines


def _amount(form: GroupForm, field: str, required: bool) -> int | None:
    typed = getattr(form, field).data
    if not required and not (typed or "").strip():
        return 0
    value = rules.parse_rupiah(typed)
    problem = value if isinstance(value, ArisanError) else None
    if problem is None:
        check = rules.contribution_problem if required else rules.kas_problem
        problem = check(value)
    if problem is not None:
        getattr(form, field).errors.append(str(MESSAGES[problem]))
        return None
    return value


@bp.route("/arisan/baru", methods=["GET", "POST"])
@login_required
@per_user("ARISAN_LIMIT", "arisan")
def create():
    """A resident of an RT (their RT or RW) or a pengurus (where they organise), who becomes
    the pengelola; nobody else (403). GET: the form. POST: creates the group with its members
    and first round, 303 to the group; 422 with the form on bad input (a decimal or negative
    amount, above the limit, a member of another RT, an odd number of names for two winners)."""
    places = _creatable_wilayah()
    if not places:
        abort(403)
    form = GroupForm()
    form.scope.choices = [SelectChoice(w.id, w.full_name) for w in places]
    people = _residents(places)
    choices = [SelectChoice(p.id, p.name) for p in people]
    form.members.choices = form.dua_nama.choices = choices
    form.bendahara.choices = choices
    if request.method == "GET":
        form.scope.data = current_user.rt_id or places[0].id  # their own RT first
        form.bendahara.data = current_user.id
        form.members.data = [current_user.id] if current_user.rt_id else []
    if form.validate_on_submit():
        contribution = _amount(form, "contribution", required=True)
        kas = _amount(form, "kas", required=False)
        wilayah = db.session.get(Wilayah, form.scope.data)
        if not policies.may_create_in(wilayah):
            abort(404)
        if contribution is not None and kas is not None:
            try:
                group = services.create_group(
                    wilayah, by=current_user, now=utcnow(), name=form.name.data.strip(),
                    contribution_idr=contribution, kas_idr=kas, period=form.period.data,
                    first_meeting_on=form.first_meeting_on.data,
                    meeting_time=form.meeting_time.data, place=form.place.data.strip(),
                    members=_new_members(form, {p.id: p for p in people}),
                    winners_per_draw=form.winners.data, include_unpaid=form.include_unpaid.data,
                    fixed_order=form.fixed_order.data,
                )  # fmt: skip
            except services.ArisanRefused as exc:
                db.session.rollback()
                form.members.errors.append(exc.message(MESSAGES))
            else:
                db.session.commit()
                flash(_("Arisan %(name)s sudah dibuat.", name=group.name), "success")
                return redirect(url_for("arisan.group", group_id=group.id), code=303)
    return render("arisan/form.html", form=form, people=people, status=422 if form.errors else 200)


# --- a group and its rounds -----------------------------------------------------------------


@bp.get("/arisan/<int:group_id>")
@login_required
def group(group_id: int):
    """A member of the group (others 404): the group page, its members and slots, the current round with the
    pot, Lunas / Belum bayar per slot, the host and the winner; the bendahara's "Tandai lunas"
    forms and the pengelola's "Mulai kocokan"."""
    return _group_page(load_group(group_id))


def _agreed_order(group: ArisanGroup) -> list[tuple[str, bool]]:
    """Urutan tetap: (name, has had its turn this cycle) in the agreed order; [] until agreed."""
    if not group.fixed_order:
        return []
    numbers = services.turn_order(group)
    if any(n is None for n in numbers.values()):
        return []
    won = set(services.won_in_cycle(group, group.cycle))
    names = sorted(_slot_names(group), key=lambda item: numbers[item[0]])
    return [(label, slot_id in won) for slot_id, label in names]


def _group_page(group: ArisanGroup, status: int = 200, error: str | None = None, **forms):
    return render(
        "arisan/group.html",
        group=group,
        agreed_order=_agreed_order(group),
        view=queries.round_view(group, queries.latest_round(group)),
        rounds=queries.list_rounds(group),
        balik_modal=queries.balik_modal(group),
        fresh=False,
        error=error,
        status=status,
        **{**_action_forms(group), **forms},
    )


def _round_page(group: ArisanGroup, round_: ArisanRound, status: int = 200,
                error: str | None = None, **forms):  # fmt: skip
    return render(
        "arisan/round.html",
        group=group,
        view=queries.round_view(group, round_, with_log=True),
        fresh=request.args.get("kocok") == "1",
        error=error,
        status=status,
        **{**_action_forms(group), **forms},
    )


@bp.get("/arisan/<int:group_id>/putaran/<int:number>")
@login_required
def round_page(group_id: int, number: int):
    """A member of the group (others 404): the round page, its payments and its draw log with the
    seed, the commitment, the eligible list and how to recompute the winner; the
    pengelola's undo form once it is drawn."""
    group, round_ = load_round(group_id, number)
    return _round_page(group, round_)


def _host_choices(group: ArisanGroup) -> list[SelectChoice]:
    return [SelectChoice("", _("Belum ditentukan"))] + [
        SelectChoice(str(m.id), m.display_name or _("Warga terhapus")) for m in group.members
    ]


def _turn_form(group: ArisanGroup, **kwargs) -> TurnForm:
    """Urutan tetap: the names that have not had their turn in the current cycle."""
    if not group.fixed_order:
        return TurnForm(**kwargs)
    waiting = set(rules.still_to_win(services.slot_ids(group),
                                     services.won_in_cycle(group, group.cycle)))  # fmt: skip
    numbers = services.turn_order(group)
    form = TurnForm(**kwargs)
    following = rules.next_in_order(numbers, waiting)
    if following is not None and kwargs.get("formdata", False) is None:  # shown, not sent
        form.slot.data = str(following)  # the agreed order says who is next
    names = [(slot_id, label) for slot_id, label in _slot_names(group) if slot_id in waiting]
    names.sort(key=lambda item: (numbers.get(item[0]) is None, numbers.get(item[0]) or 0))
    form.slot.choices = [
        SelectChoice(str(slot_id), label if numbers.get(slot_id) is None
                     else f"{numbers[slot_id]}. {label}")
        for slot_id, label in names
    ]  # fmt: skip
    return form


def _slot_names(group: ArisanGroup) -> list[tuple[int, str]]:
    return [
        (line.id, (line.name or _("Warga terhapus"))
         + (" " + _("(nama kedua)") if line.position == 2 else ""))
        for line in queries.slot_lines(group)
    ]  # fmt: skip


@bp.route("/arisan/<int:group_id>/urutan", methods=["GET", "POST"])
@login_required
@per_user("ARISAN_LIMIT", "arisan")
def order(group_id: int):
    """The group's pengelola (another member 403, others 404), for a group with urutan
    tetap (a drawing group 404). GET: each name with its place in the order the members
    agreed. POST: records it, 303 to the group; a place missing or given twice, or a change
    after the cycle's first turn: 422 with the form and a message, nothing changed."""
    group = load_group(group_id)
    policies.require_role(group, policies.may_run_draw(group))
    if not group.fixed_order:
        abort(404)
    names = _slot_names(group)
    form = order_form(names, services.turn_order(group))
    error = None
    if form.validate_on_submit():
        numbers = {
            slot_id: int(value) if (value := getattr(form, f"urutan_{slot_id}").data) else None
            for slot_id, _label in names
        }
        try:
            services.set_turn_order(group, numbers, by=current_user)
        except services.ArisanRefused as exc:
            db.session.rollback()
            error = exc.message(MESSAGES)
        else:
            db.session.commit()
            flash(_("Urutan giliran disimpan."), "success")
            return redirect(url_for("arisan.group", group_id=group.id), code=303)
    status = 422 if (error or form.errors) else 200
    return render("arisan/order.html", group=group, form=form, error=error, status=status)


def _action_forms(group: ArisanGroup) -> dict:
    host = HostForm(formdata=None)
    host.host.choices = _host_choices(group)
    payment = PaymentForm(formdata=None)
    payment.paid_on.data = _today()
    report = ReportForm(formdata=None)
    report.paid_on.data = _today()
    return dict(
        payment_form=payment,
        report_form=report,
        reject_form=RejectForm(formdata=None),
        payout_form=PayoutForm(formdata=None),
        undo_form=UndoForm(formdata=None),
        fine_form=FineForm(formdata=None),
        host_form=host,
        dissolve_form=DissolveForm(formdata=None),
        turn_form=_turn_form(group, formdata=None),
        action_form=EmptyForm(formdata=None),
    )


@bp.post("/arisan/<int:group_id>/putaran/<int:number>/bayar")
@login_required
@csrf.exempt  # checked in accept_photo_upload, after the upload limit is raised
@per_user("ARISAN_LIMIT", "arisan")
def pay(group_id: int, number: int):
    """The group's bendahara (another member 403, others 404). POST: "Tandai lunas" for one
    slot of the round (method, date, a receipt photo if any), 303 to the group; paying twice,
    or a receipt that is not a photo or over 5 MB, is refused with a message; a slot of
    another group 404; 400 without a CSRF token."""
    accept_photo_upload()
    group, round_ = load_round(group_id, number)
    policies.require_role(group, policies.may_record_payment(group))
    form = PaymentForm()
    if not form.validate_on_submit():
        return _refused(group, _("Periksa cara dan tanggal bayar."))
    slot = queries.slot_of(group, form.slot.data)
    if slot is None:
        abort(404)
    photo = None
    try:
        photo = RECEIPTS.store(form.photo.data.stream) if form.photo.data else None
        services.record_payment(
            round_, slot, by=current_user, method=form.method.data, paid_on=form.paid_on.data,
            now=utcnow(), receipt_name=photo,
        )  # fmt: skip
    except DomainError as exc:
        RECEIPTS.remove(photo)
        return _refused(group, exc.message(MESSAGES))
    db.session.commit()
    flash(_("Tercatat lunas."), "success")
    return _to_group(group)


@bp.post("/arisan/<int:group_id>/putaran/<int:number>/lapor")
@login_required
@csrf.exempt  # checked in accept_photo_upload, after the upload limit is raised
@per_user("ARISAN_LIMIT", "arisan")
def report(group_id: int, number: int):
    """A member of the group, for a slot of their own (others 404). POST: "Sudah transfer"
    with the method, the date and a receipt photo; it waits for the bendahara, 303 to the
    round. No photo, a file that is not a photo or over 5 MB, someone else's slot, a slot
    paid or already reported: 422 with a message; a slot of another group 404."""
    accept_photo_upload()
    group, round_ = load_round(group_id, number)
    form = ReportForm()
    if not form.validate_on_submit():
        return _refused(group, _("Periksa cara bayar dan tanggal transfer."), number)
    slot = queries.slot_of(group, form.slot.data)
    if slot is None:
        abort(404)
    if not form.photo.data:
        return _refused(group, _("Lampirkan foto bukti transfer."), number)
    photo = None
    try:
        photo = RECEIPTS.store(form.photo.data.stream)
        services.report_transfer(
            round_, slot, by=current_user, method=form.method.data, paid_on=form.paid_on.data,
            photo_name=photo, now=utcnow(),
        )  # fmt: skip
    except DomainError as exc:
        RECEIPTS.remove(photo)
        return _refused(group, exc.message(MESSAGES), number)
    db.session.commit()
    flash(_("Laporan transfer terkirim. Bendahara akan mengeceknya."), "success")
    return _to_round(group, round_)


def _to_round(group: ArisanGroup, round_: ArisanRound):
    target = url_for("arisan.round_page", group_id=group.id, number=round_.number)
    return redirect(target + "#putaran", code=303)


def load_report(group_id: int, report_id: int):
    """Load → authorize for the bendahara's decisions: the group's report, 404 otherwise."""
    group = load_group(group_id)
    policies.require_role(group, policies.may_record_payment(group))
    found = queries.report_of(group, report_id)
    if found is None:
        abort(404)
    return group, found, db.session.get(ArisanRound, found.round_id)


@bp.post("/arisan/<int:group_id>/laporan/<int:report_id>/setujui")
@login_required
@per_user("ARISAN_LIMIT", "arisan")
def approve(group_id: int, report_id: int):
    """The group's bendahara (another member 403, others 404). POST: approves a waiting
    "sudah transfer": it becomes the slot's iuran with its receipt, 303 to the round; a
    report decided already, or a slot paid meanwhile, is refused with a message."""
    group, found, round_ = load_report(group_id, report_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.approve_report(found, by=current_user, now=utcnow())
    except services.ArisanRefused as exc:
        return _refused(group, exc.message(MESSAGES), round_.number)
    db.session.commit()
    flash(_("Laporan disetujui: tercatat lunas."), "success")
    return _to_round(group, round_)


@bp.post("/arisan/<int:group_id>/laporan/<int:report_id>/tolak")
@login_required
@per_user("ARISAN_LIMIT", "arisan")
def reject(group_id: int, report_id: int):
    """The group's bendahara (another member 403, others 404). POST: rejects a waiting
    "sudah transfer" with a reason the member reads on the round page, 303 to the round;
    no reason or a report decided already: 422 with a message."""
    group, found, round_ = load_report(group_id, report_id)
    form = RejectForm()
    if not form.validate_on_submit():
        return _refused(group, str(REJECT_REASON_TOO_SHORT), round_.number)
    try:
        services.reject_report(found, by=current_user, reason=form.reason.data, now=utcnow())
    except services.ArisanRefused as exc:
        message = exc.message(MESSAGES)
        if exc.code == ArisanError.REASON_TOO_SHORT:
            message = str(REJECT_REASON_TOO_SHORT)
        return _refused(group, message, round_.number)
    db.session.commit()
    flash(_("Laporan ditolak. Anggota bisa membaca alasannya."), "success")
    return _to_round(group, round_)


@bp.get("/arisan/<int:group_id>/bukti/<int:receipt_id>")
@login_required
def receipt(group_id: int, receipt_id: int):
    """The member whose slot the receipt pays, the bendahara and the pengelola (other
    members and everyone else 404): the transfer receipt photo as a private JPEG; 404 once
    it was removed."""
    group = load_group(group_id)
    found = queries.receipt_of(group, receipt_id)
    if found is None or not policies.may_see_receipt(group, found.slot.member_id):
        abort(404)
    return RECEIPTS.response(found.photo_name)


@bp.post("/arisan/<int:group_id>/entri/<int:entry_id>/koreksi")
@login_required
@per_user("ARISAN_LIMIT", "arisan")
def reverse(group_id: int, entry_id: int):
    """The group's bendahara (another member 403, others 404). POST: a koreksi reversing one
    ledger entry of the group (the entry stays in the ledger), 303 to the group; an entry of
    another group 404; a second koreksi is refused with a message."""
    group = load_group(group_id)
    policies.require_role(group, policies.may_record_payment(group))
    entry = queries.entry_of(group, entry_id)
    if entry is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.reverse_entry(entry, by=current_user, now=utcnow())
    except services.ArisanRefused as exc:
        return _refused(group, exc.message(MESSAGES))
    db.session.commit()
    flash(_("Koreksi tercatat. Catatan lama tetap ada di buku kas."), "success")
    return _to_group(group)


@bp.post("/arisan/<int:group_id>/putaran/<int:number>/pot")
@login_required
@per_user("ARISAN_LIMIT", "arisan")
def payout(group_id: int, number: int):
    """The group's bendahara (another member 403, others 404). POST: the pot handed to a
    winner of the round, 303 to the group; a slot that did not win or was paid already is
    refused with a message; a slot of another group 404."""
    group, round_ = load_round(group_id, number)
    policies.require_role(group, policies.may_record_payment(group))
    form = PayoutForm()
    if not form.validate_on_submit():
        return _refused(group, _("Pilih cara serah."))
    slot = queries.slot_of(group, form.slot.data)
    if slot is None:
        abort(404)
    try:
        services.mark_payout(round_, slot, by=current_user, method=form.method.data, now=utcnow())
    except services.ArisanRefused as exc:
        return _refused(group, exc.message(MESSAGES))
    db.session.commit()
    flash(_("Uang arisan tercatat sudah diserahkan."), "success")
    return _to_group(group)


@bp.post("/arisan/<int:group_id>/putaran/<int:number>/denda")
@login_required
@per_user("ARISAN_LIMIT", "arisan")
def fine(group_id: int, number: int):
    """The group's bendahara (another member 403, others 404). POST: a late-payment fine
    (denda) of one slot for the round, a ledger line of the group, 303 to the round; an
    amount with decimals, negative, below Rp1.000 or above the limit is refused with a
    message; a slot of another group 404."""
    group, round_ = load_round(group_id, number)
    policies.require_role(group, policies.may_record_payment(group))
    form = FineForm()
    if not form.validate_on_submit():
        return _refused(group, _("Isi jumlah dendanya."), number)
    slot = queries.slot_of(group, form.slot.data)
    if slot is None:
        abort(404)
    amount = rules.parse_rupiah(form.amount.data)
    try:
        if isinstance(amount, ArisanError):
            raise services.ArisanRefused(amount)
        services.record_fine(round_, slot, by=current_user, amount=amount, now=utcnow(),
                             note=form.note.data or "")  # fmt: skip
    except services.ArisanRefused as exc:
        return _refused(group, exc.message(MESSAGES), number)
    db.session.commit()
    flash(_("Denda tercatat di buku kas."), "success")
    return _to_round(group, round_)


@bp.post("/arisan/<int:group_id>/putaran/<int:number>/tuan-rumah")
@login_required
@per_user("ARISAN_LIMIT", "arisan")
def host(group_id: int, number: int):
    """The group's pengelola (another member 403, others 404). POST: the host of the round's
    meeting (a member of the group, or not decided), 303 to the group; a member of another
    group is refused with a message, as is a round already drawn."""
    group, round_ = load_round(group_id, number)
    policies.require_role(group, policies.may_run_draw(group))
    form = HostForm()
    form.host.choices = _host_choices(group)
    if not form.validate_on_submit():
        return _refused(group, _("Pilih tuan rumah dari anggota arisan ini."))
    member = next((m for m in group.members if str(m.id) == form.host.data), None)
    try:
        services.set_host(round_, member)
    except services.ArisanRefused as exc:
        return _refused(group, exc.message(MESSAGES), number)
    db.session.commit()
    flash(_("Tuan rumah tercatat."), "success")
    return _to_group(group)


@bp.post("/arisan/<int:group_id>/putaran/<int:number>/kocok")
@login_required
@per_user("ARISAN_LIMIT", "arisan")
def draw(group_id: int, number: int):
    """The group's pengelola (another member 403, others 404). POST: "Mulai kocokan": draws
    the round's winner(s) with the committed seed and reveals it, 303 to the group with the
    winner; a second draw, or a draw with nobody eligible, is refused with a message."""
    group, round_ = load_round(group_id, number)
    policies.require_role(group, policies.may_run_draw(group))
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.draw_round(round_, by=current_user, now=utcnow())
    except services.ArisanRefused as exc:
        return _refused(group, exc.message(MESSAGES))
    db.session.commit()
    return redirect(
        url_for("arisan.round_page", group_id=group.id, number=round_.number, kocok=1) + "#kocokan",
        code=303,
    )


@bp.post("/arisan/<int:group_id>/putaran/<int:number>/giliran")
@login_required
@per_user("ARISAN_LIMIT", "arisan")
def turn(group_id: int, number: int):
    """The group's pengelola (another member 403, others 404). POST: urutan tetap, whose turn
    the meeting is (a name that has not had its turn this cycle), kept in the draw log, 303
    to the round; a name that had its turn or of another group, a second turn, or a group
    that draws: refused with a message."""
    group, round_ = load_round(group_id, number)
    policies.require_role(group, policies.may_run_draw(group))
    form = _turn_form(group)
    if not form.validate_on_submit():
        return _refused(group, str(MESSAGES[ArisanError.ALREADY_WON]), number)
    slot = queries.slot_of(group, form.slot.data)
    if slot is None:
        abort(404)
    try:
        services.give_turn(round_, slot, by=current_user, now=utcnow())
    except services.ArisanRefused as exc:
        return _refused(group, exc.message(MESSAGES), number)
    db.session.commit()
    return redirect(
        url_for("arisan.round_page", group_id=group.id, number=round_.number, kocok=1) + "#kocokan",
        code=303,
    )


@bp.post("/arisan/<int:group_id>/putaran/<int:number>/batal")
@login_required
@per_user("ARISAN_LIMIT", "arisan")
def undo(group_id: int, number: int):
    """The group's pengelola (another member 403, others 404). POST: undoes the round's draw
    with a reason (kept in the draw log) and commits to a new seed for the redraw, 303 to the
    round; no reason, no draw or a pot already handed over: refused with a message."""
    group, round_ = load_round(group_id, number)
    policies.require_role(group, policies.may_run_draw(group))
    form = UndoForm()
    if not form.validate_on_submit():
        return _refused(group, str(MESSAGES[ArisanError.REASON_TOO_SHORT]), number, undo_form=form)
    try:
        services.undo_draw(round_, by=current_user, reason=form.reason.data, now=utcnow())
    except services.ArisanRefused as exc:
        form.reason.errors = [exc.message(MESSAGES)]
        return _refused(group, exc.message(MESSAGES), number, undo_form=form)
    db.session.commit()
    flash(_("Kocokan dibatalkan dan tercatat. Kocokan ulang memakai kode baru."), "success")
    target = url_for("arisan.round_page", group_id=group.id, number=round_.number)
    return redirect(target + "#kocokan", code=303)


@bp.post("/arisan/<int:group_id>/siklus-baru")
@login_required
@per_user("ARISAN_LIMIT", "arisan")
def new_cycle(group_id: int):
    """The group's pengelola (another member 403, others 404). POST: once every slot has won,
    starts the next cycle with the same members, 303 to the group; refused with a message
    while a slot has not won."""
    group = load_group(group_id)
    policies.require_role(group, policies.may_run_draw(group))
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.start_new_cycle(group, by=current_user, now=utcnow())
    except services.ArisanRefused as exc:
        return _refused(group, exc.message(MESSAGES))
    db.session.commit()
    flash(_("Siklus baru dimulai."), "success")
    return _to_group(group)


@bp.post("/arisan/<int:group_id>/bubarkan")
@login_required
@per_user("ARISAN_LIMIT", "arisan")
def dissolve(group_id: int):
    """The group's pengelola (another member 403, others 404). POST: "Bubarkan arisan",
    confirmed by a tick: the group stops, nothing more is recorded but a koreksi, and every
    member sees the balik modal from the ledger; 303 to the group. Without the tick, or a
    group dissolved already: refused with a message."""
    group = load_group(group_id)
    policies.require_role(group, policies.may_run_draw(group))
    form = DissolveForm()
    if not form.validate_on_submit():
        return _refused(group, _("Centang dulu bahwa Anda mengerti."), dissolve_form=form)
    try:
        services.dissolve(group, by=current_user, now=utcnow(),
                          cancel_reason=_("Arisan ini dibubarkan."))  # fmt: skip
    except services.ArisanRefused as exc:
        return _refused(group, exc.message(MESSAGES))
    db.session.commit()
    flash(_("Arisan dibubarkan. Balik modal dihitung dari buku kas."), "success")
    return redirect(url_for("arisan.group", group_id=group.id) + "#balik-modal", code=303)
