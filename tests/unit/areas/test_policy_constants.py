"""The numbers and role levels residents and pengurus meet, pinned (issue #19)."""

from __future__ import annotations

import random

from community.areas import rules
from community.core import access_rules


def test_each_role_is_held_on_its_own_level():
    assert access_rules.ROLE_LEVEL == {
        "ketua_rt": "rt",
        "sekretaris": "rt",
        "bendahara": "rt",
        "ketua_rw": "rw",
        "admin_kelurahan": "kelurahan",
        "admin_kota": "kota",
    }


def test_an_admin_kota_who_is_also_ketua_rw_may_reset_another_admin_kota_in_the_rw():
    rt, rw, kota = "/1/2/3/4/", "/1/2/3/", "/1/"
    person = [access_rules.Grant("admin_kota", kota)]
    grants = [access_rules.Grant("ketua_rw", rw), access_rules.Grant("admin_kota", kota)]
    assert rules.has_authority_over(rt, person, grants)
    assert not rules.has_authority_over(rt, person, grants[:1])


def test_an_invite_code_is_ten_characters_read_as_two_groups_of_five():
    code = rules.new_invite_code(random.Random(3))
    assert len(code) == 10
    assert len(rules.format_invite_code(code)) == 11 and rules.format_invite_code(code)[5] == "-"


def test_a_printed_invite_stays_valid_for_180_days():
    assert rules.INVITE_VALID_DAYS == 180  # a poster on the pos kamling for months
