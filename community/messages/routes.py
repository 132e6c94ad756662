"""Routes of direct messages. A conversation is loaded through the reader's own membership:
anyone else, whatever their role, gets 404 for it, as a page, a fragment or a poll."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from jinja2_fragments.flask import render_block
from werkzeug.wrappers import Response

from community.accounts.models import User
from community.core.forms import EmptyForm
from community.core.idempotency import idempotent
from community.core.time import utcnow
from community.extensions import db
from community.messages import bp, policies, queries, rules, services
from community.messages.forms import MessageForm
from community.messages.models import ConversationMember
from community.messages.services import MessageError
from community.moderation.mutes import MutedError
from community.web.htmx import render, wants_fragment
from community.web.ratelimits import per_user
from community.web.redirects import safe_next

MESSAGES = {
    "self": _l("Anda tidak dapat mengirim pesan kepada diri sendiri."),
    "you_blocked": _l("Anda memblokir warga ini. Buka blokir dulu untuk mengirim pesan."),
    "blocked": _l("Warga ini tidak menerima pesan dari Anda."),
    "out_of_scope": _l(
        "Pesan hanya bisa dikirim kepada warga satu RW, warga yang menjawab kegiatan yang "
        "sama, atau pengurus RT Anda."
    ),
    "gone": _l("Warga ini sudah tidak memakai Rukun."),
    "empty": _l("Pesan tidak boleh kosong."),
    "too_long": _l("Pesan paling banyak 2.000 karakter."),
    "not_yours": _l("Anda hanya dapat menghapus pesan Anda sendiri."),
}
WAIT = _l("Tunggu sebentar sebelum mengirim lagi.")
POLL_OVERLAP = timedelta(seconds=10)  # see _poll_stamp


def _membership(conversation_id: int) -> ConversationMember:
    """Load → authorize: the signed-in person's membership, else 404 (never 403: whether a
    conversation exists is itself private)."""
    return queries.get_membership(conversation_id, current_user.id) or abort(404)


def _page(membership: ConversationMember, form: MessageForm | None = None, *,
          status: int = 200, block: str | list[str] | None = None, sent=None,
          before: int | None = None, fragment_older: bool = False) -> Response:  # fmt: skip
    conversation = membership.conversation
    other = queries.other_person(conversation, current_user.id)
    blocked_by_me = other is not None and queries.blocks_between(current_user.id, other.id)[0]
    page = queries.list_messages(conversation.id, before)
    response = render(
        "messages/conversation.html",
        block,
        status=status,
        membership=membership,
        conversation=conversation,
        other=other,
        blocked_by_me=blocked_by_me,
        lines=[sent] if sent else page.lines,
        has_older=page.has_older,
        before=before,
        fragment_older=fragment_older,
        sent=sent,
        form=form or MessageForm(formdata=None),
        poll_delays=rules.POLL_DELAYS_SECONDS,
        poll_since=_poll_stamp(),
    )
    response.headers["Cache-Control"] = "no-store"  # a stale copy would poll from old ids
    return response


def _poll_stamp() -> str:
    """The server's clock for the page's next poll (``sejak``): deletions after it are
    sent. A few seconds early, so one committed while this request ran is not missed."""
    return f"{(utcnow() - POLL_OVERLAP).timestamp():.3f}"


def _poll_since(value: str | None) -> datetime | None:
    """``sejak`` as the page sent it back; None when absent. Bad values: 400."""
    if value is None:
        return None
    try:
        stamp = float(value)
        if not math.isfinite(stamp) or stamp < 0:
            raise ValueError(value)
        return datetime.fromtimestamp(stamp, UTC)
    except (ValueError, OverflowError, OSError):
        abort(400)


@bp.get("/pesan")
@login_required
def index():
    """Signed in (signed out: redirect to sign-in): their own conversations, latest first, with
    the other person's name, the latest message, its time in WITA and the unread count, and
    the people they blocked (with "Buka blokir")."""
    return render(
        "messages/index.html",
        conversations=queries.list_conversations(current_user.id),
        blocked=queries.list_blocked(current_user.id),
    )


@bp.post("/pesan/mulai/<int:user_id>")
@login_required
def start(user_id: int):
    """Signed in (signed out: redirect to sign-in). POST: opens the conversation with that
    person, made on first use: 303 to it. Refused (not in scope, blocked, oneself): 303 back
    to ``next`` with the reason flashed. 404 for an unknown person."""
    recipient = db.session.get(User, user_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        conversation = services.start_conversation(current_user, recipient, now=utcnow())
    except MessageError as exc:
        db.session.rollback()
        flash(exc.message(MESSAGES), "error")
        return redirect(safe_next(request.form.get("next"), url_for("messages.index")), code=303)
    db.session.commit()
    return redirect(url_for("messages.conversation", conversation_id=conversation.id), code=303)


@bp.get("/pesan/<int:conversation_id>")
@login_required
def conversation(conversation_id: int):
    """A member of the conversation, one of its two (anyone else, any role: 404; signed out: redirect to sign-in): the
    conversation page with its latest messages and the send form; marks it read (a write
    only when something was unread). ``?sebelum=<id>``: the messages before that one
    ("Pesan sebelumnya"; htmx: those lines and the next link only), nothing marked read;
    400 for a bad id."""
    membership = _membership(conversation_id)
    before = request.args.get("sebelum", type=int)
    if before is not None:  # "Pesan sebelumnya": older ones, nothing marked read
        if before < 1:
            abort(400)
        if wants_fragment():  # the older lines and the next link, put where the link was
            return _page(membership, block="older_messages", before=before, fragment_older=True)
        return _page(membership, before=before)
    if services.mark_read(membership, queries.latest_message_id(conversation_id), now=utcnow()):
        db.session.commit()
    return _page(membership)


@bp.post("/pesan/<int:conversation_id>")
@login_required
@per_user("MESSAGE_LIMIT_PER_SENDER", "message")
@idempotent
def send(conversation_id: int):
    """A member of the conversation, one of its two (others 404). POST: sends a message; 303 to the conversation, or for
    htmx the cleared form with the new message appended (200). Empty, too long, or blocked:
    422 with the form and the reason. Over the send limit: 429 "Tunggu sebentar" (htmx: 422
    with the form, so the message stays typed; a message kept offline and sent again,
    ``X-Rukun-Kept``: 429, so the phone tries again later). With an ``Idempotency-Key``
    (the phone sends one), a message that arrived is never stored twice."""
    membership = _membership(conversation_id)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            message = services.send(membership.conversation, current_user, form.body.data,
                                    now=utcnow())  # fmt: skip
        except (MessageError, MutedError) as exc:
            db.session.rollback()
            form.body.errors = [exc.message(MESSAGES)]
        else:
            db.session.commit()
            if wants_fragment():
                line = queries.Line(message.id, message.sender_id, message.body,
                                    message.created_at, False)  # fmt: skip
                return _page(membership, block=["send_form", "sent"], sent=line)
            return redirect(url_for("messages.conversation", conversation_id=conversation_id,
                                    _anchor="send-form"), code=303)  # fmt: skip
    return _page(membership, form, status=422, block="send_form")


@bp.errorhandler(429)
def _too_many(exc):
    """The send limit: the conversation page (htmx: its form) saying "Tunggu sebentar"."""
    membership = queries.get_membership(
        (request.view_args or {}).get("conversation_id", 0), current_user.id
    )
    if membership is None:
        return exc
    form = MessageForm()
    form.validate()  # keeps what was typed; the errors are replaced below
    form.body.errors = [WAIT]
    if request.headers.get("X-Rukun-Kept"):  # a replay from the phone's queue: it waits
        return exc
    if wants_fragment():
        return _page(membership, form, status=422, block="send_form")
    return _page(membership, form, status=429)


@bp.get("/pesan/<int:conversation_id>/baru")
@login_required
def poll(conversation_id: int):
    """A member of the conversation, one of its two (others 404). The poll of an open page: the messages after
    ``?setelah=<id>`` as a fragment (200), marked read, and those from ``dari=<id>`` deleted
    or hidden by a pengurus after ``sejak=<server time>`` (the page replaces them); 204 with no
    body when there are none; ``X-Poll-Since`` is the next ``sejak``. 400 without a valid
    ``setelah`` or with a bad ``dari``/``sejak``. One statement when nothing is new."""
    after = request.args.get("setelah", type=int)
    from_id = request.args.get("dari", type=int)
    if after is None or after < 0 or (from_id is not None and from_id < 0):
        abort(400)
    stamp = _poll_stamp()
    found = queries.poll(conversation_id, current_user.id, after, from_id=from_id,
                         since=_poll_since(request.args.get("sejak")))  # fmt: skip
    if not found.is_member:
        abort(404)
    if not found.lines:
        response = Response(status=204)
        response.vary.add("HX-Request")
        response.headers["X-Poll-Since"] = stamp
        return response
    membership = _membership(conversation_id)
    if services.mark_read(membership, found.lines[-1].id, now=utcnow()):
        db.session.commit()
    other = queries.other_person(membership.conversation, current_user.id)
    body = render_block("messages/conversation.html", "message_lines", lines=found.lines,
                        conversation=membership.conversation, other=other)  # fmt: skip
    response = Response(body, mimetype="text/html")
    response.vary.add("HX-Request")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Poll-Since"] = stamp
    return response


@bp.post("/pesan/<int:conversation_id>/<int:message_id>/hapus")
@login_required
def delete(conversation_id: int, message_id: int):
    """A member of the conversation, one of its two (others 404; a message of another conversation: 404). POST: the
    writer deletes their own message (someone else's: 403), shown as "pesan dihapus"; 303 to
    the conversation, or for htmx the message as it now shows (200)."""
    membership = _membership(conversation_id)
    message = services.get_message(conversation_id, message_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.delete_message(message, current_user, now=utcnow())
    except MessageError:
        abort(403)
    db.session.commit()
    if wants_fragment():
        line = queries.Line(message.id, message.sender_id, message.body, message.created_at,
                            True)  # fmt: skip
        return _page(membership, block="message_lines", sent=line)
    return redirect(url_for("messages.conversation", conversation_id=conversation_id), code=303)


@bp.post("/pesan/<int:conversation_id>/privat")
@login_required
def private(conversation_id: int):
    """A member of the conversation, one of its two (others 404). POST: turns "hide this
    conversation on the lock screen" on, or off when it is on, for the reader only (their
    pushes then say "N pesan baru" without a name or a text); 303 to the conversation."""
    membership = _membership(conversation_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.set_private(membership, not membership.is_private)
    db.session.commit()
    if membership.is_private:
        flash(_("Notifikasi percakapan ini tidak lagi menampilkan nama dan isi pesan."), "success")
    else:
        flash(_("Notifikasi percakapan ini menampilkan nama dan isi pesan lagi."), "success")
    return redirect(url_for("messages.conversation", conversation_id=conversation_id,
                            _anchor="privacy-heading"), code=303)  # fmt: skip


def _blockable(user_id: int) -> User:
    """Someone the signed-in person may block: a person they share a conversation with or
    could message (blocks aside). Anyone else: 404, so no id reveals a name."""
    person = db.session.get(User, user_id) or abort(404)
    if person.id == current_user.id:
        abort(404)
    if queries.find_conversation(current_user.id, person.id) is None:
        me, them = policies.person(current_user), policies.person(person)
        if not rules.in_scope(me, them, answered_same_activity=False) and not (
            policies.answered_same_activity(current_user.id, person.id)
        ):
            abort(404)
    return person


@bp.post("/blokir/<int:user_id>")
@login_required
def block(user_id: int):
    """Signed in, for a person they share a conversation with or may message (others 404).
    POST: blocks them (they can no longer message this person, nor this person them); 303
    to ``next`` or the conversation list."""
    person = _blockable(user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.block(current_user, person, now=utcnow())
    db.session.commit()
    flash(_("%(name)s diblokir. Dia tidak bisa mengirim pesan kepada Anda.", name=person.name),
          "success")  # fmt: skip
    return redirect(safe_next(request.form.get("next"), url_for("messages.index")), code=303)


@bp.post("/blokir/<int:user_id>/buka")
@login_required
def unblock(user_id: int):
    """Signed in, their own blocks only. POST: lifts their block of that person (none: nothing
    changes); 303 to ``next`` or the conversation list."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.unblock(current_user, user_id)
    db.session.commit()
    flash(_("Blokir dibuka."), "success")
    return redirect(safe_next(request.form.get("next"), url_for("messages.index")), code=303)
