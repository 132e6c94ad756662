"""Pure rules for Web Push delivery: which subscriptions we accept, how long a message
may live, and what to do with each answer from a push service."""

from __future__ import annotations

import base64
import binascii
import hmac
import ipaddress
import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec

# The push services of Chrome/Android, Firefox, Safari and Edge.  A leading "*." allows any
# subdomain (dot-boundary: "evil-notify.windows.com" does not match "*.notify.windows.com").
DEFAULT_PUSH_HOSTS = (
    "fcm.googleapis.com",
    "updates.push.services.mozilla.com",
    "web.push.apple.com",
    "*.notify.windows.com",
)
MAX_SUBSCRIPTIONS = 10
MAX_ENDPOINT_LENGTH = 1000
MAX_TTL = timedelta(hours=24)
MIN_TTL = timedelta(minutes=5)  # TTL 0 lets a push service drop it when the phone is asleep
MAX_PAYLOAD_BYTES = 3072
MAX_ATTEMPTS = 12


_HOST_CHARS = re.compile(r"[a-z0-9.-]+")


# A push service is an ordinary public web server, so every block in IANA's special-purpose
# registries is refused, also those the registry calls globally reachable (anycast relays,
# AS112, PCP/TURN anycast): none of them is where a push service lives.
# https://www.iana.org/assignments/iana-ipv4-special-registry (plus multicast 224/4)
SPECIAL_IPV4 = tuple(map(ipaddress.ip_network, (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
    "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.31.196.0/24", "192.52.193.0/24",
    "192.88.99.0/24", "192.168.0.0/16", "192.175.48.0/24", "198.18.0.0/15", "198.51.100.0/24",
    "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4", "255.255.255.255/32",
)))  # fmt: skip
# IPv6: only global unicast (2000::/3) is ever public.  Everything outside it is refused:
# ::/8 (loopback, unspecified, IPv4-compatible ::a.b.c.d, IPv4-translated ::ffff:0:a.b.c.d),
# 64:ff9b:1::/48 (local-use NAT64), 100::/64, fc00::/7, fe80::/10, fec0::/10, ff00::/8.
# https://www.iana.org/assignments/iana-ipv6-special-registry
GLOBAL_UNICAST_IPV6 = ipaddress.ip_network("2000::/3")
SPECIAL_IPV6 = tuple(map(ipaddress.ip_network, (
    "2001::/23",  # IETF protocol assignments: Teredo, benchmarking, AMT, AS112, ORCHID
    "2001:db8::/32", "3fff::/20",  # documentation
    "2002::/16",  # 6to4: a relay, and an IPv4 address inside
    "2620:4f:8000::/48",  # AS112 direct delegation
    "5f00::/16",  # segment routing SIDs
)))  # fmt: skip
# The two forms that carry an IPv4 address a connection really goes to: judged by it.
IPV4_MAPPED = ipaddress.ip_network("::ffff:0:0/96")
NAT64_WELL_KNOWN = ipaddress.ip_network("64:ff9b::/96")


def _b64url(value: object) -> bytes | None:
    """Unpadded or padded base64url text as bytes; None for anything else. (The decoder
    ignores surplus padding, so two '=' always suffice; a request's size bounds the work.)"""
    if not isinstance(value, str):
        return None
    try:
        return base64.urlsafe_b64decode(value + "==")
    except (binascii.Error, ValueError):
        return None


def host_allowed(host: str, allowed: tuple[str, ...] | list[str]) -> bool:
    host = host.lower().removesuffix(".")  # the root's dot: "push.example." is push.example
    for pattern in allowed:
        pattern = pattern.lower()
        if pattern.startswith("*."):
            if host.endswith(pattern[1:]) and len(host) > len(pattern) - 1:
                return True
        elif host == pattern:
            return True
    return False


def endpoint_problem(endpoint: object, allowed: tuple[str, ...] | list[str]) -> str | None:
    """Why an endpoint is refused, or None.  Only HTTPS on the default port, a host name
    (never an IP literal or userinfo) on the allow-list."""
    if not isinstance(endpoint, str) or not endpoint or len(endpoint) > MAX_ENDPOINT_LENGTH:
        return "endpoint_invalid"
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        return "endpoint_invalid"
    if parts.scheme != "https":
        return "endpoint_not_https"
    if "@" in parts.netloc:  # user:password@host, also with an empty user
        return "endpoint_userinfo"
    if port not in (None, 443):
        return "endpoint_port"
    host = parts.hostname
    if not host:
        return "endpoint_invalid"
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return "endpoint_ip"
    if not _HOST_CHARS.fullmatch(host):  # a browser reads "evil.example\\.x.com" as evil.example
        return "endpoint_invalid"
    if not host_allowed(host, allowed):
        return "endpoint_not_allowed"
    return None


