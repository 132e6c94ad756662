"""The idempotency rule (#18): what makes a replay "the same request", and what it gets."""

from __future__ import annotations

import pytest

from community.core.idempotency import KEEP_FOR, fingerprint, replay_decision, valid_key

FIELDS = [("csrf_token", "abc"), ("answer", "hadir"), ("guests", "1"), ("note", "")]


def test_the_csrf_token_and_the_order_of_fields_do_not_matter():
    fresh_token = [("csrf_token", "a-new-token"), *reversed(FIELDS[1:])]
    assert fingerprint("POST", "/kegiatan/5/jawab", FIELDS) == fingerprint(
        "post", "/kegiatan/5/jawab", fresh_token
    )


@pytest.mark.parametrize(
    ("method", "path", "fields"),
    [
        ("POST", "/kegiatan/5/jawab", [*FIELDS[:1], ("answer", "tidak"), *FIELDS[2:]]),
        ("POST", "/kegiatan/6/jawab", FIELDS),
        ("PUT", "/kegiatan/5/jawab", FIELDS),
        ("POST", "/kegiatan/5/jawab", [*FIELDS, ("guests", "2")]),  # a repeated field
        ("POST", "/kegiatan/5/jawab", FIELDS[:-1]),  # a field left out
        ("POST", "/kegiatan/5/jawab", [*FIELDS[:2], ("note", "\nguests=1")]),  # no smuggling
    ],
)
def test_anything_else_that_differs_makes_another_request(method, path, fields):
    assert fingerprint(method, path, fields) != fingerprint("POST", "/kegiatan/5/jawab", FIELDS)


def test_a_lone_surrogate_in_a_field_still_fingerprints():
    assert len(fingerprint("POST", "/x", [("note", "\ud800")])) == 64


def test_a_replay_gets_the_first_answer_other_fields_are_refused_a_running_one_waits():
    assert replay_decision("f1", 303, "f1") == "replay"
    assert replay_decision("f1", 422, "f1") == "replay"  # a refusal is an answer too
    assert replay_decision("f1", 303, "f2") == "mismatch"
    assert replay_decision("f1", None, "f2") == "mismatch"
    assert replay_decision("f1", None, "f1") == "running"


@pytest.mark.parametrize(
    ("key", "valid"),
    [
        ("0b6f3a7e-1c2d-4e5f-8a9b-c0d1e2f3a4b5", True),  # crypto.randomUUID()
        ("a" * 16, True),
        ("a" * 64, True),
        ("a" * 15, False),
        ("a" * 65, False),
        ("abc def ghi jkl mno", False),
        ("0b6f3a7e-1c2d-4e5f-8a9b-c0d1e2f3a4b5\n", False),
        ("ключ-ключ-ключ-ключ", False),
    ],
)
def test_keys_are_what_a_phone_makes(key, valid):
    assert valid_key(key) is valid


def test_keys_are_kept_a_week():
    assert KEEP_FOR.days == 7
