"""Who may do what in an arisan group: the group's own roles, not wilayah roles.

Only members see a group (its members, who has paid, the draw log); an RT's pengurus
or an official who is not a member gets 404, as a resident of another RT does. The
bendahara records payments and payouts; the pengelola runs the draw and its undo.
"""

from __future__ import annotations

from typing import Any

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from community.arisan.models import ArisanGroup, ArisanMember
from community.core.authz import Action, can
from community.extensions import db


def membership(group: ArisanGroup, user: Any = None) -> ArisanMember | None:
    """The user's member row in ``group`` (one query per request), or None."""
    user = current_user if user is None else user
    if not getattr(user, "is_authenticated", False):
        return None
    cache = getattr(group, "_membership_cache", None)
    if cache is None or cache[0] != user.id:
        found = db.session.scalar(
            select(ArisanMember).where(
                ArisanMember.group_id == group.id, ArisanMember.user_id == user.id
            )
        )
        cache = (user.id, found)
        group._membership_cache = cache  # type: ignore[attr-defined]
    return cache[1]


def may_see_payments(group: ArisanGroup, user: Any = None) -> bool:
    """Members see the group, who has paid and the draw log; nobody else."""
    return membership(group, user) is not None


def may_record_payment(group: ArisanGroup, user: Any = None) -> bool:
    """The bendahara marks payments, corrects them and hands over the pot."""
    member = membership(group, user)
    return member is not None and member.is_bendahara


def may_run_draw(group: ArisanGroup, user: Any = None) -> bool:
    """The pengelola starts the draw, undoes it with a reason and starts a new cycle."""
    member = membership(group, user)
    return member is not None and member.is_pengelola


def may_see_receipt(group: ArisanGroup, slot_member_id: int, user: Any = None) -> bool:
    """A transfer receipt is private: the member whose slot it pays, the bendahara who
    checks it and the pengelola; not the other members."""
    member = membership(group, user)
    return member is not None and (
        member.is_bendahara or member.is_pengelola or member.id == slot_member_id
    )


def may_create_in(wilayah: Any, user: Any = None) -> bool:
    """A resident of the wilayah's subtree (who becomes its pengelola), or someone who
    organises activities there (a pengurus)."""
    return can(Action.VIEW, wilayah, user) and (
        _lives_in(wilayah, user) or can(Action.MANAGE_ACTIVITIES, wilayah, user)
    )


def _lives_in(wilayah: Any, user: Any = None) -> bool:
    user = current_user if user is None else user
    home = getattr(user, "home_rt_path", None)
    return home is not None and home.startswith(wilayah.authz_scope[1])


def require_member(group: ArisanGroup | None) -> ArisanMember:
    """404 unless the signed-in user is a member (the group's existence is not told)."""
    member = membership(group) if group is not None else None
    if member is None:
        abort(404)
    return member


def require_role(group: ArisanGroup | None, allowed: bool) -> None:
    """404 for a non-member, 403 for a member without the role."""
    require_member(group)
    if not allowed:
        abort(403)
