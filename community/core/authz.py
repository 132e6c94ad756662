"""The one place that answers "may this user do X on this wilayah-scoped object?".

Routes call :func:`require` (load → **authorize** → act), templates call ``can``.
The decisions themselves are the pure functions of :mod:`community.core.access_rules`;
this module only loads the facts (the user's grants and home RT) once per request.

Denials that would reveal another RT's data answer **404**, not 403: a resident of
RT B must not learn that RT A's page exists.

This module imports no domain. An object is authorised through the wilayah it belongs
to, which it declares itself (:class:`Scoped`: ``authz_scope -> (level, path)``); the
grants come from the loader the ``areas`` domain registers (:func:`register_grants_loader`).
A decision that is not about a place in the tree (the two people of a conversation, the
officers of an arisan group) is a plain function in the domain's ``policies.py``, called
by its routes and added to the templates' globals by its ``init_app``, e.g.::

    # community/arisan/policies.py (ArisanGroup declares authz_scope: its RT)
    def may_run_draw(group, user=None) -> bool:
        user = current_user if user is None else user
        is_officer = any(o.user_id == user.id for o in group.officers)
        return is_officer or can(Action.MANAGE_ACTIVITIES, group, user)
    # community/arisan/__init__.py, in init_app: app.add_template_global(policies.may_run_draw)

(:mod:`community.accounts.policies` is the example in the code today.)
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from flask import abort, g
from flask_login import current_user

from community.core import access_rules as rules
from community.core.access_rules import Action, Grant

__all__ = [
    "Action",
    "Grant",
    "GrantsLoader",
    "Principal",
    "Scoped",
    "appointable_roles",
    "can",
    "forget_grants",
    "grants_of",
    "preload_grants",
    "register_grants_loader",
    "require",
    "scope_of",
]


@runtime_checkable
class Scoped(Protocol):
    """An object authorised through the wilayah it belongs to."""

    @property
    def authz_scope(self) -> tuple[str, str]:
        """``(level, path)`` of that wilayah, e.g. ``("rt", "/1/20/300/4/5/")``."""
        ...


class Principal(Protocol):
    """Who asks: the signed-in user (Flask-Login's anonymous user is never asked about)."""

    id: int
    is_authenticated: bool

    @property
    def home_rt_path(self) -> str | None:
        """Path of the RT the user lives in, ``None`` before they join one."""
        ...


GrantsLoader = Callable[[Collection[int]], Mapping[int, Sequence[Grant]]]
_loader: GrantsLoader | None = None


def register_grants_loader(loader: GrantsLoader) -> None:
    """``loader(user_ids)`` answers every role grant of those users, by user id (one query).

    The domain that stores roles registers it in its ``init_app``.
    """
    global _loader
    _loader = loader


def _load_grants(user_ids: Collection[int]) -> dict[int, tuple[Grant, ...]]:
    if _loader is None:
        raise RuntimeError("no grants loader registered (community.areas.init_app does it)")
    found = _loader(user_ids)
    return {user_id: tuple(found.get(user_id, ())) for user_id in user_ids}


def grants_of(user: Any) -> tuple[Grant, ...]:
    """The user's role grants, loaded once per request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ()
    cache: dict[int, tuple[Grant, ...]] = g.setdefault("_rukun_grants", {})
    if user.id not in cache:
        cache.update(_load_grants([user.id]))
    return cache[user.id]


def preload_grants(users: Any) -> None:
    """Load the grants of many users in one query (a members list asks about each)."""
    cache: dict[int, tuple[Grant, ...]] = g.setdefault("_rukun_grants", {})
    wanted = {u.id for u in users} - cache.keys()
    if wanted:
        cache.update(_load_grants(wanted))


def forget_grants() -> None:
    """Call after changing roles inside a request."""
    g.pop("_rukun_grants", None)


def scope_of(obj: Any) -> tuple[str, str]:
    """``(level, path)`` of the wilayah ``obj`` belongs to (see :class:`Scoped`)."""
    if not isinstance(obj, Scoped):
        raise TypeError(f"no wilayah for {type(obj).__name__}")
    return obj.authz_scope


def can(action: str, obj: Any, user: Any = None) -> bool:
    """True when ``user`` (default: the signed-in user) may do ``action`` on ``obj``."""
    user = current_user if user is None else user
    if not getattr(user, "is_authenticated", False):
        return False
    level, path = scope_of(obj)
    return rules.allowed(action, level, path, grants_of(user), user.home_rt_path)


def appointable_roles(obj: Any, user: Any = None) -> list[str]:
    """Roles on ``obj``'s wilayah that ``user`` may give or take away."""
    user = current_user if user is None else user
    if not getattr(user, "is_authenticated", False):
        return []
    level, path = scope_of(obj)
    return rules.appointable_roles(level, path, grants_of(user))


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
