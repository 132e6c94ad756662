"""Authorization and wilayah rules: plain values in, plain values out.

The tree used throughout (ids deliberately not small and with shared prefixes, so a
string-prefix mistake such as ``/4/`` matching ``/41/`` would show):

    /1/                    kota Banjarbaru
    /1/20/                 kecamatan
    /1/20/300/             kelurahan Komet
    /1/20/300/4/           RW 01            /1/20/300/41/     RW 02
    /1/20/300/4/5/         RT A (01)        /1/20/300/41/7/   RT C (01)
    /1/20/300/4/6/         RT B (02)
    /1/20/301/             kelurahan Mentaos
    /1/20/301/8/9/         an RT in another kelurahan
"""

from __future__ import annotations

import random

import pytest

from community.areas.rules import (
    INVITE_ALPHABET,
    INVITE_LENGTH,
    format_invite_code,
    full_name,
    has_authority_over,
    may_see_private,
    new_invite_code,
    normalise_invite_code,
)
from community.core.access_rules import Action, Grant, allowed, appointable_roles, covers

KOTA = "/1/"
KECAMATAN = "/1/20/"
KELURAHAN = "/1/20/300/"
RW = "/1/20/300/4/"
RT_A = "/1/20/300/4/5/"
RT_B = "/1/20/300/4/6/"
RW2 = "/1/20/300/41/"
RT_C = "/1/20/300/41/7/"
OTHER_KELURAHAN = "/1/20/301/"
OTHER_KELURAHAN_RW = "/1/20/301/8/"
OTHER_KELURAHAN_RT = "/1/20/301/8/9/"

LEVEL = {
    KOTA: "kota",
    KECAMATAN: "kecamatan",
    KELURAHAN: "kelurahan",
    OTHER_KELURAHAN: "kelurahan",
    RW: "rw",
    RW2: "rw",
    OTHER_KELURAHAN_RW: "rw",
    RT_A: "rt",
    RT_B: "rt",
    RT_C: "rt",
    OTHER_KELURAHAN_RT: "rt",
}
ALL_NODES = tuple(LEVEL)
ALL_RTS = tuple(p for p in ALL_NODES if LEVEL[p] == "rt")

KETUA_RT_A = Grant("ketua_rt", RT_A)
SEKRETARIS_A = Grant("sekretaris", RT_A)
BENDAHARA_A = Grant("bendahara", RT_A)
KETUA_RW = Grant("ketua_rw", RW)
ADMIN_KELURAHAN = Grant("admin_kelurahan", KELURAHAN)
ADMIN_KOTA = Grant("admin_kota", KOTA)


def can(action, path, grants=(), home=None) -> bool:
    return allowed(action, LEVEL[path], path, grants, home)


def able_on(action, grants, home=None) -> set[str]:
    """Every node of the test tree where ``action`` is allowed."""
    return {p for p in ALL_NODES if can(action, p, grants, home)}


# --- covers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("grant_path", "target", "expected"),
    [
        (RW, RW, True),
        (RW, RT_A, True),
        (KOTA, RT_C, True),
        (RT_A, RW, False),  # authority flows down, never up
        (RW, RT_C, False),  # /1/20/300/4/ is not a prefix of /1/20/300/41/7/
        (RT_A, RT_B, False),
        ("", RT_A, False),  # an empty path covers nothing
    ],
)
def test_covers(grant_path, target, expected):
    assert covers(grant_path, target) is expected


# --- MANAGE_MEMBERS: requests, members' contacts and needs, reset codes -------------------


@pytest.mark.parametrize("grant", [KETUA_RT_A, SEKRETARIS_A, BENDAHARA_A])
def test_rt_pengurus_manage_only_their_own_rt(grant):
    assert able_on(Action.MANAGE_MEMBERS, [grant], home=RT_A) == {RT_A}


def test_ketua_rt_of_one_rt_cannot_manage_the_neighbouring_rt():
    assert not can(Action.MANAGE_MEMBERS, RT_B, [KETUA_RT_A], RT_A)
    assert not can(Action.MANAGE_MEMBERS, RW, [KETUA_RT_A], RT_A)


def test_ketua_rw_manages_every_rt_in_the_rw_and_nothing_else():
    assert able_on(Action.MANAGE_MEMBERS, [KETUA_RW], home=RT_B) == {RT_A, RT_B}


def test_ketua_rw_does_not_manage_the_rts_of_a_rw_whose_id_starts_alike():
    # RW 01 is /…/4/, RW 02 is /…/41/: a bare prefix test would leak RT C.
    assert not can(Action.MANAGE_MEMBERS, RT_C, [KETUA_RW], RT_B)


