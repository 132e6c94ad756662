"""The navigation badge of the areas domain: join requests waiting for this pengurus."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import aliased

from community.areas.models import JoinRequest, JoinStatus, Role, RoleAssignment, Wilayah
from community.core import authz
from community.core.access_rules import RT_OFFICER_ROLES
from community.web.badges import register_badge

# Made once: building an alias per request cost more than the badge's SQL (#12).
_HELD = aliased(Wilayah, name="held_wilayah")
_JOIN_RT = aliased(Wilayah, name="join_rt")
_DECIDES_JOINS = frozenset({*RT_OFFICER_ROLES, Role.KETUA_RW})


def _manages_rt(user_id: int, rt: Any) -> ColumnElement[bool]:
    """SQL for ``can(Action.MANAGE_MEMBERS, rt)`` (:func:`core.access_rules.allowed`): an RT
    officer of that RT, or the ketua RW above it. Kept next to the rule it mirrors; the
    badge test checks both agree for the pengurus of another RT."""
    held = _HELD
    return (
        select(RoleAssignment.id)
        .join(held, held.id == RoleAssignment.wilayah_id)
        .where(
            RoleAssignment.user_id == user_id,
            or_(
                and_(RoleAssignment.role.in_(RT_OFFICER_ROLES), held.id == rt.id),
                and_(RoleAssignment.role == Role.KETUA_RW, rt.path.like(held.path + "%")),
            ),
        )
        .exists()
    )


def join_requests_query(user: Any) -> dict[str, ColumnElement[Any]] | None:
    """``count``: open join requests in every RT whose members ``user`` may manage.
    ``wilayah_id``: the page that decides them, the highest wilayah where the user is an RT
    officer or ketua RW (their RT page for a ketua RT). None, and no SQL at all, for
    everyone without such a role: most people, on every page (#12)."""
    if not any(grant.role in _DECIDES_JOINS for grant in authz.grants_of(user)):
        return None
    rt = _JOIN_RT
    count = (
        select(func.count(JoinRequest.id))
        .join(rt, rt.id == JoinRequest.rt_id)
        .where(JoinRequest.status == JoinStatus.PENDING, _manages_rt(user.id, rt))
        .scalar_subquery()
    )
    page = (
        select(Wilayah.id)
        .join(RoleAssignment, RoleAssignment.wilayah_id == Wilayah.id)
        .where(
            RoleAssignment.user_id == user.id,
            RoleAssignment.role.in_([*RT_OFFICER_ROLES, Role.KETUA_RW]),
        )
        .order_by(Wilayah.path)
        .limit(1)
        .scalar_subquery()
    )
    return {"count": count, "wilayah_id": page}


def register() -> None:
    register_badge(
        "join_requests",
        endpoint="areas.detail",
        anchor="requests-heading",
        text=_l("Kelola warga"),
        label=_l("%(n)s permintaan bergabung"),
        query=join_requests_query,
        icon="user-check",
        place="more",  # pengurus work: a line of "Lainnya", counted on its tab
    )
