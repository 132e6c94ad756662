"""Use-cases for the wilayah tree, RT membership and roles. Services flush; callers commit."""

from __future__ import annotations

import json
import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from community.accounts.models import User
from community.areas import rules
from community.areas.models import JoinRequest, JoinStatus, Level, Role, RoleAssignment, Wilayah
from community.core import access_rules, audit, privacy
from community.core.errors import DomainError
from community.core.time import as_utc
from community.extensions import db

log = logging.getLogger(__name__)
DATA_FILE = Path(__file__).resolve().parent / "data" / "banjarbaru.json"
MAX_CHILD_NUMBER = 99  # RT/RW numbers are two digits on every sign in Banjarbaru


class AreaError(DomainError):
    """A membership or role rule refused the action; ``code`` says which."""


# --- the tree ----------------------------------------------------------------------------


def add_wilayah(level: str, name: str, parent: Wilayah | None) -> Wilayah:
    parent_label = parent.full_name if parent is not None and level == Level.RT else None
    node = Wilayah(
        level=level,
        name=name,
        full_name=rules.full_name(level, name, parent_label),
        parent=parent,
    )
    db.session.add(node)
    db.session.flush()
    node.path = f"{parent.path if parent else '/'}{node.id}/"
    db.session.flush()
    return node


def ensure_wilayah_tree() -> Wilayah:
    """Create the kota, its kecamatan and kelurahan from the bundled data (idempotent)."""
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    kota = db.session.scalar(select(Wilayah).where(Wilayah.level == Level.KOTA))
    if kota is None:
        kota = add_wilayah(Level.KOTA, data["kota"], None)
    existing = {
        (w.parent_id, w.name)
        for w in db.session.scalars(
            select(Wilayah).where(Wilayah.level.in_([Level.KECAMATAN, Level.KELURAHAN]))
        )
    }
    for kecamatan_name, kelurahan_names in data["kecamatan"].items():
        kecamatan = db.session.scalar(
            select(Wilayah).where(Wilayah.parent_id == kota.id, Wilayah.name == kecamatan_name)
        )
        if kecamatan is None:
            kecamatan = add_wilayah(Level.KECAMATAN, kecamatan_name, kota)
        for kelurahan_name in kelurahan_names:
            if (kecamatan.id, kelurahan_name) not in existing:
                add_wilayah(Level.KELURAHAN, kelurahan_name, kecamatan)
    return kota


def add_child(parent: Wilayah, number: int) -> Wilayah:
    """Add RW ``number`` under a kelurahan, or RT ``number`` under an RW."""
    level = {Level.KELURAHAN: Level.RW, Level.RW: Level.RT}.get(Level(parent.level))
    if level is None:
        raise AreaError("no_children")
    if not 1 <= number <= MAX_CHILD_NUMBER:
        raise AreaError("bad_number")
    name = f"{number:02d}"
    taken = db.session.scalar(
        select(Wilayah.id).where(Wilayah.parent_id == parent.id, Wilayah.name == name)
    )
    if taken is not None:
        raise AreaError("exists", name=name)
    return add_wilayah(level, name, parent)


def get_wilayah(wilayah_id: int) -> Wilayah | None:
    return db.session.get(Wilayah, wilayah_id)


def children_overview(parent: Wilayah) -> list[dict[str, Any]]:
    """Each child with its number of RTs, members and open join requests (3 queries)."""
    child = aliased(Wilayah)
    rt = aliased(Wilayah)
    below = and_(rt.path.like(child.path + "%"), rt.level == Level.RT)
    children = db.session.scalars(
        select(child).where(child.parent_id == parent.id).order_by(child.name)
    ).all()
    members = dict(
        db.session.execute(
            select(child.id, func.count(User.id))
            .join(rt, below)
            .join(User, User.rt_id == rt.id)
            .where(child.parent_id == parent.id)
            .group_by(child.id)
        ).all()
    )
    pending = dict(
        db.session.execute(
            select(child.id, func.count(JoinRequest.id))
            .join(rt, below)
            .join(JoinRequest, JoinRequest.rt_id == rt.id)
            .where(child.parent_id == parent.id, JoinRequest.status == JoinStatus.PENDING)
            .group_by(child.id)
        ).all()
    )
    return [
        {"wilayah": c, "members": members.get(c.id, 0), "pending": pending.get(c.id, 0)}
        for c in children
    ]