@pytest.mark.parametrize("grant", [ADMIN_KELURAHAN, ADMIN_KOTA])
def test_officials_above_the_rw_never_manage_members(grant):
    assert able_on(Action.MANAGE_MEMBERS, [grant]) == set()


def test_residents_without_a_role_manage_nothing():
    assert able_on(Action.MANAGE_MEMBERS, [], home=RT_A) == set()


def test_a_sekretaris_role_elsewhere_does_not_leak_into_the_home_rt():
    assert able_on(Action.MANAGE_MEMBERS, [Grant("sekretaris", RT_B)], home=RT_A) == {RT_B}


def test_rt_roles_held_on_a_non_rt_node_grant_nothing():
    """A corrupt row (ketua_rt on an RW) must not turn into power over the RW's RTs."""
    assert able_on(Action.MANAGE_MEMBERS, [Grant("ketua_rt", RW)]) == set()


# --- VIEW_OVERVIEW and VIEW -----------------------------------------------------------------


def test_overview_follows_the_grant_down_the_tree():
    assert able_on(Action.VIEW_OVERVIEW, [KETUA_RT_A], RT_A) == {RT_A}
    assert able_on(Action.VIEW_OVERVIEW, [KETUA_RW], RT_B) == {RW, RT_A, RT_B}
    assert able_on(Action.VIEW_OVERVIEW, [ADMIN_KELURAHAN]) == {
        KELURAHAN,
        RW,
        RT_A,
        RT_B,
        RW2,
        RT_C,
    }
    assert able_on(Action.VIEW_OVERVIEW, [ADMIN_KOTA]) == set(ALL_NODES)


def test_admin_kelurahan_sees_no_other_kelurahan_and_nothing_above():
    seen = able_on(Action.VIEW_OVERVIEW, [ADMIN_KELURAHAN])
    assert not seen & {KOTA, KECAMATAN, OTHER_KELURAHAN, OTHER_KELURAHAN_RW, OTHER_KELURAHAN_RT}


def test_residents_get_no_overview_even_of_their_own_rt():
    assert able_on(Action.VIEW_OVERVIEW, [], home=RT_A) == set()


def test_residents_view_their_rt_and_the_wilayah_above_it_only():
    assert able_on(Action.VIEW, [], home=RT_A) == {KOTA, KECAMATAN, KELURAHAN, RW, RT_A}


def test_without_home_or_grants_nothing_is_visible():
    assert able_on(Action.VIEW, [], home=None) == set()


def test_officials_view_up_to_the_root_and_down_their_subtree():
    assert able_on(Action.VIEW, [KETUA_RT_A], home=None) == {KOTA, KECAMATAN, KELURAHAN, RW, RT_A}
    assert able_on(Action.VIEW, [ADMIN_KELURAHAN]) == {
        KOTA, KECAMATAN, KELURAHAN, RW, RT_A, RT_B, RW2, RT_C,
    }  # fmt: skip


def test_unknown_action_is_refused_even_for_admin_kota():
    assert able_on("delete_everything", [ADMIN_KOTA]) == set()


# --- ADD_CHILD ----------------------------------------------------------------------------


def test_who_may_add_children():
    assert able_on(Action.ADD_CHILD, [KETUA_RT_A], RT_A) == set()
    assert able_on(Action.ADD_CHILD, [KETUA_RW], RT_B) == {RW}
    assert able_on(Action.ADD_CHILD, [ADMIN_KELURAHAN]) == {KELURAHAN, RW, RW2}
    assert able_on(Action.ADD_CHILD, [ADMIN_KOTA]) == {
        KELURAHAN, OTHER_KELURAHAN, RW, RW2, OTHER_KELURAHAN_RW,
    }  # fmt: skip


def test_nothing_is_added_under_an_rt_or_a_kecamatan():
    for path in (*ALL_RTS, KECAMATAN, KOTA):
        assert not can(Action.ADD_CHILD, path, [ADMIN_KOTA]), path


# --- APPOINT / appointable_roles -----------------------------------------------------------


def roles_on(path, *grants) -> list[str]:
    return appointable_roles(LEVEL[path], path, grants)


def test_ketua_rt_appoints_sekretaris_and_bendahara_of_their_own_rt_only():
    assert roles_on(RT_A, KETUA_RT_A) == ["sekretaris", "bendahara"]
    assert roles_on(RT_B, KETUA_RT_A) == []
    assert roles_on(RW, KETUA_RT_A) == []


def test_ketua_rt_cannot_appoint_another_ketua_rt():
    assert "ketua_rt" not in roles_on(RT_A, KETUA_RT_A)


@pytest.mark.parametrize("grant", [SEKRETARIS_A, BENDAHARA_A])
def test_sekretaris_and_bendahara_appoint_nobody(grant):
    for path in ALL_NODES:
        assert roles_on(path, grant) == [], path


