"""Demo data: a real kelurahan (Komet, Banjarbaru Utara) with two RWs, five RTs, pengurus,
residents and open join requests. Every demo account shares one known password."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from faker import Faker
from sqlalchemy import func, select

from community.accounts import services as accounts
from community.accounts.models import User
from community.areas import services as areas
from community.areas.models import (
    JoinRequest,
    JoinStatus,
    Level,
    Role,
    RoleAssignment,
    Wilayah,
)
from community.core.time import WITA
from community.events import answers
from community.events import rules as events_rules
from community.events import services as events
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
        wheelchair, lift = rng.random() < 0.05, rng.random() < 0.08
        if wheelchair or lift:  # needs are kept only with consent (the database checks)
            accounts.set_needs(
                user, consent=True, now=now, needs_wheelchair=wheelchair, needs_lift=lift
            )
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
    messaging_pair: list[User] = []
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
                if i == 0 and rw_number == 1:
                    messaging_pair.append(resident)  # two RTs of RW 01 write
        ketua_rw = person(rts[-1])
        areas.appoint(rw, ketua_rw, Role.KETUA_RW)
        if rw_number == 1:
            note(f"Ketua {rw.full_name}", ketua_rw)

    _demo_activities(rts, kelurahan, now=now, rng=rng)
    _demo_announcement(rts[0], now=now)
    _demo_messages(messaging_pair[0], messaging_pair[1], now=now)
    _demo_arisan(rts[0], now=now)
    _demo_musyawarah(rts, now=now)

    for rt in rts[:2]:  # newcomers waiting for the pengurus
        newcomer = person(None)
        areas.request_join(newcomer, rt, is_move=False, now=now)
        if rt is rts[0]:
            note(f"Menunggu persetujuan {rt.full_name}", newcomer)
    _demo_history(rts, kelurahan, now=now, seed=seed)
    db.session.flush()
    return accounts_out


def _demo_messages(first: User, second: User, *, now: datetime) -> None:
    """Two residents of RW 01 (the demo sign-ins of RT 01 and RT 02) already wrote."""
    from community.messages import services as messages

    talk = messages.start_conversation(first, second, now=now - timedelta(hours=2))
    messages.send(talk, first, "Assalamualaikum, besok saya bawa gerobak untuk kerja bakti.",
                  now=now - timedelta(hours=2))  # fmt: skip
    messages.send(talk, second, "Waalaikumsalam. Siap, saya bawa cangkul dua.",
                  now=now - timedelta(hours=1))  # fmt: skip


def _demo_announcement(rt01: Wilayah, *, now: datetime) -> None:
    """The ketua of RT 01 pinned one pengumuman, linked to Sunday's kerja bakti."""
    from community.announcements import services as announcements
    from community.events.models import Activity

    ketua = db.session.scalar(select(User).where(User.rt_id == rt01.id).order_by(User.id))
    kerja_bakti = db.session.scalar(
        select(Activity).where(Activity.wilayah_id == rt01.id, Activity.kind == "gotong_royong")
    )
    announcements.publish(
        rt01,
        by=ketua,
        now=now - timedelta(hours=3),
        body=(
            "Assalamualaikum warga RT 01.\n"
            "Kerja bakti saluran hari Minggu jam 07.00, kumpul di pos kamling. "
            "Mohon bawa cangkul atau sapu; konsumsi disiapkan ibu-ibu PKK.\n"
            "Info musim hujan dari BPBD: https://bpbd.kalselprov.go.id"
        ),
        is_pinned=True,
        expires_at=now + timedelta(days=14),
        activity=kerja_bakti,
    )


def _demo_arisan(rt01: Wilayah, *, now: datetime) -> None:
    """RT 01's arisan (#15): 12 names × Rp50.000 a month. The ketua runs it, the first
    resident keeps its book; the ten people of RT 01 and two neighbours without a phone.
    The first meeting is three weeks ahead, after the week of activities above."""
    from community.arisan import services as arisan

    people = db.session.scalars(
        select(User).where(User.rt_id == rt01.id).order_by(User.id)
    ).all()  # the ketua, the sekretaris, then the residents
    ketua, bookkeeper = people[0], people[2]
    members = [arisan.NewMember(p, None, 1, is_bendahara=p is bookkeeper) for p in people]
    members += [arisan.NewMember(None, name, 1) for name in ("Nenek Salmah", "Acil Iyah")]
    first = _next_weekday(now + timedelta(days=20), 5, 16)
    arisan.create_group(
        rt01, by=ketua, now=now, name="Arisan Ibu-ibu RT 01", contribution_idr=50_000,
        period="bulanan", first_meeting_on=first.date(), meeting_time=first.time(),
        place="Rumah Ketua RT 01", members=members[:12],
    )  # fmt: skip


