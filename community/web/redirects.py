"""Where to go after a form: only local paths (``//evil``, ``https://evil`` fall back)."""

from __future__ import annotations


def safe_next(target: str | None, fallback: str) -> str:
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return fallback