def test_ketua_rw_appoints_every_rt_role_in_the_rw():
    for path in (RT_A, RT_B):
        assert roles_on(path, KETUA_RW) == ["ketua_rt", "sekretaris", "bendahara"]
    assert roles_on(RT_C, KETUA_RW) == []
    assert roles_on(RW, KETUA_RW) == []  # a ketua RW does not appoint their successor
    assert roles_on(RW2, KETUA_RW) == []


@pytest.mark.parametrize("grant", [ADMIN_KELURAHAN, ADMIN_KOTA])
def test_officials_appoint_ketua_rt_and_ketua_rw_but_not_rt_staff(grant):
    assert roles_on(RT_A, grant) == ["ketua_rt"]
    assert roles_on(RW, grant) == ["ketua_rw"]


def test_admin_kelurahan_appoints_nothing_outside_the_kelurahan_or_at_its_level():
    assert roles_on(OTHER_KELURAHAN_RW, ADMIN_KELURAHAN) == []
    assert roles_on(OTHER_KELURAHAN_RT, ADMIN_KELURAHAN) == []
    assert roles_on(KELURAHAN, ADMIN_KELURAHAN) == []
    assert roles_on(KOTA, ADMIN_KELURAHAN) == []


def test_admin_kota_appoints_admin_kelurahan_and_other_admins_kota():
    assert roles_on(KELURAHAN, ADMIN_KOTA) == ["admin_kelurahan"]
    assert roles_on(OTHER_KELURAHAN, ADMIN_KOTA) == ["admin_kelurahan"]
    assert roles_on(KOTA, ADMIN_KOTA) == ["admin_kota"]
    assert roles_on(KECAMATAN, ADMIN_KOTA) == []  # no role lives on a kecamatan


def test_residents_appoint_nobody():
    for path in ALL_NODES:
        assert roles_on(path) == [], path


def test_grants_combine():
    assert roles_on(RT_A, KETUA_RT_A, ADMIN_KELURAHAN) == ["ketua_rt", "sekretaris", "bendahara"]


def test_appoint_action_matches_appointable_roles():
    for grants in ([KETUA_RT_A], [KETUA_RW], [ADMIN_KELURAHAN], [ADMIN_KOTA], [SEKRETARIS_A], []):
        for path in ALL_NODES:
            expected = bool(roles_on(path, *grants))
            assert can(Action.APPOINT, path, grants, RT_A) is expected, (grants, path)


# --- may_see_private: phone numbers and needs flags ---------------------------------------

RESIDENT = 1001
VIEWER = 2002


def test_everyone_sees_their_own_private_data_even_without_an_rt():
    assert may_see_private(RESIDENT, RESIDENT, RT_A, [])
    assert may_see_private(RESIDENT, RESIDENT, None, [])


@pytest.mark.parametrize("grant", [KETUA_RT_A, SEKRETARIS_A, BENDAHARA_A, KETUA_RW])
def test_the_residents_pengurus_see_it(grant):
    assert may_see_private(VIEWER, RESIDENT, RT_A, [grant])


@pytest.mark.parametrize(
    "grants",
    [
        pytest.param([], id="neighbour"),
        pytest.param([Grant("ketua_rt", RT_B)], id="ketua-of-neighbouring-rt"),
        pytest.param([Grant("ketua_rw", RW2)], id="ketua-of-other-rw"),
        pytest.param([ADMIN_KELURAHAN], id="admin-kelurahan"),
        pytest.param([ADMIN_KOTA], id="admin-kota"),
    ],
)
def test_nobody_else_sees_it(grants):
    assert not may_see_private(VIEWER, RESIDENT, RT_A, grants)


def test_a_person_without_an_rt_is_private_even_to_admin_kota():
    assert not may_see_private(VIEWER, RESIDENT, None, [ADMIN_KOTA, KETUA_RW])


# --- SEE_PARTICIPANTS: the people behind an activity's answers ----------------------------


@pytest.mark.parametrize("grant", [KETUA_RT_A, SEKRETARIS_A, BENDAHARA_A])
def test_an_rt_activitys_people_are_seen_by_its_rt_pengurus_only(grant):
    assert able_on(Action.SEE_PARTICIPANTS, [grant], home=RT_A) == {RT_A}


@pytest.mark.parametrize(
    ("grant", "own"),
    [(KETUA_RW, RW), (ADMIN_KELURAHAN, KELURAHAN), (ADMIN_KOTA, KOTA)],
)
def test_above_the_organising_wilayah_only_figures(grant, own):
    """The ketua RW, kelurahan and city see their own activities' people, and only
    counts for everything below (they still manage those activities)."""
    assert able_on(Action.SEE_PARTICIPANTS, [grant], home=RT_B) == {own}
    below = able_on(Action.MANAGE_ACTIVITIES, [grant]) - {own}
    assert below
    assert not below & able_on(Action.SEE_PARTICIPANTS, [grant])