def _demo_musyawarah(rts: list[Wilayah], *, now: datetime) -> None:
    """Usulan like Kelurahan Mentaos' 58 for its Musrenbang (#16): drainage, street lights,
    training, a pos kamling; supported, discussed, one forwarded to the RW, one accepted.
    RT 01 ranks its priorities in an open poll (the demo resident has not voted yet),
    chose a kerja bakti day in a closed one, and is finding an evening for the meeting in a
    time poll; RT 02 ranked its priorities in a poll now closed."""
    from community.musyawarah import services as musyawarah

    def people(rt: Wilayah) -> list[User]:  # the ketua first, then the residents
        return list(db.session.scalars(select(User).where(User.rt_id == rt.id).order_by(User.id)))

    rt01, rt02 = rts[0], rts[1]
    warga01, warga02 = people(rt01), people(rt02)
    ketua01, ketua02 = warga01[0], warga02[0]
    day = timedelta(days=1)
    made = []
    for rt, author, title, category, body, location, supporters in (
        (rt01, warga01[3], "Perbaikan drainase Gang Mawar", "infrastruktur",
         "Saluran di Gang Mawar tersumbat; setiap hujan deras air masuk ke rumah warga.",
         "Gang Mawar, RT 01", warga01[4:10]),
        (rt01, warga01[5], "Lampu jalan Gang 3", "infrastruktur",
         "Gang 3 gelap setelah magrib. Anak-anak pulang mengaji lewat sini.",
         "Jl. Komet Gang 3", warga01[2:5]),
        (rt01, warga01[6], "Pelatihan usaha kue untuk ibu-ibu PKK", "ekonomi",
         "Pelatihan membuat dan menjual kue kering, dengan pemasaran lewat WhatsApp.",
         "", warga01[7:9]),
        (rt02, warga02[2], "Renovasi pos kamling RT 02", "sosial_budaya",
         "Atap pos kamling bocor dan lampunya mati; ronda malam jadi tidak nyaman.",
         "Pos kamling RT 02", warga02[3:7]),
    ):  # fmt: skip
        proposal = musyawarah.propose(rt, by=author, title=title, body=body, category=category,
                                      location=location, now=now - 6 * day)  # fmt: skip
        for supporter in supporters:
            musyawarah.support(proposal, supporter, now=now - 5 * day)
        made.append(proposal)
    drainase, lampu, pelatihan, pos = made
    musyawarah.comment(drainase, ketua01, "Kita bahas di musyawarah RT Jumat malam.",
                       now=now - 4 * day)  # fmt: skip
    musyawarah.change_status(drainase, "dibahas", by=ketua01, reason="", now=now - 4 * day)
    musyawarah.change_status(lampu, "dibahas", by=ketua01, reason="", now=now - 4 * day)
    musyawarah.change_status(lampu, "diteruskan", by=ketua01, reason="Butuh anggaran kelurahan",
                             now=now - 3 * day)  # fmt: skip
    musyawarah.change_status(pos, "dibahas", by=ketua02, reason="", now=now - 4 * day)
    musyawarah.change_status(pos, "diterima", by=ketua02, reason="Dikerjakan dari kas RT",
                             now=now - 2 * day)  # fmt: skip

    options = [drainase.title, lampu.title, pelatihan.title, "Tempat sampah terpilah"]
    priorities = musyawarah.create_poll(
        rt01, by=ketua01, question="Prioritas RT 01 untuk Musrenbang", kind="peringkat",
        description="Urutkan tiga usulan terpenting; hasilnya dibawa ke Musrenbang kelurahan.",
        options=options, max_choices=3, is_secret=False, shows_live=False,
        opens_at=now - 2 * day, closes_at=now + 5 * day, now=now - 2 * day,
    )  # fmt: skip
    ids = [o.id for o in priorities.options]
    for n, voter in enumerate(warga01[3:9]):
        ranking = [ids[0], ids[1], ids[2]] if n % 3 else [ids[1], ids[0], ids[3]]
        musyawarah.vote(priorities, voter, ranking, now=now - day)
    # two elderly neighbours without a phone ranked on paper; the ketua entered them
    musyawarah.enter_paper_ranking(priorities, by=ketua01, ballots=2,
                                   order=[ids[0], ids[3], ids[1]], now=now - day)  # fmt: skip
    kerja_bakti = musyawarah.create_poll(
        rt01, by=ketua01, question="Hari kerja bakti bulan depan", kind="tunggal",
        description="", options=["Sabtu pagi", "Minggu pagi"], max_choices=1, is_secret=True,
        shows_live=False, opens_at=now - 10 * day, closes_at=now - 3 * day, now=now - 10 * day,
    )  # fmt: skip
    sabtu, minggu = (o.id for o in kerja_bakti.options)
    for n, voter in enumerate(warga01[:8]):
        musyawarah.vote(kerja_bakti, voter, [minggu if n % 4 else sabtu], now=now - 9 * day)

    # RT 02 has already ranked its priorities: the kelurahan's Musrenbang list carries the
    # result (Borda points) under the proposals.
    rt02_options = [pos.title, "Drainase depan Musala Al-Ikhlas", "Posyandu lansia",
                    "Pelatihan hidroponik"]  # fmt: skip
    rt02_priorities = musyawarah.create_poll(
        rt02, by=ketua02, question="Prioritas RT 02 untuk Musrenbang", kind="peringkat",
        description="Urutkan tiga usulan terpenting; hasilnya dibawa ke Musrenbang kelurahan.",
        options=rt02_options, max_choices=3, is_secret=False, shows_live=False,
        opens_at=now - 9 * day, closes_at=now - 2 * day, now=now - 9 * day,
    )  # fmt: skip
    ids02 = [o.id for o in rt02_priorities.options]
    for n, voter in enumerate(warga02[1:8]):
        ranking = [ids02[1], ids02[2], ids02[0]] if n % 3 else [ids02[2], ids02[1], ids02[3]]
        musyawarah.vote(rt02_priorities, voter, ranking, now=now - 8 * day)

    # "Kapan musyawarah?": RT 01 picks an evening for the meeting on its priorities; six
    # neighbours ticked theirs, the demo resident has not yet, the ketua has not picked.
    evenings = [_next_weekday(now, weekday, hour, minute)
                for weekday, hour, minute in ((4, 20, 0), (5, 19, 30), (6, 19, 30))]  # fmt: skip
    kapan = musyawarah.create_time_poll(
        rt01, by=ketua01, title="Musyawarah prioritas Musrenbang RT 01",
        place="Rumah Ketua RT 01", times=evenings, now=now - day,
    )  # fmt: skip
    jumat, sabtu_malam, minggu_malam = (o.id for o in kapan.options)
    for n, voter in enumerate(warga01[3:9]):
        musyawarah.mark_times(kapan, voter, [sabtu_malam, jumat if n % 2 else minggu_malam])


