"""The one place that answers "may this user do X on this wilayah/object?".

Routes call :func:`require` (load → **authorize** → act), templates call ``can``.
The decisions themselves are pure functions in :mod:`community.areas.rules`;
this module only loads the facts (the user's grants and home RT) once per request.

Denials that would reveal another RT's data answer **404**, not 403: a resident of
RT B must not learn that RT A's page exists.
"""

from __future__ import annotations

from typing import Any

from flask import abort, g
from flask_login import current_user
from sqlalchemy import select

from community.areas import rules
from community.areas.rules import Action, Grant
from community.extensions import db

__all__ = [
    "Action",
    "can",
    "forget_grants",
    "grants_of",
    "has_authority_over",
    "preload_grants",
    "require",
]


def grants_of(user: Any) -> tuple[Grant, ...]:
    """The user's role grants, loaded once per request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ()
    cache: dict[int, tuple[Grant, ...]] = g.setdefault("_rukun_grants", {})
    if user.id not in cache:
        from community.areas.models import RoleAssignment, Wilayah

        rows = db.session.execute(
            select(RoleAssignment.role, Wilayah.path)
            .join(Wilayah, Wilayah.id == RoleAssignment.wilayah_id)
            .where(RoleAssignment.user_id == user.id)
        ).all()
        cache[user.id] = tuple(Grant(role, path) for role, path in rows)
    return cache[user.id]


def preload_grants(users: Any) -> None:
    """Load the grants of many users in one query (a members list asks about each)."""
    cache: dict[int, tuple[Grant, ...]] = g.setdefault("_rukun_grants", {})
    wanted = {u.id for u in users} - cache.keys()
    if not wanted:
        return
    from community.areas.models import RoleAssignment, Wilayah

    rows = db.session.execute(
        select(RoleAssignment.user_id, RoleAssignment.role, Wilayah.path)
        .join(Wilayah, Wilayah.id == RoleAssignment.wilayah_id)
        .where(RoleAssignment.user_id.in_(wanted))
    ).all()
    found: dict[int, list[Grant]] = {user_id: [] for user_id in wanted}
    for user_id, role, path in rows:
        found[user_id].append(Grant(role, path))
    cache.update((user_id, tuple(grants)) for user_id, grants in found.items())


def forget_grants() -> None:
    """Call after changing roles inside a request."""
    g.pop("_rukun_grants", None)


def _home_path(user: Any) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False) or user.rt is None:
        return None
    return user.rt.path


def _target(obj: Any) -> tuple[str, str]:
    """(level, path) of the wilayah an object belongs to."""
    from community.accounts.models import User
    from community.areas.models import JoinRequest, Wilayah
    from community.events.models import Activity

    if isinstance(obj, Wilayah):
        return obj.level, obj.path
    if isinstance(obj, Activity):
        obj = obj.wilayah
        return obj.level, obj.path
    if isinstance(obj, JoinRequest):
        return obj.rt.level, obj.rt.path
    if isinstance(obj, User):
        if obj.rt is None:
            return "rt", "/none/"
        return obj.rt.level, obj.rt.path
    raise TypeError(f"no wilayah for {type(obj).__name__}")


def can(action: str, obj: Any, user: Any = None) -> bool:
    """True when ``user`` (default: the signed-in user) may do ``action`` on ``obj``."""
    user = current_user if user is None else user
    if not getattr(user, "is_authenticated", False):
        return False
    level, path = _target(obj)
    return rules.allowed(action, level, path, grants_of(user), _home_path(user))


def appointable_roles(obj: Any, user: Any = None) -> list[str]:
    user = current_user if user is None else user
    if not getattr(user, "is_authenticated", False):
        return []
    level, path = _target(obj)
    return rules.appointable_roles(level, path, grants_of(user))


def may_see_private(resident: Any, user: Any = None) -> bool:
    """Phone number and needs flags of ``resident``: themself and their RT's pengurus."""
    user = current_user if user is None else user
    if not getattr(user, "is_authenticated", False):
        return False
    return rules.may_see_private(user.id, resident.id, _home_path(resident), grants_of(user))


def has_authority_over(person: Any, user: Any = None) -> bool:
    """Reset codes and removal from the RT: see :func:`rules.has_authority_over`."""
    user = current_user if user is None else user
    if not getattr(user, "is_authenticated", False):
        return False
    return rules.has_authority_over(_home_path(person), grants_of(person), grants_of(user))


def require(action: str, obj: Any) -> None:
    """Abort unless the signed-in user may do ``action`` on ``obj``.

    404 when the user may not even see the object's wilayah, 403 when they may see
    it but not do this.
    """
    if obj is None:
        abort(404)
    if can(action, obj):
        return
    if action != Action.VIEW and can(Action.VIEW, obj):
        abort(403)
    abort(404)
