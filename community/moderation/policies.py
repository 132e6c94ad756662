"""Who moderates what: the facts (grants, the person's RT) for the pure ``rules``."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from community.core.authz import grants_of
from community.moderation import rules


def _viewer(user: Any) -> Any:
    return current_user if user is None else user


def is_moderator(user: Any = None) -> bool:
    """Holds any role: a pengurus RT, ketua RW or admin has a /moderasi page."""
    user = _viewer(user)
    return bool(getattr(user, "is_authenticated", False) and grants_of(user))


def covers_path(path: str, user: Any = None) -> bool:
    """Does the wilayah at ``path`` lie in the subtree ``user``'s roles cover?"""
    user = _viewer(user)
    if not getattr(user, "is_authenticated", False):
        return False
    return rules.sees_reports_of(path, grants_of(user))


def may_moderate(obj: Any, user: Any = None) -> bool:
    """May ``user`` act on a report or mute (anything with ``wilayah``)? Its wilayah lies
    in the subtree their roles cover."""
    return covers_path(obj.wilayah.path, user)


def may_mute(person: Any, user: Any = None) -> bool:
    """See :func:`rules.may_mute`."""
    user = _viewer(user)
    if person is None or not getattr(user, "is_authenticated", False):
        return False
    return rules.may_mute(person.id, person.home_rt_path, grants_of(person), user.id,
                          grants_of(user))  # fmt: skip
