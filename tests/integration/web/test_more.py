"""The tab bar at 360 px holds five tabs (Beranda, Tetangga, Pengumuman, Pesan, Lainnya);
"Lainnya" holds the rest: the pengurus' work with its counts, added up on the tab, the
domains' own pages, past activities, notification settings and the profile (#14)."""

from __future__ import annotations

import lxml.html

from community.web import badges


def tabs(response) -> list[str]:
    doc = lxml.html.document_fromstring(response.get_data(as_text=True))
    return [" ".join(a.cssselect(".tab-text")[0].text_content().split())
            for a in doc.cssselect("header nav a.tab")]  # fmt: skip


def lines(response) -> list[str]:
    doc = lxml.html.document_fromstring(response.get_data(as_text=True))
    return [" ".join(a.text_content().split()) for a in doc.cssselect("main a.more-link")]


def test_a_resident_has_five_tabs_and_finds_the_rest_on_lainnya(world, as_user):
    client = as_user(world["resident_a"])
    assert tabs(client.get("/")) == ["Beranda", "Tetangga", "Pengumuman", "Pesan", "Lainnya"]
    page = client.get("/lainnya")
    assert page.status_code == 200
    assert lines(page) == [
        "Arisan", "Musyawarah", "Kegiatan lalu", "Pengaturan notifikasi", "Profil",
    ]  # fmt: skip
    assert "Tugas pengurus" not in page.get_data(as_text=True)
    for line in ("/kegiatan/lalu", "/profil/notifikasi", "/profil"):
        assert f'href="{line}"' in page.get_data(as_text=True)


def test_the_ketua_rt_sees_the_waiting_requests_on_the_tab_and_the_page(world, as_user):
    client = as_user(world["pengurus_a"])  # the world: one resident waits for RT 01
    assert tabs(client.get("/")) == [
        "Beranda", "Tetangga", "Pengumuman", "Pesan", "Lainnya 1(1 perlu ditindaklanjuti)",
    ]  # fmt: skip
    page = client.get("/lainnya")
    assert "Tugas pengurus" in page.get_data(as_text=True)
    assert lines(page)[0] == "Kelola warga 1(1 permintaan bergabung)"


def test_a_domain_adds_its_page_to_lainnya_without_editing_web(world, as_user, monkeypatch):
    monkeypatch.setattr(badges, "_more", dict(badges._more))
    badges.register_more_link(badges.MoreLink("uji", "web.index", "Halaman uji", "house", 50))
    badges.register_more_link(
        badges.MoreLink("khusus", "web.index", "Hanya pengurus", "house", 51, lambda u: False)
    )
    shown = lines(as_user(world["resident_a"]).get("/lainnya"))
    assert "Halaman uji" in shown
    assert "Hanya pengurus" not in shown
    assert shown.index("Halaman uji") < shown.index("Profil")


def test_a_page_not_found_still_offers_lainnya(world, as_user):
    response = as_user(world["resident_a"]).get("/tidak-ada-halaman-ini")
    assert response.status_code == 404
    assert "Lainnya" in tabs(response)
