"""Each model declares its own scope, and decisions about a person are named policies
(issue #11): ``core/authz`` branches on no type and imports no domain."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from community.accounts import policies
from community.accounts.models import User
from community.areas.models import JoinRequest, Wilayah
from community.core import authz
from community.core.access_rules import Grant
from community.events.models import Activity
from community.extensions import db


@pytest.fixture
def ctx(app, world):
    with app.test_request_context():
        yield world


def _user(world, principal: str) -> User:
    return db.session.get(User, world[principal].id)


def test_each_authorisable_model_names_the_wilayah_it_belongs_to(ctx):
    rt_a = db.session.get(Wilayah, ctx.rt_a.id)
    activity = db.session.get(Activity, ctx.activities["rw"].id)
    request = db.session.scalar(select(JoinRequest).where(JoinRequest.rt_id == rt_a.id))
    rt = ("rt", rt_a.path)

    assert all(isinstance(obj, authz.Scoped) for obj in (rt_a, activity, request))
    assert authz.scope_of(rt_a) == rt
    assert authz.scope_of(activity) == ("rw", ctx.rw.path)
    assert authz.scope_of(request) == rt
    assert authz.scope_of(_user(ctx, "resident_a")) == rt
    assert authz.scope_of(_user(ctx, "pending")) == ("rt", "/none/")  # under no wilayah


def test_an_object_without_a_scope_is_refused_not_guessed(ctx):
    with pytest.raises(TypeError, match="no wilayah for Grant"):
        authz.can(authz.Action.VIEW, Grant("ketua_rt", "/1/"), _user(ctx, "admin_kota"))


def test_grants_come_from_the_loader_the_areas_domain_registers(ctx):
    assert authz.grants_of(_user(ctx, "pengurus_a")) == (Grant("ketua_rt", ctx.rt_a.path),)
    assert authz.grants_of(_user(ctx, "resident_a")) == ()


@pytest.mark.parametrize(
    ("viewer", "resident", "sees"),
    [
        ("pengurus_a", "resident_a", True),  # the same RT
        ("resident_a", "pengurus_a", True),
        ("resident_a", "resident_b", False),  # RT B, next door in the same RW
        ("ketua_rw", "resident_a", True),  # a role above the resident's RT
        ("admin_kelurahan", "resident_b", True),
        ("resident_b", "pending", False),  # not in any RT yet: nobody's neighbour
        ("pending", "resident_a", False),
    ],
)
def test_a_neighbour_is_someone_of_the_same_rt_or_a_pengurus_above_it(ctx, viewer, resident, sees):
    assert policies.may_see_neighbour(_user(ctx, resident), _user(ctx, viewer)) is sees


@pytest.mark.parametrize(
    ("viewer", "resident", "sees"),
    [
        ("resident_a", "resident_a", True),
        ("pengurus_a", "resident_a", True),
        ("ketua_rw", "resident_a", True),
        ("admin_kelurahan", "resident_a", False),  # figures, never a person's data
        ("resident_b", "resident_a", False),
    ],
)
def test_private_data_is_for_the_resident_and_their_rts_pengurus(ctx, viewer, resident, sees):
    assert policies.may_see_private(_user(ctx, resident), _user(ctx, viewer)) is sees


@pytest.mark.parametrize(
    ("viewer", "person", "holds"),
    [
        ("pengurus_a", "resident_a", True),
        ("resident_a", "pengurus_a", False),
        ("ketua_rw", "pengurus_a", True),
        ("pengurus_a", "resident_b", False),  # another RT
    ],
)
def test_authority_over_a_person_needs_their_rts_pengurus_tools(ctx, viewer, person, holds):
    assert policies.has_authority_over(_user(ctx, person), _user(ctx, viewer)) is holds
