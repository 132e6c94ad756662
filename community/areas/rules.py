"""Pure rules of the wilayah tree, RT membership and roles. Plain values in, plain values out.

The wilayah-path access rules every domain shares (:class:`Action`, :class:`Grant`,
:func:`allowed`, :func:`appointable_roles`) live in :mod:`community.core.access_rules`
so that ``core`` imports no domain: import them from there.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from community.core.access_rules import (
    ROLE_LEVEL,
    Action,
    Grant,
    allowed,
    appointable_roles,
)

# 31 symbols without look-alikes (0/O, 1/I/L): read aloud at a meeting, typed on a phone.
INVITE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
INVITE_LENGTH = 10  # 31**10 ≈ 2**49.5: out of reach of guessing behind the rate limit
INVITE_VALID_DAYS = 180  # a printed poster stays on the pos kamling for months


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
