"""Where to go after a form: only a path on this site, as the browser will read it.

A browser does not read ``next`` the way Python does. The WHATWG URL parser removes every
tab and newline anywhere in the value, strips leading C0 controls and spaces, and reads
a backslash as a slash, so ``/\\t/evil.example/`` and ``/\\\\evil.example`` both become
``//evil.example``: another site. Rather than re-implement that parser, anything a
browser would rewrite is refused, and what is left must be a path that does not start
with ``//``. Percent-escapes stay escapes (``/%2F%2Fevil`` is a path here), and a value
with a control character never reaches the ``Location`` header (CR/LF were a 500).
"""

from __future__ import annotations


def _rewritten_by_browser(target: str) -> bool:
    """True when a browser would change the value before resolving it (or when it could
    split a header): any C0 control (tab, CR, LF, NUL …), DEL, or a backslash."""
    return any(ch < " " or ch in "\x7f\\" for ch in target)


def is_local_path(target: object) -> bool:
    """A path on this site: starts with one ``/``, no scheme, no host, nothing a browser
    would normalise into one."""
    return (
        isinstance(target, str)
        and target.startswith("/")
        and not target.startswith("//")
        and not _rewritten_by_browser(target)
    )


def safe_next(target: str | None, fallback: str) -> str:
    return target if is_local_path(target) else fallback