def keys_problem(p256dh: object, auth: object) -> str | None:
    """``p256dh`` must be an uncompressed point on P-256 and ``auth`` 16 random bytes."""
    raw = _b64url(p256dh)
    if raw is None or len(raw) != 65 or raw[0] != 4:
        return "key_invalid"
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError:
        return "key_invalid"
    secret = _b64url(auth)
    if secret is None or len(secret) != 16:
        return "auth_invalid"
    return None


def same_keys(stored: tuple[str, str], sent: tuple[str, str]) -> bool:
    """Are ``(p256dh, auth)`` the same keys, however padded? Proof of holding a
    subscription: only the browser that made it knows its ``auth`` secret."""
    pairs = ((_b64url(stored[0]), _b64url(sent[0])), (_b64url(stored[1]), _b64url(sent[1])))
    return all(a is not None and b is not None and hmac.compare_digest(a, b) for a, b in pairs)


def address_is_public(address: str) -> bool:
    """An address a push service may have: outside every special-purpose block of IANA's
    registries.  IPv4 inside IPv6 (mapped ``::ffff:a.b.c.d``, NAT64 ``64:ff9b::a.b.c.d``)
    is judged by the IPv4 address; the other IPv6 forms that embed one (IPv4-compatible,
    IPv4-translated, local-use NAT64, 6to4, Teredo) are refused outright."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id is not None:
            return False
        if ip in IPV4_MAPPED or ip in NAT64_WELL_KNOWN:
            return address_is_public(str(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)))
        return ip in GLOBAL_UNICAST_IPV6 and not any(ip in net for net in SPECIAL_IPV6)
    return not any(ip in net for net in SPECIAL_IPV4)


def ttl_seconds(now: datetime, starts_at: datetime | None) -> int:
    """How long a push service should keep trying: until the activity starts, at most a
    day, never zero."""
    left = MAX_TTL if starts_at is None else min(starts_at - now, MAX_TTL)
    return int(max(left, MIN_TTL).total_seconds())


@dataclass(frozen=True)
class Outcome:
    status: str  # "sent" | "gone" | "retry" | "failed"
    retry_at: datetime | None = None
    reason: str = ""


def backoff(attempt: int, *, rng: random.Random | None = None) -> timedelta:
    """Exponential back-off with full jitter: ~30 s, 1 min, 2 min … capped at 1 h."""
    base = min(30 * 2 ** max(attempt - 1, 0), 3600)
    return timedelta(seconds=(rng or random).uniform(base / 2, base))


def outcome(
    status_code: int | None,
    *,
    now: datetime,
    attempt: int,
    give_up_at: datetime | None,
    retry_after: float | None = None,
    rng: random.Random | None = None,
    address_refused: bool = False,
) -> Outcome:
    """What a push service's answer means.  ``status_code`` None is a timeout or a
    connection error.  Retries stop when the activity has started (``give_up_at``).
    ``address_refused``: we did not connect because the push service's address is not
    public; that will not change by waiting, so it fails at once."""
    if address_refused:
        return Outcome("failed", reason="address_refused")
    if status_code in (200, 201, 202):
        return Outcome("sent")
    if status_code in (404, 410):
        return Outcome("gone", reason=str(status_code))
    if status_code == 429 or status_code is None or status_code >= 500:
        wait = (
            timedelta(seconds=min(retry_after, 3600))
            if status_code == 429 and retry_after is not None and retry_after >= 0
            else backoff(attempt, rng=rng)
        )
        retry_at = now + wait
        reason = "timeout" if status_code is None else str(status_code)
        if attempt >= MAX_ATTEMPTS or (give_up_at is not None and retry_at >= give_up_at):
            return Outcome("failed", reason=f"gave_up:{reason}")
        return Outcome("retry", retry_at=retry_at, reason=reason)
    return Outcome("failed", reason=str(status_code))  # 400/401/403/413: our bug, never retried


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max((when - now).total_seconds(), 0.0)
