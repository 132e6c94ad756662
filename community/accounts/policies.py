"""Who may see or act on a *person*: policy functions routes call and templates use.

Each takes the person first and the viewer last (default: the signed-in user), loads
the grants through :mod:`community.core.authz` and asks a pure rule. ``accounts.init_app``
adds them to the templates' globals.
"""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from community.areas import rules
from community.core.authz import Action, can, grants_of


def _viewer(user: Any) -> Any:
    return current_user if user is None else user


def may_see_neighbour(resident: Any, user: Any = None) -> bool:
    """May ``user`` see that ``resident`` lives in their RT (name, shared phone)?

    Their neighbours in the same RT, and whoever holds a role on that RT or above it:
    this is what ``can(Action.VIEW, resident)`` answers (a person's scope is their RT).
    A person who has not joined an RT is nobody's neighbour.
    """
    return can(Action.VIEW, resident, _viewer(user))


def may_see_private(resident: Any, user: Any = None) -> bool:
    """Phone number and needs flags of ``resident``: themself and their RT's pengurus."""
    user = _viewer(user)
    if not getattr(user, "is_authenticated", False):
        return False
    return rules.may_see_private(user.id, resident.id, resident.home_rt_path, grants_of(user))


def has_authority_over(person: Any, user: Any = None) -> bool:
    """Reset codes and removal from the RT: see :func:`rules.has_authority_over`."""
    user = _viewer(user)
    if not getattr(user, "is_authenticated", False):
        return False
    return rules.has_authority_over(person.home_rt_path, grants_of(person), grants_of(user))
