"""Web Push delivery rules: which subscriptions a resident may register, how long a
reminder may wait at the push service, and what each push-service answer leads to."""

from __future__ import annotations

import base64
import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from community.notifications import delivery_rules as dr
from community.notifications.delivery_rules import DEFAULT_PUSH_HOSTS

NOW = datetime(2026, 12, 5, 11, 0, tzinfo=UTC)  # 19.00 WITA
TOKEN = "cX1a2B3c4D5e6F7g8H9i0J:APA91bHk-real_looking_token_0123456789abcdef"


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def point(compressed: bool = False) -> bytes:
    fmt = serialization.PublicFormat.CompressedPoint if compressed else None
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    return key.public_bytes(
        serialization.Encoding.X962, fmt or serialization.PublicFormat.UncompressedPoint
    )


AUTH = b64url(bytes(range(16)))

# --- endpoint_problem -------------------------------------------------------------------


@pytest.mark.parametrize(
    "endpoint",
    [
        f"https://fcm.googleapis.com/fcm/send/{TOKEN}",
        f"https://fcm.googleapis.com:443/fcm/send/{TOKEN}",
        "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABmZ-abc_DEF123",
        "https://web.push.apple.com/QGuQyavXutnMH7jCkY0gWo8Ljs9Gx",
        "https://xyz.notify.windows.com/w/?token=BQYAAADk%2bQ",
        "https://wns2-db5p.notify.windows.com/w/?token=AwYAAAB",
    ],
)
def test_real_push_service_endpoints_are_accepted(endpoint):
    assert dr.endpoint_problem(endpoint, DEFAULT_PUSH_HOSTS) is None


@pytest.mark.parametrize(
    ("endpoint", "reason"),
    [
        (f"http://fcm.googleapis.com/fcm/send/{TOKEN}", "endpoint_not_https"),
        (f"ftp://fcm.googleapis.com/fcm/send/{TOKEN}", "endpoint_not_https"),
        (f"https://fcm.googleapis.com:8443/fcm/send/{TOKEN}", "endpoint_port"),
        (f"https://fcm.googleapis.com:80/fcm/send/{TOKEN}", "endpoint_port"),
        (f"https://user@fcm.googleapis.com/fcm/send/{TOKEN}", "endpoint_userinfo"),
        (f"https://user:pw@fcm.googleapis.com/fcm/send/{TOKEN}", "endpoint_userinfo"),
        ("https://fcm.googleapis.com@evil.example/fcm/send/x", "endpoint_userinfo"),
        ("https://@fcm.googleapis.com/fcm/send/x", "endpoint_userinfo"),
        ("https://:@fcm.googleapis.com/fcm/send/x", "endpoint_userinfo"),
        ("https://127.0.0.1/fcm/send/x", "endpoint_ip"),
        ("https://169.254.169.254/latest/meta-data/", "endpoint_ip"),
        ("https://[::1]/fcm/send/x", "endpoint_ip"),
        ("https://[::1]:443/fcm/send/x", "endpoint_ip"),
        ("https://evil-fcm.googleapis.com.evil.example/", "endpoint_not_allowed"),
        ("https://fcm.googleapis.com.evil.example/fcm/send/x", "endpoint_not_allowed"),
        ("https://evilfcm.googleapis.com/fcm/send/x", "endpoint_not_allowed"),
        ("https://sub.fcm.googleapis.com/fcm/send/x", "endpoint_not_allowed"),  # exact host
        ("https://notify.windows.com/w/?token=x", "endpoint_not_allowed"),  # "*." = subdomains
        ("https://evilnotify.windows.com/w/?token=x", "endpoint_not_allowed"),
        ("https://evil-notify.windows.com/w/?token=x", "endpoint_not_allowed"),
        ("https://notify.windows.com.evil.example/w/", "endpoint_not_allowed"),
        ("https://push.evil.example/send/x", "endpoint_not_allowed"),
        ("https://fcm.googleapis.com/" + "a" * 1000, "endpoint_invalid"),
        ("https:///fcm/send/x", "endpoint_invalid"),
        ("https://fcm.googleapis.com:99999/x", "endpoint_invalid"),
        ("", "endpoint_invalid"),
        (None, "endpoint_invalid"),
        (42, "endpoint_invalid"),
        ({"endpoint": "https://fcm.googleapis.com/x"}, "endpoint_invalid"),
    ],
)
def test_unsafe_or_foreign_endpoints_are_refused_with_the_reason(endpoint, reason):
    assert dr.endpoint_problem(endpoint, DEFAULT_PUSH_HOSTS) == reason


def test_endpoint_length_limit_is_inclusive():
    prefix = "https://fcm.googleapis.com/fcm/send/"
    at_limit = prefix + "a" * (dr.MAX_ENDPOINT_LENGTH - len(prefix))
    assert dr.endpoint_problem(at_limit, DEFAULT_PUSH_HOSTS) is None
    assert dr.endpoint_problem(at_limit + "a", DEFAULT_PUSH_HOSTS) == "endpoint_invalid"


