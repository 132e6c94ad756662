"""The wilayah-path access rules every domain shares. Plain values in, plain values out.

A *grant* is ``(role, path)``: a role held on the wilayah whose materialised path is
``path`` (``/1/3/9/``). Authority flows down the tree, so a grant covers every node
whose path starts with the grant's path. :mod:`community.core.authz` loads the facts
and asks these functions; rules about one kind of object (a resident's private data,
the officers of an arisan group) live in that domain's ``rules.py``/``policies.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

# Values mirror the areas domain's Level / Role (StrEnum compares equal to str).
RT_OFFICER_ROLES = frozenset({"ketua_rt", "sekretaris", "bendahara"})
ROLE_LEVEL = {
    "ketua_rt": "rt",
    "sekretaris": "rt",
    "bendahara": "rt",
    "ketua_rw": "rw",
    "admin_kelurahan": "kelurahan",
    "admin_kota": "kota",
}
# Officials above the RW see figures, never residents' private data (UU PDP: need to know).
OFFICIAL_ROLES = frozenset({"admin_kelurahan", "admin_kota"})


class Action(StrEnum):
    VIEW = "view"  # see what is scoped to the wilayah
    VIEW_OVERVIEW = "view_overview"  # the management overview of a wilayah subtree
    MANAGE_MEMBERS = "manage_members"  # requests, members' contacts and needs, reset codes
    APPOINT = "appoint"  # give or take a role on this wilayah (which role: appointable_roles)
    ADD_CHILD = "add_child"  # add an RW under a kelurahan or an RT under an RW
    MANAGE_ACTIVITIES = "manage_activities"  # create, edit, cancel activities scoped here
    # The people behind an activity's answers: names, notes, "butuh bantuan", the Daftar Hadir.
    SEE_PARTICIPANTS = "see_participants"


@dataclass(frozen=True)
class Grant:
    role: str
    path: str


def covers(grant_path: str, target_path: str) -> bool:
    """True when ``target_path`` is the grant's node or lies below it."""
    return bool(grant_path) and target_path.startswith(grant_path)


def allowed(
    action: str,
    target_level: str,
    target_path: str,
    grants: Iterable[Grant],
    home_rt_path: str | None,
) -> bool:
    """May a user with ``grants`` living in ``home_rt_path`` do ``action`` on the target?"""
    grants = tuple(grants)
    if action == Action.VIEW:
        lives_below = home_rt_path is not None and covers(target_path, home_rt_path)
        return lives_below or any(
            covers(g.path, target_path) or covers(target_path, g.path) for g in grants
        )
    if action == Action.VIEW_OVERVIEW:
        return any(covers(g.path, target_path) for g in grants)
    if action == Action.MANAGE_MEMBERS:
        if target_level != "rt":
            return False
        return any(
            (g.role in RT_OFFICER_ROLES and g.path == target_path)
            or (g.role == "ketua_rw" and covers(g.path, target_path))
            for g in grants
        )
    if action == Action.APPOINT:
        return bool(appointable_roles(target_level, target_path, grants))
    if action == Action.MANAGE_ACTIVITIES:
        # Every role organises for the wilayah it holds and everything below it.
        return any(covers(g.path, target_path) for g in grants)
    if action == Action.SEE_PARTICIPANTS:
        # Only the organisers of the wilayah itself (an RT's pengurus for an RT activity).
        # Everyone above them sees figures, never a person (UU PDP: need to know).
        return any(g.path == target_path for g in grants)
    if action == Action.ADD_CHILD:
        if target_level == "kelurahan":
            return any(g.role in OFFICIAL_ROLES and covers(g.path, target_path) for g in grants)
        if target_level == "rw":
            return any(
                g.role in OFFICIAL_ROLES | {"ketua_rw"} and covers(g.path, target_path)
                for g in grants
            )
        return False
    return False


def appointable_roles(target_level: str, target_path: str, grants: Iterable[Grant]) -> list[str]:
    """Roles on the target wilayah that these grants may give or take away.

    Sekretaris and bendahara are chosen by the ketua RT (or the RW above); a ketua RT
    by the ketua RW or an admin above; a ketua RW by the kelurahan or city; an admin
    kelurahan by the city; an admin kota by another admin kota.
    """
    grants = tuple(grants)

    def held_above(*roles: str, strictly: bool = True) -> bool:
        return any(
            g.role in roles
            and covers(g.path, target_path)
            and (g.path != target_path or not strictly)
            for g in grants
        )

    roles: list[str] = []
    if target_level == "rt":
        if held_above("ketua_rw", "admin_kelurahan", "admin_kota"):
            roles.append("ketua_rt")
        if held_above("ketua_rw") or any(
            g.role == "ketua_rt" and g.path == target_path for g in grants
        ):
            roles += ["sekretaris", "bendahara"]
    elif target_level == "rw":
        if held_above("admin_kelurahan", "admin_kota"):
            roles.append("ketua_rw")
    elif target_level == "kelurahan":
        if held_above("admin_kota"):
            roles.append("admin_kelurahan")
    elif target_level == "kota" and held_above("admin_kota", strictly=False):
        roles.append("admin_kota")
    return roles