def _next_weekday(now: datetime, weekday: int, hour: int, minute: int = 0) -> datetime:
    """The next ``weekday`` (0 = Monday) at ``hour:minute`` WITA, at least a day ahead."""
    local = (now + timedelta(days=1)).astimezone(WITA)
    days = (weekday - local.weekday()) % 7
    day = (local + timedelta(days=days)).date()
    return datetime.combine(day, time(hour, minute), tzinfo=WITA)


def _demo_activities(rts: list[Wilayah], kelurahan: Wilayah, *, now: datetime, rng) -> None:
    """A week of Banjarbaru neighbourhood life, with answers already given."""
    rt01, rt02 = rts[0], rts[1]
    rw01 = rt01.parent
    sunday = _next_weekday(now, 6, 7)
    organiser = db.session.scalar(select(User).where(User.rt_id == rt01.id).order_by(User.id))
    kerja_bakti = events.create_activity(
        rt01,
        by=organiser,
        now=now,
        kind="gotong_royong",
        title="Kerja bakti bersihkan saluran RT 01",
        description="Membersihkan saluran air sebelum musim hujan. Bawa cangkul, sabit, atau sapu.",
        place="Depan pos kamling RT 01",
        accessibility_notes="Jalan datar, bisa dengan kursi roda",
        starts_at=sunday,
        ends_at=sunday + timedelta(hours=3),
        capacity=40,
    )
    rule = events_rules.recurrence_rule(
        "weekly", _next_weekday(now, 3, 19, 45), until=None, count=12
    )
    thursday = _next_weekday(now, 3, 19, 45)
    events.create_series(
        rw01,
        by=organiser,
        now=now,
        rule=rule,
        kind="pengajian",
        title="Yasinan malam Jumat",
        description="Yasinan dan doa bersama, bergiliran di rumah warga.",
        place="Musala Al-Ikhlas RW 01",
        accessibility_notes="Ada tangga dua anak tangga",
        starts_at=thursday,
        ends_at=thursday + timedelta(hours=1, minutes=15),
    )
    saturday = _next_weekday(now, 5, 16)
    events.create_activity(
        rt02,
        by=organiser,
        now=now,
        kind="olahraga",
        title="Voli sore antar-RT",
        place="Lapangan voli RW 01",
        starts_at=saturday,
        ends_at=saturday + timedelta(hours=2),
        capacity=12,
    )
    wednesday = _next_weekday(now, 2, 9)
    events.create_activity(
        kelurahan,
        by=organiser,
        now=now,
        kind="pelatihan",
        title="Pelatihan membuat kue untuk UMKM",
        place="Aula Kantor Kelurahan Komet",
        accessibility_notes="Aula di lantai 1",
        starts_at=wednesday,
        ends_at=wednesday + timedelta(hours=3),
        capacity=25,
    )
    residents = db.session.scalars(select(User).where(User.rt_id == rt01.id)).all()
    for resident in residents[1:]:
        answer = rng.choice(["hadir", "hadir", "mungkin", "tidak"])
        answers.respond(kerja_bakti, resident, answer=answer, guests=rng.choice([0, 0, 1]), now=now)


