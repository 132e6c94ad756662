"""The send-time address check against IANA's special-purpose registries, IPv4 inside
IPv6 included (Python's ``is_global`` calls several of these forms public)."""

import pytest

from community.notifications.delivery_rules import address_is_public

PUBLIC = [
    "8.8.8.8",
    "142.250.4.95",
    "2001:4860:4860::8888",  # Google DNS: 2001:4860::/32 is ordinary global unicast
    "2a00:1450:4001:80b::200a",  # fcm.googleapis.com
    "::ffff:8.8.8.8",  # IPv4-mapped: judged by the IPv4 address inside
    "64:ff9b::808:808",  # well-known NAT64 prefix in front of a public IPv4 address
]

NOT_PUBLIC = [
    # IPv6 forms carrying a private IPv4 address that is_global called public
    ("::7f00:1", "IPv4-compatible 127.0.0.1"),
    ("::a00:1", "IPv4-compatible 10.0.0.1"),
    ("::ffff:0:7f00:1", "IPv4-translated 127.0.0.1"),
    ("::ffff:0:a00:1", "IPv4-translated 10.0.0.1"),
    ("::ffff:0:808:808", "IPv4-translated, even of a public address"),
    ("64:ff9b:1::a00:1", "local-use NAT64 (RFC 8215)"),
    ("64:ff9b:1::808:808", "local-use NAT64 is never global"),
    ("64:ff9b::7f00:1", "NAT64 of loopback"),
    ("64:ff9b::a9fe:a9fe", "NAT64 of the cloud metadata address"),
    ("::ffff:169.254.169.254", "mapped metadata address"),
    ("2002:7f00:1::1", "6to4 of loopback"),
    ("2002:808:808::1", "6to4: a relay in between"),
    ("2001::1", "Teredo"),
    ("2001:2::1", "benchmarking"),
    ("2001:db8::1", "documentation"),
    ("3fff::1", "documentation (RFC 9637)"),
    ("5f00::1", "segment routing SIDs"),
    ("2620:4f:8000::1", "AS112 direct delegation"),
    ("100::1", "discard-only"),
    ("100:0:0:1::1", "dummy prefix"),
    ("fec0::1", "deprecated site-local"),
    ("fd00::1", "unique local"),
    ("fe80::1%eth0", "link-local with a zone"),
    ("ff02::1", "multicast"),
    ("::", "unspecified"),
    ("::1", "loopback"),
    # IPv4 special-purpose blocks, also those the registry calls globally reachable
    ("192.0.0.9", "PCP anycast"),
    ("192.0.0.170", "NAT64 discovery"),
    ("192.31.196.1", "AS112-v4"),
    ("192.52.193.1", "AMT"),
    ("192.88.99.1", "deprecated 6to4 relay anycast"),
    ("192.175.48.1", "AS112 direct delegation"),
    ("198.18.0.1", "benchmarking"),
    ("198.51.100.7", "documentation"),
    ("203.0.113.7", "documentation"),
    ("100.64.0.1", "shared address space (CGNAT)"),
    ("169.254.169.254", "link-local: cloud metadata"),
    ("240.0.0.1", "reserved"),
    ("224.0.0.251", "multicast"),
    ("0.1.2.3", "this network"),
    ("0177.0.0.1", "not an address as written (octal is refused)"),
    ("localhost", "a name, not an address"),
]


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_may_be_contacted(address):
    assert address_is_public(address) is True


@pytest.mark.parametrize(("address", "why"), NOT_PUBLIC)
def test_special_purpose_addresses_are_refused(address, why):
    assert address_is_public(address) is False, why


# --- what a refusal does to the ledger --------------------------------------------------


def test_a_send_refused_for_the_address_fails_at_once_and_is_never_retried():
    from datetime import UTC, datetime, timedelta

    from community.notifications.delivery_rules import outcome

    now = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    result = outcome(None, now=now, attempt=1, give_up_at=now + timedelta(days=1),
                     address_refused=True)  # fmt: skip

    assert (result.status, result.reason, result.retry_at) == ("failed", "address_refused", None)
