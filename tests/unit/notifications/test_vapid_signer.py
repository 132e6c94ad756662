"""VAPID headers: one signed token per push-service origin, each naming its own origin,
re-signed before it expires, so push services keep accepting our reminders."""

from __future__ import annotations

import base64
import json

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from py_vapid import Vapid

from community.notifications.sender import VAPID_REFRESH_BEFORE, VapidSigner

CONTACT = "mailto:ketua.rt03@rukun.example"
NOW = 1_796_000_000  # a fixed Unix time
FCM_A = "https://fcm.googleapis.com/fcm/send/aaa:APA91bH-first"
FCM_B = "https://fcm.googleapis.com/fcm/send/bbb:APA91bH-second"
OTHER = "https://other.origin/push/v1/ccc"


def unb64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def token_parts(headers: dict[str, str]) -> tuple[str, str]:
    scheme, _, rest = headers["Authorization"].partition(" ")
    assert scheme == "vapid"
    fields = dict(field.split("=", 1) for field in rest.split(","))
    return fields["t"], fields["k"]


def claims(headers: dict[str, str]) -> dict:
    token, _ = token_parts(headers)
    return json.loads(unb64(token.split(".")[1]))


class CountingVapid(Vapid):
    def __init__(self) -> None:
        super().__init__()
        self.signed: list[dict] = []

    def sign(self, claims, crypto_key=None):
        self.signed.append(dict(claims))
        return super().sign(claims, crypto_key)


@pytest.fixture
def vapid() -> CountingVapid:
    v = CountingVapid()
    v.generate_keys()
    return v


@pytest.fixture
def signer(vapid) -> VapidSigner:
    return VapidSigner(vapid, CONTACT)


def test_endpoints_on_one_push_service_share_one_signature(signer, vapid):
    first = signer.headers(FCM_A, now=NOW)
    second = signer.headers(FCM_B, now=NOW + 60)
    # ECDSA signatures are randomised: an identical value means it was signed once.
    assert first["Authorization"] == second["Authorization"]
    assert len(vapid.signed) == 1


def test_each_origin_gets_its_own_token_naming_that_origin(signer, vapid):
    fcm = signer.headers(FCM_A, now=NOW)
    other = signer.headers(OTHER, now=NOW)
    assert other["Authorization"] != fcm["Authorization"]
    assert claims(other)["aud"] == "https://other.origin"
    assert claims(fcm)["aud"] == "https://fcm.googleapis.com"
    # and the first origin's cached token was not rewritten by the second signing
    again = signer.headers(FCM_B, now=NOW)
    assert again["Authorization"] == fcm["Authorization"]
    assert claims(again)["aud"] == "https://fcm.googleapis.com"
    assert [c["aud"] for c in vapid.signed] == [
        "https://fcm.googleapis.com",
        "https://other.origin",
    ]


def test_the_token_names_our_contact(signer):
    assert claims(signer.headers(FCM_A, now=NOW))["sub"] == CONTACT
    assert claims(signer.headers(OTHER, now=NOW))["sub"] == CONTACT


def test_the_token_is_valid_for_at_most_a_day(signer):
    exp = claims(signer.headers(FCM_A, now=NOW))["exp"]
    assert NOW + VAPID_REFRESH_BEFORE < exp <= NOW + 24 * 3600


def test_the_token_is_re_signed_an_hour_before_it_expires(signer, vapid):
    first = signer.headers(FCM_A, now=NOW)
    exp = claims(first)["exp"]

    still = signer.headers(FCM_A, now=exp - VAPID_REFRESH_BEFORE - 1)
    assert still["Authorization"] == first["Authorization"]

    fresh = signer.headers(FCM_B, now=exp - VAPID_REFRESH_BEFORE)
    assert fresh["Authorization"] != first["Authorization"]
    assert claims(fresh)["exp"] > exp
    assert claims(fresh)["aud"] == "https://fcm.googleapis.com"
    assert len(vapid.signed) == 2


def test_changing_returned_headers_does_not_leak_into_the_next_message(signer):
    headers = signer.headers(FCM_A, now=NOW)
    headers["Urgency"] = "high"
    headers["Topic"] = "kerja-bakti"
    headers["Authorization"] = "tampered"
    again = signer.headers(FCM_B, now=NOW)
    assert "Urgency" not in again
    assert "Topic" not in again
    assert again["Authorization"].startswith("vapid t=")


def test_the_token_verifies_with_the_key_sent_alongside_it(signer):
    token, key = token_parts(signer.headers(FCM_A, now=NOW))
    header_b64, payload_b64, signature_b64 = token.split(".")
    assert json.loads(unb64(header_b64))["alg"] == "ES256"
    raw = unb64(signature_b64)
    signature = encode_dss_signature(
        int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")
    )
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64(key))
    public.verify(  # raises InvalidSignature if the push service would refuse it
        signature, f"{header_b64}.{payload_b64}".encode(), ec.ECDSA(hashes.SHA256())
    )


@pytest.mark.parametrize(
    "endpoint",
    ["https://fcm.googleapis.com:443/fcm/send/x", "https://FCM.googleapis.com/fcm/send/x"],
)
def test_the_audience_is_the_normalised_origin(signer, endpoint):
    assert claims(signer.headers(endpoint, now=NOW))["aud"] == "https://fcm.googleapis.com"