def managed_wilayah(user: User) -> list[Wilayah]:
    """The wilayah where ``user`` holds a role, top of the tree first."""
    return list(
        db.session.scalars(
            select(Wilayah)
            .join(RoleAssignment, RoleAssignment.wilayah_id == Wilayah.id)
            .where(RoleAssignment.user_id == user.id)
            .distinct()
            .order_by(Wilayah.path)
        )
    )


def organisable_wilayah(user: User) -> list[Wilayah]:
    """Where ``user`` may organise activities: where they hold a role, and one level
    below (a ketua RW organises for an RT of the RW too), in tree order."""
    held = managed_wilayah(user)
    children = db.session.scalars(
        select(Wilayah).where(Wilayah.parent_id.in_([w.id for w in held]))
    )
    nodes = {w.id: w for w in [*held, *children]}
    return sorted(nodes.values(), key=lambda w: w.path)


# --- invite codes and join requests ------------------------------------------------------


def regenerate_invite_code(rt: Wilayah, *, now: datetime) -> str:
    """A new invite code for the RT; the old one stops working at once."""
    if rt.level != Level.RT:
        raise AreaError("not_rt")
    for _attempt in range(5):  # a collision among 31**10 codes is astronomically rare
        code = rules.new_invite_code()
        try:
            with db.session.begin_nested():
                rt.invite_code = code
                rt.invite_code_expires_at = now + timedelta(days=rules.INVITE_VALID_DAYS)
                db.session.flush()
        except IntegrityError:
            continue
        log.info("invite code regenerated rt_id=%s", rt.id)
        return code
    raise AreaError("no_code")


def find_rt_by_code(raw: str, *, now: datetime) -> Wilayah | None:
    code = rules.normalise_invite_code(raw)
    if len(code) != rules.INVITE_LENGTH:
        return None
    rt = db.session.scalar(
        select(Wilayah).where(Wilayah.invite_code == code, Wilayah.level == Level.RT)
    )
    if rt is None or rt.invite_code_expires_at is None:
        return None
    if as_utc(rt.invite_code_expires_at) <= now:
        return None
    return rt


def pending_request_of(user: User) -> JoinRequest | None:
    return db.session.scalar(
        select(JoinRequest).where(
            JoinRequest.user_id == user.id, JoinRequest.status == JoinStatus.PENDING
        )
    )


def request_join(user: User, rt: Wilayah, *, is_move: bool, now: datetime) -> JoinRequest:
    """Ask to join ``rt``. A member of another RT must say they are moving."""
    if user.rt_id == rt.id:
        raise AreaError("already_member")
    if pending_request_of(user) is not None:
        raise AreaError("already_pending")
    if user.rt_id is not None and not is_move:
        raise AreaError("member_elsewhere", rt=user.rt.full_name)
    request = JoinRequest(user_id=user.id, rt_id=rt.id, is_move=user.rt_id is not None,
                          created_at=now)  # fmt: skip
    try:
        with db.session.begin_nested():  # added inside: begin_nested() flushes pending rows first
            db.session.add(request)
    except IntegrityError as exc:  # a second tab sent one at the same moment
        raise AreaError("already_pending") from exc
    return request


def cancel_request(user: User) -> None:
    db.session.execute(
        update(JoinRequest)
        .where(JoinRequest.user_id == user.id, JoinRequest.status == JoinStatus.PENDING)
        .values(status=JoinStatus.CANCELLED)
    )


def list_pending(rt: Wilayah) -> list[JoinRequest]:
    return list(
        db.session.scalars(
            select(JoinRequest)
            .join(JoinRequest.user)
            .where(JoinRequest.rt_id == rt.id, JoinRequest.status == JoinStatus.PENDING)
            .order_by(JoinRequest.created_at)
        )
    )


