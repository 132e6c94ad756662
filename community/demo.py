"""Demo data: a real kelurahan (Komet, Banjarbaru Utara) with two RWs, five RTs, pengurus,
residents and open join requests. Every demo account shares one known password."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from faker import Faker
from sqlalchemy import func, select

from community.accounts import services as accounts
from community.accounts.models import User
from community.areas import services as areas
from community.areas.models import Level, Role, Wilayah
from community.extensions import db

DEMO_PASSWORD = "rukun-demo-2026"  # noqa: S105 - printed on purpose: demo data only
DEMO_KELURAHAN = "Komet"
RESIDENTS_PER_RT = 8


@dataclass(frozen=True)
class DemoAccount:
    role: str
    name: str
    phone: str


def _phone(n: int) -> str:
    return f"+62812000{n:05d}"


def has_demo_data() -> bool:
    return bool(db.session.scalar(select(func.count(User.id))))


def load_demo(*, now: datetime, seed: int = 2026) -> list[DemoAccount]:
    """Create the demo neighbourhood (the caller commits). Returns the sign-ins to print."""
    fake = Faker("id_ID")
    fake.seed_instance(seed)
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not security
    areas.ensure_wilayah_tree()
    kelurahan = db.session.scalar(
        select(Wilayah).where(Wilayah.level == Level.KELURAHAN, Wilayah.name == DEMO_KELURAHAN)
    )
    kota = db.session.scalar(select(Wilayah).where(Wilayah.level == Level.KOTA))
    counter = iter(range(1, 10_000))
    accounts_out: list[DemoAccount] = []

    def person(rt: Wilayah | None, name: str | None = None) -> User:
        user = accounts.register(
            phone=_phone(next(counter)),
            password=DEMO_PASSWORD,
            name=name or fake.name(),
            email=None,
            language="id",
        )
        user.rt_id = rt.id if rt else None
        user.needs_wheelchair = rng.random() < 0.05
        user.needs_lift = rng.random() < 0.08
        return user

    def note(label: str, user: User) -> None:
        accounts_out.append(DemoAccount(label, user.name, user.phone))

    admin_kota = person(None, "Admin Kota Banjarbaru")
    areas.appoint(kota, admin_kota, Role.ADMIN_KOTA)
    note("Admin kota", admin_kota)
    admin_kel = person(None, f"Admin Kelurahan {DEMO_KELURAHAN}")
    areas.appoint(kelurahan, admin_kel, Role.ADMIN_KELURAHAN)
    note("Admin kelurahan", admin_kel)

    rts: list[Wilayah] = []
    for rw_number, rt_count in ((1, 3), (2, 2)):
        rw = areas.add_child(kelurahan, rw_number)
        for rt_number in range(1, rt_count + 1):
            rt = areas.add_child(rw, rt_number)
            areas.regenerate_invite_code(rt, now=now)
            rts.append(rt)
            ketua = person(rt)
            areas.appoint(rt, ketua, Role.KETUA_RT)
            if rt_number == 1 and rw_number == 1:
                note(f"Ketua {rt.full_name}", ketua)
                sekretaris = person(rt)
                areas.appoint(rt, sekretaris, Role.SEKRETARIS)
                note(f"Sekretaris {rt.full_name}", sekretaris)
            for i in range(RESIDENTS_PER_RT):
                resident = person(rt)
                if i == 0 and rt_number == 1 and rw_number == 1:
                    note(f"Warga {rt.full_name}", resident)
                if i == 0 and rt_number == 2 and rw_number == 1:
                    note(f"Warga {rt.full_name}", resident)
        ketua_rw = person(rts[-1])
        areas.appoint(rw, ketua_rw, Role.KETUA_RW)
        if rw_number == 1:
            note(f"Ketua {rw.full_name}", ketua_rw)

    for rt in rts[:2]:  # newcomers waiting for the pengurus
        newcomer = person(None)
        areas.request_join(newcomer, rt, is_move=False, now=now)
        if rt is rts[0]:
            note(f"Menunggu persetujuan {rt.full_name}", newcomer)
    db.session.flush()
    return accounts_out