# (weeks ago, kind, where: "rt" each active RT / "rw01" / "rw02" / "kelurahan", title, hour)
HISTORY = (
    (12, "gotong_royong", "rt", "Kerja bakti bersih lingkungan", 7),
    (11, "pengajian", "rw01", "Yasinan malam Jumat", 19),
    (10, "pelatihan", "kelurahan", "Pelatihan pengolahan sampah organik", 9),
    (9, "olahraga", "rw02", "Senam pagi bersama", 6),
    (8, "gotong_royong", "rt", "Kerja bakti saluran air", 7),
    (7, "pengajian", "rw01", "Yasinan malam Jumat", 19),
    (6, "musyawarah", "rw02", "Musyawarah rencana pos kamling", 20),
    (5, "pelatihan", "kelurahan", "Pelatihan pemasaran daring UMKM", 9),
    (4, "gotong_royong", "rt", "Kerja bakti sebelum musim hujan", 7),
    (3, "pengajian", "rw01", "Yasinan malam Jumat", 19),
    (2, "olahraga", "rw02", "Senam pagi bersama", 6),
    (1, "musyawarah", "rw01", "Musyawarah persiapan Musrenbang", 20),
)


def _demo_history(rts: list[Wilayah], kelurahan: Wilayah, *, now: datetime, seed: int) -> None:
    """Three months of activities already held, with answers and Daftar Hadir, so the
    dashboard (#17) has something to show. RT 03 / RW 01 held nothing and nobody from it
    came: the "wilayah sepi" an official should notice."""
    from community.events import attendance

    rng = random.Random(seed + 17)  # noqa: S311 - reproducible demo data, not security
    quiet = rts[2]
    active_rts = [rt for rt in rts if rt is not quiet]
    people = {
        rt.id: list(db.session.scalars(select(User).where(User.rt_id == rt.id).order_by(User.id)))
        for rt in active_rts
    }
    organiser = people[rts[0].id][0]
    # Some always come, some now and then, some never: one in five takes part in nothing.
    keen = {p.id: rng.choice([0.0, 0.15, 0.35, 0.6, 0.85]) for ps in people.values() for p in ps}
    places = {"rt": "Pos kamling", "rw01": "Musala Al-Ikhlas RW 01", "rw02": "Lapangan RW 02",
              "kelurahan": "Aula Kantor Kelurahan Komet"}  # fmt: skip
    for weeks, kind, where, title, hour in HISTORY:
        local = (now - timedelta(weeks=weeks)).astimezone(WITA)
        starts = datetime.combine(local.date(), time(hour), tzinfo=WITA)
        if where == "rt":
            hosts = [(rt, people[rt.id]) for rt in active_rts]
        elif where == "kelurahan":
            hosts = [(kelurahan, [p for rt in active_rts for p in people[rt.id]])]
        else:
            rw = rts[0].parent if where == "rw01" else rts[3].parent
            hosts = [(rw, [p for rt in active_rts if rt.parent_id == rw.id for p in people[rt.id]])]
        for scope, pool in hosts:
            activity = events.create_activity(
                scope, by=organiser, now=starts - timedelta(days=7), kind=kind, title=title,
                place=places[where], starts_at=starts, ends_at=starts + timedelta(hours=2),
            )  # fmt: skip
            for resident in pool:
                chance = rng.random() / max(keen[resident.id], 0.01)
                if chance < 1:  # said Hadir; most of them came and were checked in
                    answers.respond(activity, resident, answer="hadir",
                                    now=starts - timedelta(days=2))  # fmt: skip
                    if chance < 0.8:
                        attendance.mark_attendance(activity, user=resident, method="pengurus",
                                                   by=organiser, now=starts)  # fmt: skip
                elif chance < 1.3:
                    answers.respond(activity, resident, answer="tidak",
                                    now=starts - timedelta(days=2))  # fmt: skip