def test_host_case_and_trailing_dot_do_not_change_the_decision():
    assert dr.endpoint_problem("https://FCM.GoogleAPIs.com/fcm/send/x", DEFAULT_PUSH_HOSTS) is None
    assert dr.endpoint_problem("https://fcm.googleapis.com./fcm/send/x", DEFAULT_PUSH_HOSTS) is None


def test_a_custom_allow_list_replaces_the_default():
    allowed = ["push.rukun.example"]
    assert dr.endpoint_problem("https://push.rukun.example/s/1", allowed) is None
    assert dr.endpoint_problem("https://fcm.googleapis.com/fcm/send/x", allowed) == (
        "endpoint_not_allowed"
    )


# --- keys_problem ------------------------------------------------------------------------


def test_a_browser_generated_key_and_auth_are_accepted():
    assert dr.keys_problem(b64url(point()), AUTH) is None


def test_padded_base64url_is_accepted_too():
    padded = base64.urlsafe_b64encode(point()).decode()
    assert padded.endswith("=")
    assert dr.keys_problem(padded, AUTH) is None


def _not_on_curve() -> bytes:
    return b"\x04" + (1).to_bytes(32, "big") + (1).to_bytes(32, "big")


@pytest.mark.parametrize(
    "p256dh",
    [
        pytest.param(b64url(point()[:64]), id="64-bytes"),
        pytest.param(b64url(point() + b"\x00"), id="66-bytes"),
        pytest.param(b64url(point(compressed=True)), id="compressed-33-bytes"),
        pytest.param(b64url(b"\x05" + point()[1:]), id="wrong-prefix"),
        pytest.param(b64url(_not_on_curve()), id="not-on-curve"),
        pytest.param(b64url(b"\x04" + bytes(64)), id="all-zero-point"),
        pytest.param("***not base64***", id="garbage"),
        pytest.param("a", id="one-char"),
        pytest.param("", id="empty"),
        pytest.param(None, id="none"),
        pytest.param(point(), id="bytes-not-str"),
        pytest.param(12345, id="int"),
    ],
)
def test_a_key_we_cannot_encrypt_to_is_refused(p256dh):
    assert dr.keys_problem(p256dh, AUTH) == "key_invalid"


@pytest.mark.parametrize(
    "auth",
    [
        pytest.param(b64url(bytes(15)), id="15-bytes"),
        pytest.param(b64url(bytes(17)), id="17-bytes"),
        pytest.param("", id="empty"),
        pytest.param(None, id="missing"),
        pytest.param(bytes(16), id="bytes-not-str"),
        pytest.param("!" * 22, id="garbage"),
    ],
)
def test_an_auth_secret_that_is_not_16_bytes_is_refused(auth):
    assert dr.keys_problem(b64url(point()), auth) == "auth_invalid"


# --- address_is_public -------------------------------------------------------------------


@pytest.mark.parametrize("address", ["8.8.8.8", "142.250.4.95", "2001:4860:4860::8888"])
def test_public_addresses_may_be_contacted(address):
    assert dr.address_is_public(address) is True


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",
        "0.0.0.0",  # noqa: S104
        "255.255.255.255",
        "224.0.0.1",
        "::1",
        "::",
        "fc00::1",
        "fe80::1",
        "::ffff:127.0.0.1",
        "not-an-ip",
        "",
    ],
)
def test_private_local_and_invalid_addresses_are_never_contacted(address):
    assert dr.address_is_public(address) is False


# --- ttl_seconds -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("starts_in", "ttl"),
    [
        (timedelta(hours=3), 3 * 3600),
        (timedelta(minutes=30), 30 * 60),
        (timedelta(hours=24), 24 * 3600),
        (timedelta(hours=30), 24 * 3600),
        (timedelta(days=10), 24 * 3600),
        (timedelta(minutes=5), 5 * 60),
        (timedelta(minutes=1), 5 * 60),
        (timedelta(0), 5 * 60),
        (-timedelta(hours=2), 5 * 60),
    ],
)
def test_a_reminder_lives_until_the_start_capped_at_a_day_and_never_under_five_minutes(
    starts_in, ttl
):
    assert dr.ttl_seconds(NOW, NOW + starts_in) == ttl


def test_without_a_start_a_reminder_lives_a_day():
    assert dr.ttl_seconds(NOW, None) == 24 * 3600


# --- outcome -----------------------------------------------------------------------------


def outcome(status_code, *, attempt=1, give_up_at=None, retry_after=None, seed=1):
    return dr.outcome(
        status_code,
        now=NOW,
        attempt=attempt,
        give_up_at=give_up_at,
        retry_after=retry_after,
        rng=random.Random(seed),
    )


@pytest.mark.parametrize("code", [200, 201, 202])
def test_accepted_by_the_push_service_is_sent(code):
    assert outcome(code) == dr.Outcome("sent")


@pytest.mark.parametrize("code", [404, 410])
def test_an_expired_subscription_is_gone(code):
    result = outcome(code)
    assert result.status == "gone"
    assert result.retry_at is None
    assert result.reason == str(code)


