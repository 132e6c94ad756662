"""An arisan group in RT A: Haji Rahmat (ketua RT) is its pengelola, Siti its bendahara, two
more residents of RT A (one with dua nama) and Nenek Sari without an account."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time, timedelta
from itertools import count

import pytest

from community.accounts.models import User
from community.areas.models import Wilayah
from community.arisan import services
from community.arisan.models import ArisanGroup
from community.extensions import db
from tests.conftest import World
from tests.integration.notifications.conftest import server_key  # noqa: F401 (a fixture)

_SEEDS = count(1)


def fixed_seeds() -> Callable[[], bytes]:
    """Known seeds, each different, so a test can recompute every draw."""
    return lambda: next(_SEEDS).to_bytes(32, "big")


@pytest.fixture
def make_group(app, world: World, make_user) -> Callable[..., int]:
    def make(winners: int = 1, include_unpaid: bool = False, **fields) -> int:
        with app.app_context():
            rt_a = db.session.get(Wilayah, world.rt_a.id)
            extra = [make_user(f"Warga Arisan {n}", rt_a) for n in (1, 2)]
            ketua = db.session.get(User, world["pengurus_a"].id)
            siti = db.session.get(User, world["resident_a"].id)
            members = [
                services.NewMember(ketua, None, 1),
                services.NewMember(siti, None, 1, is_bendahara=True),
                services.NewMember(db.session.get(User, extra[0].id), None, 2),
                services.NewMember(db.session.get(User, extra[1].id), None, 1),
                services.NewMember(None, "Nenek Sari", 1),
            ]
            values = dict(
                name="Arisan Ibu-ibu RT 01", contribution_idr=50_000, period="bulanan",
                first_meeting_on=(world.now + timedelta(days=10)).date(),
                meeting_time=time(19, 30), place="Rumah Bu Siti",
            )  # fmt: skip
            values.update(fields)
            group = services.create_group(
                rt_a, by=ketua, now=world.now, members=members, winners_per_draw=winners,
                include_unpaid=include_unpaid, make_seed=fixed_seeds(), **values,
            )  # fmt: skip
            db.session.commit()
            return group.id

    return make


def group_of(group_id: int) -> ArisanGroup:
    return db.session.get(ArisanGroup, group_id)
