"""Which parts of a logged URL are secrets (``community.web.access_log.redact``)."""

from __future__ import annotations

import pytest

from community.web.access_log import redact


@pytest.mark.parametrize(
    ("logged", "shown"),
    [
        ("GET /kalender/Ab-9_xYz.ics HTTP/1.1", "GET /kalender/***.ics HTTP/1.1"),
        ("/kegiatan/12/hadir/0f3a9c", "/kegiatan/12/hadir/***"),
        ("POST /kegiatan/12/hadir/0f3a9c HTTP/1.1", "POST /kegiatan/12/hadir/*** HTTP/1.1"),
        ("/gabung/K7QX2M", "/gabung/***"),
        ("/masuk?next=%2Fgabung%2FK7QX2M", "/masuk?next=%2Fgabung%2F***"),
        (
            "/masuk?next=%2fkegiatan%2f3%2fhadir%2fab12&x=1",
            "/masuk?next=%2fkegiatan%2f3%2fhadir%2f***&x=1",
        ),
        ("https://rukun.example/kalender/tok.ics", "https://rukun.example/kalender/***.ics"),
        # not secrets: left as they are
        ("/gabung/batal", "/gabung/batal"),
        ("/kegiatan/12/daftar-hadir/7", "/kegiatan/12/daftar-hadir/7"),
        ("/profil/kalender", "/profil/kalender"),
        ("POST /profil/kalender/hapus HTTP/1.1", "POST /profil/kalender/hapus HTTP/1.1"),
        ("/kegiatan/12.ics", "/kegiatan/12.ics"),
    ],
)
def test_redact(logged, shown):
    assert redact(logged) == shown
