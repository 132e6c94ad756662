"""Moderation rules: reasons, limits, mute periods and activity, whose reports, who mutes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from community.core.access_rules import Grant
from community.moderation import rules
from community.moderation.rules import ReportReason, TextProblem

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
RT_A = "/1/2/3/4/"
RT_B = "/1/2/3/5/"
RW = "/1/2/3/"


def test_constants_are_what_the_issue_and_the_forms_say():
    assert rules.MAX_NOTE_CHARS == 500
    assert rules.MAX_REASON_CHARS == 300
    assert rules.MUTE_DAYS == (1, 3, 7)
    assert rules.LOG_PAGE_SIZE == 50
    assert [str(r) for r in ReportReason] == ["spam", "kasar", "penipuan", "lainnya"]
    assert [str(s) for s in rules.ReportStatus] == ["open", "hidden", "dismissed"]
    assert [str(k) for k in rules.ItemKind] == ["message", "comment"]
    assert [str(a) for a in rules.LogAction] == ["hide", "unhide", "dismiss", "mute", "unmute"]
    assert [str(p) for p in TextProblem] == ["empty", "too_long"]


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (None, ""),
        ("", ""),
        ("  spam  ", "spam"),
        ("satu\r\ndua\rtiga", "satu\ndua\ntiga"),
        ("\n kasar \n", "kasar"),
    ],
)
def test_clean_text(raw, clean):
    assert rules.clean_text(raw) == clean


def test_note_is_optional_but_not_longer_than_500():
    assert rules.note_problem("") is None
    assert rules.note_problem("x" * 500) is None
    assert rules.note_problem("x" * 501) == TextProblem.TOO_LONG


def test_a_hide_or_mute_reason_is_required_and_short():
    assert rules.reason_problem("") == TextProblem.EMPTY
    assert rules.reason_problem("x") is None
    assert rules.reason_problem("x" * 300) is None
    assert rules.reason_problem("x" * 301) == TextProblem.TOO_LONG


@pytest.mark.parametrize("days", [1, 3, 7])
def test_mute_ends_after_the_offered_days(days):
    assert rules.mute_ends_at(T0, days) == T0 + timedelta(days=days)


@pytest.mark.parametrize("days", [0, 2, 8, -1, 30])
def test_other_periods_are_refused(days):
    with pytest.raises(ValueError, match="not offered"):
        rules.mute_ends_at(T0, days)


def test_a_mute_is_active_from_its_start_until_its_end():
    ends = T0 + timedelta(days=1)
    assert not rules.mute_is_active(T0, ends, None, T0 - timedelta(seconds=1))
    assert rules.mute_is_active(T0, ends, None, T0)
    assert rules.mute_is_active(T0, ends, None, ends - timedelta(seconds=1))
    assert not rules.mute_is_active(T0, ends, None, ends)


def test_a_lifted_mute_stops_when_lifted():
    ends = T0 + timedelta(days=3)
    lifted = T0 + timedelta(hours=5)
    assert rules.mute_is_active(T0, ends, lifted, lifted - timedelta(seconds=1))
    assert not rules.mute_is_active(T0, ends, lifted, lifted)
    assert not rules.mute_is_active(T0, ends, lifted, lifted + timedelta(hours=1))


def test_reports_are_seen_by_roles_on_their_wilayah_or_above():
    assert rules.sees_reports_of(RT_A, [Grant("ketua_rt", RT_A)])
    assert rules.sees_reports_of(RT_A, [Grant("sekretaris", RT_A)])
    assert rules.sees_reports_of(RT_A, [Grant("ketua_rw", RW)])
    assert rules.sees_reports_of(RT_A, [Grant("admin_kota", "/1/")])
    assert not rules.sees_reports_of(RT_B, [Grant("ketua_rt", RT_A)])
    assert not rules.sees_reports_of(RW, [Grant("ketua_rt", RT_A)])  # not upwards
    assert not rules.sees_reports_of(RT_A, [])
    assert not rules.sees_reports_of(RT_A, [Grant("ketua_rt", "")])  # an empty path is nothing


KETUA_A = [Grant("ketua_rt", RT_A)]


def test_a_pengurus_mutes_a_resident_of_their_rt():
    assert rules.may_mute(7, RT_A, [], 1, KETUA_A)
    assert rules.may_mute(7, RT_A, [], 1, [Grant("ketua_rw", RW)])
    assert rules.may_mute(7, RT_A, [], 1, [Grant("sekretaris", RT_A)])


def test_nobody_mutes_themselves_outside_their_subtree_or_someone_without_an_rt():
    assert not rules.may_mute(1, RT_A, [], 1, KETUA_A)
    assert not rules.may_mute(7, RT_B, [], 1, KETUA_A)
    assert not rules.may_mute(7, None, [], 1, KETUA_A)
    assert not rules.may_mute(7, RT_A, [], 1, [])


def test_only_someone_who_could_give_every_role_the_person_holds():
    sekretaris = [Grant("sekretaris", RT_A)]
    assert not rules.may_mute(7, RT_A, KETUA_A, 1, sekretaris)  # not the ketua RT
    assert rules.may_mute(7, RT_A, sekretaris, 1, KETUA_A)  # the ketua RT picks them
    assert rules.may_mute(7, RT_A, KETUA_A, 1, [Grant("ketua_rw", RW)])
    ketua_rw = [Grant("ketua_rw", RW)]
    assert not rules.may_mute(7, RT_A, ketua_rw, 1, KETUA_A)  # the ketua RW living in RT A
