"""Direct-message rules: body cleaning and limits, who may start a conversation, polling.

Paths (ids with shared prefixes, so a prefix mistake such as ``/4/`` matching ``/41/``
would show):

    /1/20/300/4/           RW 01            /1/20/300/41/     RW 02
    /1/20/300/4/5/         RT A (01)        /1/20/300/41/7/   RT C (01)
    /1/20/300/4/6/         RT B (02)
"""

from __future__ import annotations

from collections import namedtuple
from datetime import UTC, datetime, timedelta

import pytest

from community.messages import rules
from community.messages.rules import BodyProblem, Person, Refusal

RT_A, RT_B, RT_C = "/1/20/300/4/5/", "/1/20/300/4/6/", "/1/20/300/41/7/"
G = namedtuple("G", "role path")


# --- constants pinned ----------------------------------------------------------------------


def test_the_policy_constants():
    assert rules.MAX_BODY_CHARS == 2000
    assert frozenset({"ketua_rt", "sekretaris", "bendahara"}) == rules.PENGURUS_ROLES
    assert rules.POLL_DELAYS_SECONDS == (4, 8, 15, 30)


# --- body ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Halo", "Halo"),
        ("  Halo  ", "Halo"),
        ("Baris 1\r\nBaris 2", "Baris 1\nBaris 2"),
        ("Baris 1\rBaris 2", "Baris 1\nBaris 2"),
        ("a   \nb", "a\nb"),
        ("a\n\n\n\n\nb", "a\n\nb"),
        ("a\n\nb", "a\n\nb"),
        ("\n\n a \n\n", "a"),
        ("a \r\n \r\n \r\n b", "a\n\n b"),
        ("", ""),
        ("   \n\t  ", ""),
    ],
)
def test_clean_body(typed, stored):
    assert rules.clean_body(typed) == stored


def test_body_problem_empty_and_length_at_the_boundary():
    assert rules.body_problem("") is BodyProblem.EMPTY
    assert rules.body_problem("x") is None
    assert rules.body_problem("x" * 2000) is None
    assert rules.body_problem("x" * 2001) is BodyProblem.TOO_LONG
    assert rules.body_problem("é" * 2000) is None  # characters, not bytes


def test_a_long_text_with_windows_line_ends_counts_its_line_ends_once():
    typed = ("x" * 9 + "\r\n") * 200  # 2,200 characters typed, 2,000 after cleaning - 1
    cleaned = rules.clean_body(typed)
    assert len(cleaned) == 1999 and rules.body_problem(cleaned) is None


# --- scope ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rt", "rw"),
    [
        (RT_A, "/1/20/300/4/"),
        (RT_C, "/1/20/300/41/"),
        (None, None),
        ("", None),
        ("/5/", None),
        ("/1/2/", "/1/"),
        ("/1/2/X/", "/1/2/"),
    ],
)
def test_rw_of(rt, rw):
    assert rules.rw_of(rt) == rw


def test_pengurus_rt_paths_keeps_only_rt_officer_grants():
    grants = [G("ketua_rt", RT_A), G("sekretaris", RT_B), G("bendahara", RT_C),
              G("ketua_rw", "/1/20/300/4/"), G("admin_kota", "/1/")]  # fmt: skip
    assert rules.pengurus_rt_paths(grants) == frozenset({RT_A, RT_B, RT_C})
    assert rules.pengurus_rt_paths([]) == frozenset()


def person(n, rt, pengurus_of=()):
    return Person(n, rt, frozenset(pengurus_of))


def test_residents_of_one_rw_may_write_across_its_rts():
    assert rules.in_scope(person(1, RT_A), person(2, RT_B), answered_same_activity=False)
    assert rules.in_scope(person(1, RT_A), person(2, RT_A), answered_same_activity=False)


def test_residents_of_two_rws_may_not_unless_they_answered_the_same_activity():
    a, c = person(1, RT_A), person(3, RT_C)
    assert not rules.in_scope(a, c, answered_same_activity=False)
    assert rules.in_scope(a, c, answered_same_activity=True)


def test_people_without_an_rt_are_in_nobodys_rw():
    assert not rules.in_scope(person(1, None), person(2, None), answered_same_activity=False)
    assert not rules.in_scope(person(1, None), person(2, RT_A), answered_same_activity=False)
    assert not rules.in_scope(person(1, RT_A), person(2, None), answered_same_activity=False)
    assert rules.in_scope(person(1, None), person(2, None), answered_same_activity=True)