def demo_sign_ins() -> list[DemoAccount]:
    """The sign-ins :func:`load_demo` printed, read back from the database (``rukun demo
    --show``): the demo's phone numbers, in the order and with the labels it printed."""
    demo_phone = User.phone.like(_phone(0)[:-5] + "%")
    kelurahan = db.session.scalar(
        select(Wilayah).where(Wilayah.level == Level.KELURAHAN, Wilayah.name == DEMO_KELURAHAN)
    )
    if kelurahan is None:
        return []
    rw01 = db.session.scalar(
        select(Wilayah).where(Wilayah.parent_id == kelurahan.id, Wilayah.name == "01")
    )
    rts = (
        db.session.scalars(
            select(Wilayah).where(Wilayah.parent_id == rw01.id).order_by(Wilayah.name)
        ).all()
        if rw01 is not None
        else []
    )

    def holder(node: Wilayah | None, role: Role) -> User | None:
        if node is None:
            return None
        return db.session.scalar(
            select(User).join(RoleAssignment, RoleAssignment.user_id == User.id)
            .where(RoleAssignment.wilayah_id == node.id, RoleAssignment.role == role, demo_phone)
            .order_by(User.phone).limit(1)
        )  # fmt: skip

    def first_resident(rt: Wilayah) -> User | None:
        return db.session.scalar(
            select(User).where(User.rt_id == rt.id, demo_phone, ~User.roles.any())
            .order_by(User.phone).limit(1)
        )  # fmt: skip

    kota = db.session.scalar(select(Wilayah).where(Wilayah.level == Level.KOTA))
    found: list[tuple[str, User | None]] = [
        ("Admin kota", holder(kota, Role.ADMIN_KOTA)),
        ("Admin kelurahan", holder(kelurahan, Role.ADMIN_KELURAHAN)),
    ]
    if rts:
        rt01 = rts[0]
        found += [(f"Ketua {rt01.full_name}", holder(rt01, Role.KETUA_RT)),
                  (f"Sekretaris {rt01.full_name}", holder(rt01, Role.SEKRETARIS))]  # fmt: skip
        found += [(f"Warga {rt.full_name}", first_resident(rt)) for rt in rts[:2]]
        found.append((f"Ketua {rw01.full_name}", holder(rw01, Role.KETUA_RW)))
        waiting = db.session.scalar(
            select(User).join(JoinRequest, JoinRequest.user_id == User.id)
            .where(JoinRequest.rt_id == rt01.id, JoinRequest.status == JoinStatus.PENDING, demo_phone)
            .order_by(User.phone).limit(1)
        )  # fmt: skip
        found.append((f"Menunggu persetujuan {rt01.full_name}", waiting))
    return [DemoAccount(label, user.name, user.phone) for label, user in found if user is not None]
