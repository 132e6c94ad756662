"""``safe_next``: only a path on this site, as a browser's URL parser will read it."""

import pytest

from community.web.redirects import safe_next

FALLBACK = "/"

LOCAL = [
    "/",
    "/tetangga",
    "/kegiatan/12?tab=hadir#daftar",
    "/kegiatan/12/hadir/abc123",
    "/cari?q=//evil.example",  # "//" after the path is only a query
    "/%2F%2Fevil.example",  # an escaped slash stays an escape: a path on this site
    "/%5Cevil.example",
    "/kegiatan/ Sabtu",
    "/masjid-al-ikhlas/é",
]

ELSEWHERE = [
    None,
    "",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example",  # backslash is a slash to the browser
    "\\\\evil.example",
    "\\/evil.example",
    "/\t/evil.example/",  # the tab is dropped: //evil.example/
    "/\n/evil.example/",
    "/\r/evil.example/",
    "\t//evil.example/",
    "/\x00/evil.example",
    "/x\r\nSet-Cookie: a=b",  # header splitting
    "/\x7f",
    " //evil.example/",  # leading space is stripped by the browser
    "https://evil.example/",
    "http:evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,hi",
    "evil.example",
    "tetangga",
    "./tetangga",
    "?next=/x",
    "#top",
]


@pytest.mark.parametrize("target", LOCAL)
def test_a_path_on_this_site_is_followed(target):
    assert safe_next(target, FALLBACK) == target


@pytest.mark.parametrize("target", ELSEWHERE)
def test_anything_a_browser_could_take_elsewhere_falls_back(target):
    assert safe_next(target, FALLBACK) == FALLBACK


def test_an_escaped_tab_is_only_a_path_until_flask_decodes_it():
    # The query string ?next=/%09/evil.example/ reaches the view decoded, as "/\t/…".
    assert safe_next("/%09/evil.example/", FALLBACK) == "/%09/evil.example/"
    assert safe_next("/\t/evil.example/", FALLBACK) == FALLBACK


def test_non_strings_fall_back():
    assert safe_next(["/x"], FALLBACK) == FALLBACK  # type: ignore[arg-type]