def test_a_resident_and_a_pengurus_of_their_own_rt_either_way():
    resident_c = person(3, RT_C)
    pengurus_c_living_in_a = person(4, RT_A, {RT_C})
    assert rules.in_scope(resident_c, pengurus_c_living_in_a, answered_same_activity=False)
    assert rules.in_scope(pengurus_c_living_in_a, resident_c, answered_same_activity=False)
    # a pengurus of another RT of another RW is not the resident's pengurus
    pengurus_b = person(5, RT_A, {RT_B})
    assert not rules.in_scope(resident_c, pengurus_b, answered_same_activity=False)
    assert not rules.in_scope(pengurus_b, resident_c, answered_same_activity=False)
    # without an RT, nobody is "their own" pengurus
    homeless = person(6, None)
    assert not rules.in_scope(homeless, pengurus_c_living_in_a, answered_same_activity=False)
    assert not rules.in_scope(pengurus_c_living_in_a, homeless, answered_same_activity=False)


def refusal(sender, recipient, *, same=False, mine=False, theirs=False):
    return rules.start_refusal(sender, recipient, answered_same_activity=same,
                               sender_blocked_recipient=mine, recipient_blocked_sender=theirs)  # fmt: skip


def test_start_refusal_reasons_in_order():
    a, b, c = person(1, RT_A), person(2, RT_B), person(3, RT_C)
    assert refusal(a, b) is None
    assert refusal(a, person(1, RT_A)) is Refusal.SELF
    assert refusal(a, b, mine=True, theirs=True) is Refusal.YOU_BLOCKED
    assert refusal(a, b, theirs=True) is Refusal.BLOCKED
    assert refusal(a, c) is Refusal.OUT_OF_SCOPE
    assert refusal(a, c, same=True) is None
    assert refusal(a, c, theirs=True) is Refusal.BLOCKED  # a block is named before scope


def test_send_refusal():
    assert (
        rules.send_refusal(sender_blocked_recipient=False, recipient_blocked_sender=False) is None
    )
    assert rules.send_refusal(sender_blocked_recipient=True, recipient_blocked_sender=True) is (
        Refusal.YOU_BLOCKED
    )
    assert rules.send_refusal(sender_blocked_recipient=False, recipient_blocked_sender=True) is (
        Refusal.BLOCKED
    )


# --- polling -------------------------------------------------------------------------------


@pytest.mark.parametrize(("empty", "seconds"),
                         [(-1, 4), (0, 4), (1, 8), (2, 15), (3, 30), (4, 30), (99, 30)])  # fmt: skip
def test_poll_delay_backs_off_and_stays_at_the_slowest(empty, seconds):
    assert rules.poll_delay(empty) == seconds


def test_polls_per_second_is_the_request_budget():
    assert rules.polls_per_second(500) == 125.0
    assert rules.polls_per_second(500, empty_polls=3) == pytest.approx(16.667, abs=1e-3)
    assert rules.polls_per_second(0) == 0


# --- when a new message becomes a push -------------------------------------------------------

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def test_the_push_group_window_is_two_minutes():
    assert timedelta(minutes=2) == rules.PUSH_GROUP_WINDOW


def test_a_message_to_a_quiet_conversation_is_pushed_at_once():
    assert rules.push_due(NOW, None) == NOW
    assert rules.push_due(NOW, NOW - timedelta(minutes=2)) == NOW  # the window is over
    assert rules.push_due(NOW, NOW - timedelta(hours=5)) == NOW


def test_what_arrives_within_the_window_goes_together_at_its_end():
    sent = NOW - timedelta(seconds=30)
    assert rules.push_due(NOW, sent) == sent + timedelta(minutes=2)
    assert rules.push_due(NOW + timedelta(seconds=80), sent) == sent + timedelta(minutes=2)
    just_inside = NOW - timedelta(minutes=2) + timedelta(microseconds=1)
    assert rules.push_due(NOW, just_inside) == just_inside + timedelta(minutes=2)


def test_ten_messages_in_a_minute_give_at_most_two_pushes():
    sent_at = None
    due_times = []
    for second in range(0, 60, 6):
        now = NOW + timedelta(seconds=second)
        due = rules.push_due(now, sent_at)
        due_times.append(due)
        if due <= now:
            sent_at = now  # the first goes at once; the rest wait for the window's end
    assert len(set(due_times)) == 2
