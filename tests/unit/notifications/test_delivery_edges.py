"""Push delivery at its edges: "retry now", keys that decode to nothing, IPv4 wrapped in
IPv6, back-off as production calls it, and the delivery limits (issue #19)."""

from __future__ import annotations

import base64
import random
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from community.notifications import delivery_rules as dr

NOW = datetime(2026, 12, 5, 11, 0, tzinfo=UTC)


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


KEY = b64url(
    ec.generate_private_key(ec.SECP256R1())
    .public_key()
    .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
)
AUTH = b64url(bytes(range(16)))


def test_retry_after_zero_on_429_retries_at_once():
    result = dr.outcome(429, now=NOW, attempt=3, give_up_at=None, retry_after=0)
    assert result == dr.Outcome("retry", retry_at=NOW, reason="429")


def test_retry_after_is_only_honoured_on_429():
    # A 503 with Retry-After: 0 still backs off: our own jittered wait, never a hammering.
    result = dr.outcome(503, now=NOW, attempt=1, give_up_at=None, retry_after=0)
    assert result.status == "retry"
    assert timedelta(seconds=15) <= result.retry_at - NOW <= timedelta(seconds=30)


def test_retry_after_of_exactly_an_hour_is_kept():
    result = dr.outcome(429, now=NOW, attempt=1, give_up_at=None, retry_after=3600)
    assert result.retry_at == NOW + timedelta(hours=1)


@pytest.mark.parametrize("empty", ["=", "==", "===="])
def test_a_key_that_decodes_to_zero_bytes_is_refused(empty):
    assert dr.keys_problem(empty, AUTH) == "key_invalid"


@pytest.mark.parametrize("empty", ["=", "===="])
def test_an_auth_secret_that_decodes_to_zero_bytes_is_refused(empty):
    assert dr.keys_problem(KEY, empty) == "auth_invalid"


def test_a_key_that_is_not_text_is_refused():
    assert dr.keys_problem(None, AUTH) == "key_invalid"
    assert dr.keys_problem(KEY, None) == "auth_invalid"


def test_overlong_key_text_is_refused():
    assert dr.keys_problem(KEY + "A" * 200, AUTH) == "key_invalid"


def test_same_keys_however_padded_and_different_keys_not():
    assert dr.same_keys((KEY, AUTH), (KEY + "=", AUTH + "=="))
    assert not dr.same_keys((KEY, AUTH), (KEY, b64url(bytes(16))))
    assert not dr.same_keys((KEY, AUTH), (KEY, "="))  # an empty secret proves nothing
    assert not dr.same_keys((KEY, AUTH), (KEY, "not base64!"))


@pytest.mark.parametrize(
    "address",
    [
        "::ffff:8.8.8.8",  # IPv4-mapped
        "::ffff:142.250.4.95",
        "::FFFF:1.1.1.1",
        "64:ff9b::808:808",  # NAT64 well-known prefix, 8.8.8.8
        "64:ff9b::8efa:45f",  # 142.250.4.95
        "2a00:1450:4001:82b::200a",  # a real push service's IPv6
    ],
)
def test_wrapped_public_ipv4_counts_as_public(address):
    assert dr.address_is_public(address)


@pytest.mark.parametrize(
    "address", ["::ffff:10.0.0.1", "64:ff9b::a00:1", "::ffff:127.0.0.1", "64:ff9b::c0a8:101"]
)
def test_wrapped_private_ipv4_is_not_public(address):
    assert not dr.address_is_public(address)


@pytest.mark.parametrize(
    ("attempt", "base"), [(0, 30), (1, 30), (2, 60), (3, 120), (8, 3600), (40, 3600)]
)
def test_backoff_as_production_calls_it_without_a_random_source(attempt, base):
    waits = {dr.backoff(attempt).total_seconds() for _ in range(40)}
    assert all(base / 2 <= wait <= base for wait in waits)
    assert len(waits) > 1  # jittered


def test_a_failed_send_without_a_random_source_retries_within_the_back_off():
    result = dr.outcome(None, now=NOW, attempt=2, give_up_at=None)
    assert result.status == "retry" and result.reason == "timeout"
    assert timedelta(seconds=30) <= result.retry_at - NOW <= timedelta(seconds=60)


# --- limits --------------------------------------------------------------------------------


def test_a_message_is_tried_twelve_times():
    far = NOW + timedelta(days=7)
    assert dr.outcome(503, now=NOW, attempt=11, give_up_at=far).status == "retry"
    assert dr.outcome(503, now=NOW, attempt=12, give_up_at=far).status == "failed"


def test_a_reminder_waits_at_most_a_day_and_at_least_five_minutes():
    assert dr.ttl_seconds(NOW, None) == 86_400
    assert dr.ttl_seconds(NOW, NOW) == 300


def test_endpoints_up_to_1000_characters():
    base = "https://fcm.googleapis.com/fcm/send/"
    assert dr.endpoint_problem(base + "a" * (1000 - len(base)), dr.DEFAULT_PUSH_HOSTS) is None
    too_long = base + "a" * (1001 - len(base))
    assert dr.endpoint_problem(too_long, dr.DEFAULT_PUSH_HOSTS) == "endpoint_invalid"


def test_delivery_limits():
    # Ten phones per person; 3 KiB of text fits the 4 KiB a push service takes once encrypted.
    assert dr.MAX_SUBSCRIPTIONS == 10
    assert dr.MAX_PAYLOAD_BYTES == 3072


def test_the_push_services_of_the_phones_residents_use():
    hosts = dr.DEFAULT_PUSH_HOSTS
    for host in (
        "fcm.googleapis.com",  # Chrome, Android
        "updates.push.services.mozilla.com",  # Firefox
        "web.push.apple.com",  # Safari, iPhone
        "db5p.notify.windows.com",  # Edge
    ):
        assert dr.host_allowed(host, hosts), host
    assert not dr.host_allowed("notify.windows.com", hosts)
    assert not dr.host_allowed("evil-notify.windows.com", hosts)


def test_keys_sent_as_something_else_than_text_never_match():
    assert not dr.same_keys((KEY, AUTH), (KEY, 5))
    assert not dr.same_keys((KEY, AUTH), (None, AUTH))


def test_a_wildcard_needs_a_name_before_the_dot():
    hosts = ("*.notify.windows.com",)
    assert dr.host_allowed("a.notify.windows.com", hosts)
    assert not dr.host_allowed(".notify.windows.com", hosts)


class _Longest(random.Random):
    """The jitter at its top: the longest wait back-off may choose."""

    def uniform(self, a: float, b: float) -> float:
        return b


def test_back_off_never_waits_longer_than_an_hour():
    assert dr.backoff(20, rng=_Longest()) == timedelta(hours=1)
    assert dr.backoff(1, rng=_Longest()) == timedelta(seconds=30)


def test_back_off_uses_the_random_source_it_is_given():
    assert dr.backoff(3, rng=random.Random(5)) == dr.backoff(3, rng=random.Random(5))
    first = dr.outcome(503, now=NOW, attempt=3, give_up_at=None, rng=random.Random(5))
    again = dr.outcome(503, now=NOW, attempt=3, give_up_at=None, rng=random.Random(5))
    assert first == again
    assert first.retry_at - NOW == dr.backoff(3, rng=random.Random(5))


@pytest.mark.parametrize("address", ["0.1.2.3", "255.255.255.255", "2001::1", "5f00::1"])
def test_the_first_and_last_special_blocks_are_refused(address):
    assert not dr.address_is_public(address)
