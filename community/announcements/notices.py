"""A new announcement as a push (#13) to everyone living in its wilayah's subtree who has a
device and wants "Pengumuman baru", at once or at the end of their quiet hours.

Planned at the commit that publishes, changes or deletes it (:func:`note_changed`): a
change before the push went changes what it will say; after, nothing is sent again; a
deletion cancels what still waits. The author is not told of their own announcement. Each
person reads it in their own language; the payload is the wilayah's name and the start of
the text, never a phone number.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from community.accounts.models import User
from community.announcements import rules
from community.announcements.models import Announcement
from community.areas.models import Wilayah
from community.extensions import db
from community.notifications import outbox, planning
from community.notifications import rules as delivery

KIND = "announcement"


def ref_of(announcement_id: int) -> str:
    return f"announcement:{announcement_id}"


def topic_of(announcement_id: int) -> str:
    return f"rukun-p{announcement_id}"


def note_changed(announcement_id: int) -> None:
    """The announcement was published, changed or deleted in this transaction: plan its
    push at the commit."""
    planning.note(db.session(), plan_pushes, announcement_id)


def _payload(announcement: Announcement, language: str) -> dict:
    with force_locale(language or "id"):
        title = _("Pengumuman %(wilayah)s", wilayah=announcement.wilayah.full_name)
    return {
        "title": title[:120],
        "body": delivery.preview(announcement.body),
        "url": f"/pengumuman/{announcement.id}",
        "tag": topic_of(announcement.id),
    }


def plan_pushes(items: Iterable[Hashable], *, now: datetime) -> None:
    for announcement_id in items:
        ref = ref_of(announcement_id)  # type: ignore[arg-type]
        announcement = db.session.get(Announcement, announcement_id)
        if announcement is None or not rules.is_active(announcement.expires_at, now):
            outbox.plan(ref, KIND, outbox.pending_user_ids(ref, KIND), lambda person: [])
            continue
        subtree = select(Wilayah.id).where(Wilayah.path.startswith(announcement.wilayah.path))
        lives_there = [User.rt_id.in_(subtree)]
        if announcement.author_id is not None:
            lives_there.append(User.id != announcement.author_id)
        user_ids = outbox.with_devices(select(User.id).where(*lives_there))
        languages: dict[int, str] = {
            user_id: language
            for user_id, language in db.session.execute(
                select(User.id, User.language).where(*lives_there)
            )
        }
        payloads = {lang: _payload(announcement, lang) for lang in set(languages.values())}

        def build(person, announcement=announcement, payloads=payloads, languages=languages):
            return [
                outbox.Message(
                    user_id=person.user_id,
                    subject=f"p{announcement.id}",
                    due_at=delivery.outside_quiet_hours(now, person.quiet_start, person.quiet_end),
                    payload=payloads[languages[person.user_id]],
                    topic=topic_of(announcement.id),
                    expires_at=announcement.expires_at,
                )
            ]

        outbox.plan(ref, KIND, user_ids, build, now=now)
