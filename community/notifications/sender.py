"""Sending a batch of Web Push messages concurrently (pywebpush's asyncio sender, one
shared aiohttp session), with VAPID headers signed once per push service."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver
from py_vapid import Vapid
from pywebpush import WebPusher

from community.notifications import delivery_rules

log = logging.getLogger(__name__)
VAPID_LIFETIME = 12 * 3600
VAPID_REFRESH_BEFORE = 3600


@dataclass(frozen=True)
class Push:
    id: int
    endpoint: str
    p256dh: str
    auth: str
    payload: str
    ttl: int
    urgency: str
    topic: str


ADDRESS_REFUSED = "address_refused"


@dataclass(frozen=True)
class Answer:
    id: int
    status_code: int | None  # None: timeout, connection refused, or ADDRESS_REFUSED
    retry_after: str | None = None
    error: str = ""  # ADDRESS_REFUSED: we would not connect; retrying cannot help


class NonPublicAddress(OSError):
    """The push service's name resolved to an address we never connect to."""


def _refused_by_us(exc: BaseException) -> bool:
    """aiohttp wraps the resolver's error (``ClientConnectorDNSError``): look inside."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, NonPublicAddress):
            return True
        seen.add(id(exc))
        exc = getattr(exc, "os_error", None) or exc.__cause__ or exc.__context__
    return False


class VapidSigner:
    """One signed JWT per push-service origin (``aud``), reused until an hour before it
    expires; a fresh claims dict every time (py_vapid fills in what it is given)."""

    def __init__(self, vapid: Vapid, contact: str) -> None:
        self.vapid = vapid
        self.contact = contact
        self._cache: dict[str, tuple[int, dict[str, str]]] = {}

    def headers(self, endpoint: str, *, now: float | None = None) -> dict[str, str]:
        parts = urlsplit(endpoint)
        default = {"https": 443, "http": 80}.get(parts.scheme)
        port = f":{parts.port}" if parts.port not in (None, default) else ""
        aud = f"{parts.scheme}://{(parts.hostname or '').lower()}{port}"  # the origin, normalised
        now = int(now if now is not None else time.time())
        hit = self._cache.get(aud)
        if hit is None or hit[0] - VAPID_REFRESH_BEFORE <= now:
            exp = now + VAPID_LIFETIME
            signed = self.vapid.sign({"sub": self.contact, "aud": aud, "exp": exp})
            hit = self._cache[aud] = (exp, dict(signed))
        return dict(hit[1])


class PublicOnlyResolver(AbstractResolver):
    """Resolve names, then refuse to connect to anything that is not a public address
    (checked at send time too, so a DNS change cannot point us at the intranet)."""

    def __init__(self) -> None:
        self._inner = aiohttp.ThreadedResolver()

    async def resolve(self, host: str, port: int = 0, family: int = socket.AF_INET):
        try:
            ipaddress.ip_address(host)
        except ValueError:
            pass
        else:
            raise NonPublicAddress(f"refusing IP literal {host}")
        found = await self._inner.resolve(host, port, family)
        if not found or not all(delivery_rules.address_is_public(h["host"]) for h in found):
            raise NonPublicAddress(f"refusing non-public address for {host}")
        return found

    async def close(self) -> None:
        await self._inner.close()


class _NoRedirects:
    """pywebpush posts with the session it is given; a push service never redirects, and
    following one could lead anywhere."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    def post(self, url: str, **kwargs):
        return self._session.post(url, allow_redirects=False, **kwargs)


class Sender:
    """One aiohttp session (connections kept alive across batches) and a limit on
    pushes in flight: ``async with Sender(signer) as sender: await sender.send(pushes)``."""

    def __init__(
        self,
        signer: VapidSigner,
        *,
        concurrency: int = 96,
        timeout: float = 10.0,
        public_only: bool = True,
    ) -> None:
        self.signer = signer
        self.concurrency = concurrency
        self.timeout = aiohttp.ClientTimeout(total=timeout, sock_connect=min(timeout, 5.0))
        self.public_only = public_only

    async def __aenter__(self) -> Sender:
        connector = aiohttp.TCPConnector(
            limit=self.concurrency,
            resolver=PublicOnlyResolver() if self.public_only else None,
            ttl_dns_cache=300,
        )
        self._session = aiohttp.ClientSession(connector=connector)
        self._wrapped = _NoRedirects(self._session)
        self._semaphore = asyncio.Semaphore(self.concurrency)
        return self

    async def __aexit__(self, *exc) -> None:
        await self._session.close()

    async def send(self, pushes: list[Push]) -> list[Answer]:
        return list(await asyncio.gather(*(self._one(p) for p in pushes)))

    async def _one(self, push: Push) -> Answer:
        async with self._semaphore:
            headers = self.signer.headers(push.endpoint)
            headers["Urgency"] = push.urgency
            headers["Topic"] = push.topic
            info = {"endpoint": push.endpoint, "keys": {"p256dh": push.p256dh, "auth": push.auth}}
            try:
                response = await WebPusher(info, aiohttp_session=self._wrapped).send_async(
                    push.payload, headers, ttl=push.ttl, timeout=self.timeout
                )
            except (TimeoutError, aiohttp.ClientError, OSError) as exc:
                if _refused_by_us(exc):
                    log.warning("push %s not sent: its push service is not public", push.id)
                    return Answer(push.id, None, error=ADDRESS_REFUSED)
                return Answer(push.id, None, error=type(exc).__name__)
            except Exception as exc:  # a malformed stored key must not stop the batch
                log.warning("push %s could not be encoded: %s", push.id, type(exc).__name__)
                return Answer(push.id, 400, error="encode")
            return Answer(push.id, response.status, response.headers.get("Retry-After"))
