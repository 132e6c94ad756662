"""A real stand-in push service for tests (RFC 8030 + RFC 8291 aes128gcm + RFC 8292 VAPID).

It runs on 127.0.0.1, verifies the VAPID JWT (ES256 signature, ``aud``, ``exp``, ``sub``)
against the application server key the subscription was made with, requires ``TTL``, reads
``Urgency`` and ``Topic``, and decrypts the body with the subscriber's private key and auth
secret, so a test sees byte for byte what the phone would show. Each subscription can be
told to answer 201, 404, 410, 429 (with ``Retry-After``), 500, or to hang.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64u_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Delivery:
    ttl: int
    urgency: str | None
    topic: str | None
    claims: dict
    payload: bytes


@dataclass
class Subscriber:
    """What a browser holds after ``PushManager.subscribe()``: keys and an endpoint."""

    id: str
    private_key: ec.EllipticCurvePrivateKey
    auth: bytes
    server_key: str  # the applicationServerKey the subscription was made with
    mode: str = "201"  # "201" | "400" | "404" | "410" | "413" | "429" | "500" | "hang"
    received: list[Delivery] = field(default_factory=list)

    def info(self, base_url: str) -> dict:
        public = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": f"{base_url}/push/{self.id}",
            "keys": {"p256dh": b64u(public), "auth": b64u(self.auth)},
        }


class VapidError(Exception):
    pass


def verify_vapid(header: str, audience: str, server_key: str, *, now: float) -> dict:
    """The claims of a valid ``vapid t=…, k=…`` header; raises :class:`VapidError`."""
    match = re.match(r"^\s*vapid\s+(.*)$", header or "", re.I)
    if not match:
        raise VapidError("Authorization scheme must be vapid")
    params = dict(p.strip().split("=", 1) for p in match.group(1).split(",") if "=" in p)
    token, key = params.get("t"), params.get("k")
    if not token or not key:
        raise VapidError("missing t= or k=")
    if key.rstrip("=") != server_key.rstrip("="):
        raise VapidError("k is not the key this subscription was made with")
    head, claims_part, signature_part = token.split(".")
    if json.loads(b64u_decode(head)).get("alg") != "ES256":
        raise VapidError("alg must be ES256")
    signature = b64u_decode(signature_part)
    if len(signature) != 64:
        raise VapidError("ES256 signature must be 64 bytes")
    der = utils.encode_dss_signature(
        int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    )
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64u_decode(key))
    try:
        public.verify(der, f"{head}.{claims_part}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as exc:
        raise VapidError("bad signature") from exc
    claims = json.loads(b64u_decode(claims_part))
    if claims.get("aud") != audience:
        raise VapidError(f"aud {claims.get('aud')!r} is not {audience!r}")
    if not now < int(claims.get("exp", 0)) <= now + 24 * 3600:
        raise VapidError("exp must be in the future and at most 24 h away")
    if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
        raise VapidError("sub must be mailto: or https:")
    return claims


class _Server(ThreadingHTTPServer):
    # The worker keeps ~100 requests in flight; the default backlog of 5 drops SYNs.
    request_queue_size = 256


class PushService:
    """``with PushService() as service: info = service.subscribe(server_key)``."""

    def __init__(self, hang_seconds: float = 5.0):
        self.subscribers: dict[str, Subscriber] = {}
        self.lock = threading.Lock()
        self.hang_seconds = hang_seconds
        self._verified: dict[tuple[str, str, str], dict] = {}
        self.requests = 0  # pushes that reached the service, answered or not
        self.server = _Server(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_port}"

    def __enter__(self) -> PushService:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def arrived(self) -> int:
        with self.lock:
            return self.requests

    def verified(self, header: str, audience: str, server_key: str) -> dict:
        """:func:`verify_vapid`, remembering tokens whose signature was checked already
        (like a real push service: one token is reused for thousands of pushes).  The
        expiry is checked on every push all the same."""
        key = (header, audience, server_key)
        now = time.time()
        with self.lock:
            claims = self._verified.get(key)
        if claims is None:
            claims = verify_vapid(header, audience, server_key, now=now)
            with self.lock:
                self._verified[key] = claims
        elif not now < int(claims.get("exp", 0)) <= now + 24 * 3600:
            raise VapidError("exp must be in the future and at most 24 h away")
        return claims

    def subscribe(self, server_key: str, mode: str = "201") -> tuple[Subscriber, dict]:
        subscriber = Subscriber(
            id=secrets.token_urlsafe(12),
            private_key=ec.generate_private_key(ec.SECP256R1()),
            auth=secrets.token_bytes(16),
            server_key=server_key,
            mode=mode,
        )
        with self.lock:
            self.subscribers[subscriber.id] = subscriber
        return subscriber, subscriber.info(self.base_url)

    def _handler(self):
        service = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _send(self, status: int, body: bytes = b"", headers: dict | None = None):
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                with service.lock:
                    service.requests += 1
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                match = re.match(r"^/push/([\w-]+)$", self.path)
                subscriber = service.subscribers.get(match.group(1)) if match else None
                if subscriber is None:
                    return self._send(404, b"no such subscription")
                if subscriber.mode == "hang":
                    time.sleep(service.hang_seconds)
                    return self._send(504)
                if subscriber.mode in ("400", "404", "410", "413", "500"):
                    return self._send(int(subscriber.mode))
                if subscriber.mode == "429":
                    return self._send(429, b"slow down", {"Retry-After": "120"})
                if self.headers.get("TTL") is None:
                    return self._send(400, b"TTL header required")
                try:
                    claims = service.verified(
                        self.headers.get("Authorization", ""),
                        f"http://{self.headers.get('Host')}",
                        subscriber.server_key,
                    )
                except VapidError as exc:
                    return self._send(403, str(exc).encode())
                if self.headers.get("Content-Encoding") != "aes128gcm":
                    return self._send(415, b"Content-Encoding must be aes128gcm")
                if len(body) > 4096:
                    return self._send(413, b"payload too large")
                payload = http_ece.decrypt(
                    body, private_key=subscriber.private_key, auth_secret=subscriber.auth,
                    version="aes128gcm",
                )  # fmt: skip
                with service.lock:
                    subscriber.received.append(
                        Delivery(
                            int(self.headers["TTL"]),
                            self.headers.get("Urgency"),
                            self.headers.get("Topic"),
                            claims,
                            payload,
                        )
                    )
                self._send(201, b"", {"Location": f"/message/{len(subscriber.received)}"})

        return Handler