@pytest.mark.parametrize("code", [400, 401, 403, 413])
def test_our_own_mistakes_fail_and_are_never_retried(code):
    for attempt in (1, 2, 5):
        result = outcome(code, attempt=attempt, give_up_at=NOW + timedelta(days=1))
        assert result.status == "failed"
        assert result.retry_at is None
        assert result.reason == str(code)


def test_too_many_requests_waits_as_long_as_the_push_service_asks():
    result = outcome(429, retry_after=120)
    assert result == dr.Outcome("retry", retry_at=NOW + timedelta(seconds=120), reason="429")


def test_a_retry_after_over_an_hour_is_capped_at_an_hour():
    result = outcome(429, retry_after=86400)
    assert result.status == "retry"
    assert result.retry_at == NOW + timedelta(hours=1)


def test_too_many_requests_without_retry_after_backs_off():
    result = outcome(429)
    assert result.status == "retry"
    assert NOW + timedelta(seconds=15) <= result.retry_at <= NOW + timedelta(seconds=30)


@pytest.mark.parametrize(
    ("attempt", "low", "high"),
    [(1, 15, 30), (2, 30, 60), (3, 60, 120), (4, 120, 240), (8, 1800, 3600), (11, 1800, 3600)],
)
@pytest.mark.parametrize(("code", "reason"), [(500, "500"), (503, "503"), (None, "timeout")])
def test_server_errors_and_timeouts_retry_with_growing_back_off_capped_at_an_hour(
    code, reason, attempt, low, high
):
    for seed in range(20):
        result = outcome(code, attempt=attempt, seed=seed)
        assert result.status == "retry"
        assert result.reason == reason
        assert NOW + timedelta(seconds=low) <= result.retry_at <= NOW + timedelta(seconds=high)


@pytest.mark.parametrize("code", [500, 503, None])
def test_a_retry_after_the_activity_started_gives_up(code):
    result = outcome(code, give_up_at=NOW + timedelta(seconds=10))
    assert result.status == "failed"
    assert result.retry_at is None
    assert result.reason.startswith("gave_up")
    assert result.reason == f"gave_up:{'timeout' if code is None else code}"


def test_a_retry_landing_exactly_at_the_start_gives_up_but_just_before_retries():
    at_start = outcome(429, retry_after=120, give_up_at=NOW + timedelta(seconds=120))
    assert at_start.status == "failed"
    assert at_start.reason == "gave_up:429"
    before = outcome(429, retry_after=120, give_up_at=NOW + timedelta(seconds=121))
    assert before.status == "retry"


def test_after_max_attempts_a_message_fails_even_with_time_left():
    far = NOW + timedelta(days=7)
    assert outcome(503, attempt=dr.MAX_ATTEMPTS - 1, give_up_at=far).status == "retry"
    last = outcome(503, attempt=dr.MAX_ATTEMPTS, give_up_at=far)
    assert last.status == "failed"
    assert last.reason.startswith("gave_up")
    assert outcome(None, attempt=dr.MAX_ATTEMPTS + 3, give_up_at=None).status == "failed"


# --- backoff -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attempt", "base"),
    [(1, 30), (2, 60), (3, 120), (4, 240), (5, 480), (7, 1920), (8, 3600), (12, 3600)],
)
def test_backoff_jitter_stays_between_half_and_the_full_base(attempt, base):
    waits = [dr.backoff(attempt, rng=random.Random(seed)).total_seconds() for seed in range(50)]
    assert all(base / 2 <= wait <= base for wait in waits)
    assert len(set(waits)) > 1  # jittered, so a thousand phones do not retry in lockstep


# --- parse_retry_after -------------------------------------------------------------------


def test_retry_after_in_seconds():
    assert dr.parse_retry_after("120", NOW) == 120.0
    assert dr.parse_retry_after(" 120 ", NOW) == 120.0


def test_retry_after_as_an_http_date():
    header = format_datetime(NOW + timedelta(seconds=90), usegmt=True)
    assert dr.parse_retry_after(header, NOW) == pytest.approx(90, abs=1)


def test_retry_after_in_the_past_means_now():
    header = format_datetime(NOW - timedelta(hours=1), usegmt=True)
    assert dr.parse_retry_after(header, NOW) == 0


@pytest.mark.parametrize("value", [None, "", "soon", "1.5", "-5", "Mon, 99 Foo 2026"])
def test_unreadable_retry_after_is_ignored(value):
    assert dr.parse_retry_after(value, NOW) is None


# --- regressions found while reviewing the rules ---------------------------------------------


def test_a_backslash_host_that_a_browser_reads_as_another_host_is_refused():
    endpoint = "https://evil.example\\.notify.windows.com/x"
    assert dr.endpoint_problem(endpoint, DEFAULT_PUSH_HOSTS) == "endpoint_invalid"


@pytest.mark.parametrize("address", ["64:ff9b::7f00:1", "2002:7f00:1::1", "::ffff:10.0.0.1"])
def test_ipv6_wrappers_around_private_ipv4_are_not_public(address):
    assert dr.address_is_public(address) is False


def test_a_non_ascii_digit_in_retry_after_is_ignored_not_a_crash():
    assert dr.parse_retry_after("²", NOW) is None
