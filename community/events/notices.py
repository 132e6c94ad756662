"""Push messages that go at once about an activity: it is cancelled, its time or place
changed, or someone left the Daftar Tunggu. Each person reads it in their own language;
the payload is title, time, place and the activity's URL, never a phone number or a need.
(:mod:`community.events.reminders` plans the reminders before it; both are run by
:mod:`community.notifications.planning` at the commit of the change.)"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime, timedelta

from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from community.accounts.models import User
from community.core.time import format_wita
from community.events.models import Activity, Answer, Rsvp
from community.extensions import db
from community.notifications import outbox


def ref_of(activity_id: int) -> str:
    return f"activity:{activity_id}"


def topic_of(activity_id: int) -> str:
    return f"rukun-a{activity_id}"  # <= 32 characters of the URL-safe alphabet


def _languages(user_ids: Iterable[int]) -> dict[int, str]:
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.language).where(User.id.in_(ids))).all())


def _text(lang: str, make) -> dict:
    with force_locale(lang or "id"):
        return make()


def _payload(activity: Activity, title: str, body: str) -> dict:
    return {
        "title": title[:120],
        "body": body[:300],
        "url": f"/kegiatan/{activity.id}",
        "tag": topic_of(activity.id),
    }


def _when_where(activity: Activity) -> str:
    locale = get_locale()
    return (
        f"{format_wita(activity.starts_at, locale.language if locale else 'id')} · {activity.place}"
    )


def _answered_ids(activity: Activity, *, include_tidak: bool) -> set[int]:
    answers = [Answer.HADIR, Answer.MUNGKIN] + ([Answer.TIDAK] if include_tidak else [])
    return set(
        db.session.scalars(
            select(Rsvp.user_id).where(
                Rsvp.activity_id == activity.id,
                Rsvp.user_id.is_not(None),
                Rsvp.answer.in_(answers),
            )
        )
    )


def notify_cancelled(activity: Activity, *, now: datetime) -> int:
    """Everyone who said Hadir or Mungkin (or waits for a place) hears at once."""
    if activity.starts_at <= now:
        return 0
    ids = _answered_ids(activity, include_tidak=False)
    soon = activity.starts_at - now <= timedelta(hours=1)
    return _notice(activity, ids, "cancelled", f"a{activity.id}:batal", now=now,
                   title=lambda: _("Dibatalkan: %(title)s", title=activity.title),
                   body=lambda: activity.cancel_reason or _when_where(activity),
                   urgency="high" if soon else "normal")  # fmt: skip


def notify_changed(activity: Activity, *, now: datetime) -> int:
    """A new time or place: everyone who answered, also Tidak (they may come now)."""
    if activity.starts_at <= now or activity.is_cancelled:
        return 0
    ids = _answered_ids(activity, include_tidak=True)
    place = hashlib.sha256(activity.place.encode()).hexdigest()[:8]  # stable across processes
    stamp = f"{int(activity.starts_at.timestamp())}:{place}"
    return _notice(activity, ids, "changed", f"a{activity.id}:ubah:{stamp}", now=now,
                   title=lambda: _("Berubah: %(title)s", title=activity.title),
                   body=lambda: _("Sekarang %(when)s", when=_when_where(activity)))  # fmt: skip


def notify_promoted(activity: Activity, user_ids: Iterable[int], *, now: datetime) -> int:
    if activity.starts_at <= now or activity.is_cancelled:
        return 0
    return _notice(activity, set(user_ids), "promoted", f"a{activity.id}:dapat:{int(now.timestamp())}",
                   now=now, title=lambda: _("Anda dapat tempat: %(title)s", title=activity.title),
                   body=lambda: _when_where(activity))  # fmt: skip


def _notice(activity, ids, kind, subject, *, now, title, body, urgency="normal") -> int:
    if not ids:
        return 0
    languages = _languages(ids)
    texts = {
        lang: _text(lang, lambda: _payload(activity, title(), body()))
        for lang in set(languages.values())
    }
    messages = [
        outbox.Message(
            user_id=uid,
            subject=subject,
            due_at=now,
            payload=texts[languages[uid]],
            topic=topic_of(activity.id),
            urgency=urgency,
            expires_at=activity.starts_at,
        )
        for uid in ids
        if uid in languages
    ]
    return outbox.notify(ref_of(activity.id), kind, messages)