def get_pending_request(rt: Wilayah, request_id: int) -> JoinRequest | None:
    """Only a request that belongs to this RT (tampered ids find nothing)."""
    return db.session.scalar(
        select(JoinRequest).where(
            JoinRequest.id == request_id,
            JoinRequest.rt_id == rt.id,
            JoinRequest.status == JoinStatus.PENDING,
        )
    )


def decide(request: JoinRequest, *, approve: bool, by: User, now: datetime) -> None:
    """Approve or reject; a guarded update so two pengurus cannot both decide."""
    status = JoinStatus.APPROVED if approve else JoinStatus.REJECTED
    done = db.session.execute(
        update(JoinRequest)
        .where(JoinRequest.id == request.id, JoinRequest.status == JoinStatus.PENDING)
        .values(status=status, decided_at=now, decided_by_id=by.id)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        raise AreaError("already_decided")
    db.session.refresh(request)
    if approve:
        member = request.user
        if member.rt_id is not None and member.rt_id != request.rt_id:
            _drop_rt_roles(member, member.rt_id)
        member.rt_id = request.rt_id
        db.session.flush()
        db.session.refresh(member)
    log.info("join request %s %s by=%s", request.id, status, by.id)


def _drop_rt_roles(user: User, rt_id: int) -> None:
    db.session.execute(
        delete(RoleAssignment).where(
            RoleAssignment.user_id == user.id, RoleAssignment.wilayah_id == rt_id
        )
    )


def list_members(rt: Wilayah) -> list[User]:
    return list(db.session.scalars(select(User).where(User.rt_id == rt.id).order_by(User.name)))


def get_member(rt: Wilayah, user_id: int) -> User | None:
    return db.session.scalar(select(User).where(User.id == user_id, User.rt_id == rt.id))


def remove_member(rt: Wilayah, member: User, *, by: User, now: datetime) -> None:
    """Take ``member`` out of ``rt`` with their roles there (audit-logged).

    The caller has checked ``by`` has authority over the member and every role they hold
    (:func:`community.accounts.policies.has_authority_over`).
    """
    roles = sorted(
        db.session.scalars(
            select(RoleAssignment.role).where(
                RoleAssignment.user_id == member.id, RoleAssignment.wilayah_id == rt.id
            )
        )
    )
    _drop_rt_roles(member, rt.id)
    member.rt_id = None
    audit.record(
        audit.AuditAction.MEMBER_REMOVED,
        actor_id=by.id,
        target_user_id=member.id,
        wilayah_id=rt.id,
        detail=f"roles={','.join(roles)}" if roles else "",
        now=now,
    )
    log.info("member removed rt_id=%s user_id=%s by=%s", rt.id, member.id, by.id)


# --- roles -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Officer:
    assignment_id: int
    role: str
    name: str
    user_id: int
    wilayah: Wilayah


def officers_of(node: Wilayah) -> list[Officer]:
    """Role holders on this node and its ancestors, nearest first (one query)."""
    rows = db.session.execute(
        select(RoleAssignment, User.name)
        .join(User, User.id == RoleAssignment.user_id)
        .where(RoleAssignment.wilayah_id.in_(node.ancestor_ids))
    ).all()
    officers = [Officer(a.id, a.role, name, a.user_id, a.wilayah) for a, name in rows]
    order = list(Role)
    return sorted(officers, key=lambda o: (-len(o.wilayah.path), order.index(Role(o.role))))


def appoint(node: Wilayah, user: User, role: str) -> RoleAssignment:
    """Give ``role`` on ``node`` to ``user`` (the caller has checked who may appoint)."""
    if access_rules.ROLE_LEVEL.get(role) != node.level:
        raise AreaError("wrong_level")
    if role in access_rules.RT_OFFICER_ROLES and user.rt_id != node.id:
        raise AreaError("not_member")
    if role == Role.KETUA_RW and (user.rt is None or not user.rt.path.startswith(node.path)):
        raise AreaError("not_resident")
    exists = db.session.scalar(
        select(RoleAssignment).where(
            RoleAssignment.user_id == user.id,
            RoleAssignment.wilayah_id == node.id,
            RoleAssignment.role == role,
        )
    )
    if exists is not None:
        raise AreaError("already_has_role")
    if role == Role.KETUA_RT:  # one ketua per RT: the new one replaces the old
        db.session.execute(
            delete(RoleAssignment).where(
                RoleAssignment.wilayah_id == node.id, RoleAssignment.role == Role.KETUA_RT
            )
        )
    assignment = RoleAssignment(user_id=user.id, wilayah_id=node.id, role=role)
    db.session.add(assignment)
    _rotate(user)
    db.session.flush()
    return assignment


def grants_by_user(user_ids: Collection[int]) -> dict[int, list[access_rules.Grant]]:
    """Every role grant of these users, in one query: the loader behind
    :func:`community.core.authz.grants_of` (registered by ``areas.init_app``)."""
    rows = db.session.execute(
        select(RoleAssignment.user_id, RoleAssignment.role, Wilayah.path)
        .join(Wilayah, Wilayah.id == RoleAssignment.wilayah_id)
        .where(RoleAssignment.user_id.in_(user_ids))
    ).all()
    found: dict[int, list[access_rules.Grant]] = {}
    for user_id, role, path in rows:
        found.setdefault(user_id, []).append(access_rules.Grant(role, path))
    return found


def get_assignment(node: Wilayah, assignment_id: int) -> RoleAssignment | None:
    return db.session.scalar(
        select(RoleAssignment).where(
            RoleAssignment.id == assignment_id, RoleAssignment.wilayah_id == node.id
        )
    )


def revoke(assignment: RoleAssignment) -> None:
    user = assignment.user
    db.session.delete(assignment)
    _rotate(user)
    db.session.flush()


def _rotate(user: User) -> None:
    from community.accounts.services import rotate_session

    rotate_session(user)  # a role change ends the person's sessions (plan §0.2)


def neighbours(user: User) -> list[User]:
    """Approved members of the user's own RT."""
    if user.rt_id is None:
        return []
    return list(
        db.session.scalars(select(User).where(User.rt_id == user.rt_id).order_by(User.name))
    )


# --- privacy -----------------------------------------------------------------------------


def _export(user: User) -> dict[str, Any]:
    requests = db.session.scalars(
        select(JoinRequest).where(JoinRequest.user_id == user.id).order_by(JoinRequest.created_at)
    )
    return {
        "rt": user.rt.full_name if user.rt else None,
        "join_requests": [
            {
                "rt": r.rt.full_name,
                "status": r.status,
                "is_move": r.is_move,
                "sent_at": as_utc(r.created_at).isoformat(),
                "decided_at": as_utc(r.decided_at).isoformat() if r.decided_at else None,
            }
            for r in requests
        ],
        "roles": [
            {
                "role": a.role,
                "wilayah": a.wilayah.full_name,
                "since": as_utc(a.created_at).isoformat(),
            }
            for a in user.roles
        ],
    }


def register_exports() -> None:
    privacy.register_exporter("membership", _export)
    E, place = privacy.Exported, privacy.NotPersonal("a place, not a person")
    key = privacy.NotPersonal("an internal row number; means nothing outside this database")
    privacy.classify("wilayah", {
        column: place for column in (
            "id", "level", "name", "full_name", "parent_id", "path", "invite_code",
            "invite_code_expires_at", "created_at",
        )
    })  # fmt: skip
    privacy.classify("role_assignment", {
        "id": key,
        "user_id": key,
        "wilayah_id": E("membership.roles[].wilayah"),
        "role": E("membership.roles[].role"),
        "created_at": E("membership.roles[].since"),
    })  # fmt: skip
    privacy.classify("join_request", {
        "id": key,
        "user_id": key,
        "rt_id": E("membership.join_requests[].rt"),
        "status": E("membership.join_requests[].status"),
        "is_move": E("membership.join_requests[].is_move"),
        "created_at": E("membership.join_requests[].sent_at"),
        "decided_at": E("membership.join_requests[].decided_at"),
        "decided_by_id": privacy.Withheld("names the pengurus who decided: their data"),
    })  # fmt: skip