def test_residents_see_nobodys_answers():
    assert able_on(Action.SEE_PARTICIPANTS, [], home=RT_A) == set()


# --- has_authority_over: reset codes and removal from the RT ------------------------------


@pytest.mark.parametrize("grant", [KETUA_RT_A, SEKRETARIS_A, BENDAHARA_A, KETUA_RW])
def test_the_rts_pengurus_have_authority_over_a_resident_without_a_role(grant):
    assert has_authority_over(RT_A, [], [grant])


@pytest.mark.parametrize(
    ("person", "grants", "expected"),
    [
        pytest.param([KETUA_RT_A], [SEKRETARIS_A], False, id="sekretaris-over-ketua-rt"),
        pytest.param([KETUA_RT_A], [BENDAHARA_A], False, id="bendahara-over-ketua-rt"),
        pytest.param([BENDAHARA_A], [SEKRETARIS_A], False, id="sekretaris-over-bendahara"),
        pytest.param([SEKRETARIS_A], [KETUA_RT_A], True, id="ketua-rt-over-sekretaris"),
        pytest.param([KETUA_RT_A], [KETUA_RW], True, id="ketua-rw-over-ketua-rt"),
        pytest.param([KETUA_RW], [KETUA_RT_A], False, id="ketua-rt-over-ketua-rw-living-there"),
        pytest.param([ADMIN_KOTA], [KETUA_RT_A], False, id="ketua-rt-over-admin-kota-living-there"),
        pytest.param([ADMIN_KELURAHAN], [KETUA_RW], False, id="ketua-rw-over-admin-kelurahan"),
        pytest.param([KETUA_RT_A], [ADMIN_KELURAHAN], False, id="officials-never-touch-residents"),
        pytest.param(
            [SEKRETARIS_A, Grant("ketua_rw", RW)], [KETUA_RT_A], False, id="every-role-counts"
        ),
    ],
)
def test_authority_over_every_role_the_person_holds(person, grants, expected):
    assert has_authority_over(RT_A, person, grants) is expected


def test_no_authority_over_someone_of_another_rt_or_without_an_rt():
    assert not has_authority_over(RT_B, [], [KETUA_RT_A])
    assert not has_authority_over(None, [], [KETUA_RW, ADMIN_KOTA])


# --- invite codes -------------------------------------------------------------------------


def test_alphabet_has_no_look_alike_characters():
    assert not set("01OIL") & set(INVITE_ALPHABET)
    assert len(set(INVITE_ALPHABET)) == len(INVITE_ALPHABET) == 31


def test_new_codes_have_the_right_length_and_alphabet():
    codes = {new_invite_code() for _ in range(200)}
    assert len(codes) == 200  # 31**10 possibilities: repeats would mean a broken generator
    for code in codes:
        assert len(code) == INVITE_LENGTH
        assert set(code) <= set(INVITE_ALPHABET)


def test_new_code_uses_the_random_source_it_is_given():
    assert new_invite_code(random.Random(7)) == new_invite_code(random.Random(7))
    assert new_invite_code(random.Random(7)) != new_invite_code(random.Random(8))


@pytest.mark.parametrize(
    "typed",
    ["ABCDEFGHJK", "abcdefghjk", "ABCDE-FGHJK", "abcde-fghjk", " abcde fghjk ", "Ab Cd-E fG hJk\n"],
)
def test_normalise_accepts_what_people_type(typed):
    assert normalise_invite_code(typed) == "ABCDEFGHJK"


@pytest.mark.parametrize(
    ("typed", "expected"), [("", ""), (None, ""), ("---", ""), ("A" * 99, "A" * 32)]
)
def test_normalise_is_bounded_and_never_fails(typed, expected):
    assert normalise_invite_code(typed) == expected


def test_format_splits_in_two_halves_and_round_trips():
    assert format_invite_code("ABCDEFGHJK") == "ABCDE-FGHJK"
    code = new_invite_code()
    assert normalise_invite_code(format_invite_code(code).lower()) == code


# --- full_name ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "name", "parent", "expected"),
    [
        ("rt", "03", "RW 05", "RT 03 / RW 05"),
        ("rt", "03", None, "RT 03"),
        ("rw", "05", "Kelurahan Komet", "RW 05"),
        ("kelurahan", "Komet", None, "Kelurahan Komet"),
        ("kecamatan", "Banjarbaru Utara", None, "Kecamatan Banjarbaru Utara"),
        ("kota", "Banjarbaru", None, "Kota Banjarbaru"),
    ],
)
def test_full_name(level, name, parent, expected):
    assert full_name(level, name, parent) == expected
