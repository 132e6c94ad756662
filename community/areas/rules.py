"""Pure authorization and wilayah rules. Plain values in, plain values out.

A *grant* is ``(role, path)``: a role held on the wilayah whose materialised path is
``path`` (``/1/3/9/``). Authority flows down the tree, so a grant covers every node
whose path starts with the grant's path.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

# Values mirror community.areas.models.Level / Role (StrEnum compares equal to str).
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

# 31 symbols without look-alikes (0/O, 1/I/L): read aloud at a meeting, typed on a phone.
INVITE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
INVITE_LENGTH = 10  # 31**10 ≈ 2**49.5: out of reach of guessing behind the rate limit
INVITE_VALID_DAYS = 180  # a printed poster stays on the pos kamling for months


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


def may_see_private(
    viewer_id: int, resident_id: int, resident_rt_path: str | None, grants: Iterable[Grant]
) -> bool:
    """Phone numbers and needs flags: the resident, and the pengurus of their RT."""
    if viewer_id == resident_id:
        return True
    if resident_rt_path is None:
        return False
    return allowed(Action.MANAGE_MEMBERS, "rt", resident_rt_path, grants, None)


def has_authority_over(
    person_rt_path: str | None, person_grants: Iterable[Grant], grants: Iterable[Grant]
) -> bool:
    """May ``grants`` issue a reset code for this person or remove them from their RT?

    Both hand over or take away everything the person holds, so they need the pengurus
    tools of the person's RT *and* the authority to give or take every role the person
    holds: a sekretaris cannot take over the ketua RT, nor a ketua RT the ketua RW who
    lives in their RT.
    """
    grants = tuple(grants)
    if person_rt_path is None or not allowed(
        Action.MANAGE_MEMBERS, "rt", person_rt_path, grants, None
    ):
        return False
    return all(
        g.role in appointable_roles(ROLE_LEVEL.get(g.role, ""), g.path, grants)
        for g in person_grants
    )


def new_invite_code(rng: secrets.SystemRandom | None = None) -> str:
    rng = rng or secrets.SystemRandom()
    return "".join(rng.choice(INVITE_ALPHABET) for _ in range(INVITE_LENGTH))


def normalise_invite_code(raw: str) -> str:
    """Accept what people type: lower case, spaces and dashes (``abcde-fghjk``)."""
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())[:32]


def format_invite_code(code: str) -> str:
    """Split in two halves so it is easy to read out: ``ABCDE-FGHJK``."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def full_name(level: str, name: str, parent_name: str | None) -> str:
    """How a wilayah is written on screen: ``RT 03 / RW 05``, ``Kelurahan Komet``."""
    if level == "rt":
        return f"RT {name} / {parent_name}" if parent_name else f"RT {name}"
    if level == "rw":
        return f"RW {name}"
    if level == "kelurahan":
        return f"Kelurahan {name}"
    if level == "kecamatan":
        return f"Kecamatan {name}"
    return f"Kota {name}"
