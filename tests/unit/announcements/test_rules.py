"""Pengumuman rules: expiry, links in plain text, the WhatsApp text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from community.announcements import rules
from community.announcements.rules import AnnouncementError as E

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def test_the_policy_constants():
    assert rules.BODY_MAX == 2000
    assert rules.HOME_LIMIT == 3
    assert rules.EXPIRY_MAX_DAYS == 366
    assert {"http:", "https:", ""} == rules.LINK_SCHEMES


# --- expiry -----------------------------------------------------------------------------


def test_without_an_expiry_an_announcement_stays():
    assert rules.is_active(None, NOW)


def test_an_announcement_leaves_at_its_expiry():
    second = timedelta(seconds=1)
    assert rules.is_active(NOW + second, NOW)
    assert not rules.is_active(NOW, NOW)
    assert not rules.is_active(NOW - second, NOW)


def test_an_expiry_must_lie_ahead_and_within_a_year():
    second = timedelta(seconds=1)
    assert rules.expiry_problem(None, NOW) is None
    assert rules.expiry_problem(NOW + second, NOW) is None
    assert rules.expiry_problem(NOW, NOW) == E.EXPIRY_PAST
    assert rules.expiry_problem(NOW - timedelta(days=1), NOW) == E.EXPIRY_PAST
    year = NOW + timedelta(days=366)
    assert rules.expiry_problem(year, NOW) is None
    assert rules.expiry_problem(year + second, NOW) == E.EXPIRY_TOO_FAR


def test_keeping_the_expiry_it_already_has_is_allowed_even_when_past():
    past = NOW - timedelta(days=3)
    assert rules.expiry_problem(past, NOW, previous=past) is None
    assert rules.expiry_problem(past, NOW, previous=past + timedelta(days=1)) == E.EXPIRY_PAST
    assert rules.expiry_problem(past, NOW, previous=past + timedelta(minutes=1)) == E.EXPIRY_PAST


def test_the_form_shows_the_expiry_to_the_minute_so_seconds_do_not_make_it_new():
    typed = NOW - timedelta(days=1)
    for stored in (
        typed + timedelta(seconds=59, microseconds=999_999),
        typed - timedelta(seconds=59),
    ):
        assert rules.expiry_problem(typed, NOW, previous=stored) is None
    for stored in (typed + timedelta(minutes=1), typed - timedelta(minutes=1)):
        assert rules.expiry_problem(typed, NOW, previous=stored) == E.EXPIRY_PAST


def test_pinned_first_then_newest_then_the_higher_id():
    old, new = NOW - timedelta(days=2), NOW
    keys = {
        "pinned old": rules.order_key(True, old, 1),
        "new": rules.order_key(False, new, 2),
        "old": rules.order_key(False, old, 3),
        "old, later id": rules.order_key(False, old, 4),
        "pinned new": rules.order_key(True, new, 5),
    }
    assert sorted(keys, key=keys.get) == ["pinned new", "pinned old", "new", "old, later id", "old"]


# --- links ------------------------------------------------------------------------------


def test_plain_text_is_one_piece_without_a_link():
    assert rules.link_segments("Kerja bakti Minggu jam 07.00 di Jl. Kenanga") == [
        ("Kerja bakti Minggu jam 07.00 di Jl. Kenanga", None)
    ]
    assert rules.link_segments("") == []


def test_a_link_in_the_middle_is_cut_out_without_the_full_stop_after_it():
    assert rules.link_segments("Lihat https://banjarbaru.go.id/info?a=1. Terima kasih") == [
        ("Lihat ", None),
        ("https://banjarbaru.go.id/info?a=1", "https://banjarbaru.go.id/info?a=1"),
        (". Terima kasih", None),
    ]


def test_a_link_at_the_start_or_the_end_leaves_no_empty_piece():
    assert rules.link_segments("https://rukun.id") == [("https://rukun.id", "https://rukun.id")]
    assert rules.link_segments("www.kemenkes.go.id dan http://a.id") == [
        ("www.kemenkes.go.id", "http://www.kemenkes.go.id"),
        (" dan ", None),
        ("http://a.id", "http://a.id"),
    ]


def test_a_bare_domain_becomes_an_http_link_and_brackets_stay_outside():
    assert rules.link_segments("(rukun.id/pengumuman/3)") == [
        ("(", None),
        ("rukun.id/pengumuman/3", "http://rukun.id/pengumuman/3"),
        (")", None),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "javascript:alert(1)",
        '<a href="javascript:alert(1)">klik</a>',
        "data:text/html;base64,PHNjcmlwdD4=",
        "mailto:ketua@rt01.id",
        "budi@contoh.id",
        "ftp://files.example.id/a",
        "jam 07.00, Jl.Kenanga No.3",
    ],
)
def test_only_web_links_become_links(text):
    assert all(url is None or url.startswith("http") for _, url in rules.link_segments(text))
    assert "".join(piece for piece, _ in rules.link_segments(text)) == text


def test_a_web_link_after_a_mail_address_is_still_a_link():
    assert rules.link_segments("mailto:rt01@contoh.id atau https://rt01.id") == [
        ("mailto:rt01@contoh.id atau ", None),
        ("https://rt01.id", "https://rt01.id"),
    ]


def test_the_pieces_always_join_back_into_the_text():
    text = "Info: https://a.id/x, www.b.id; <b>tebal</b> & c.id\nbaris dua"
    assert "".join(piece for piece, _ in rules.link_segments(text)) == text


def test_the_whatsapp_text_has_a_bold_heading_the_text_and_the_link():
    assert rules.whatsapp_text(
        "Kerja bakti diundur.\nKumpul di pos.", "RT 01 / RW 05", "https://r.id/pengumuman/1",
        heading="Pengumuman", link_label="Baca di Rukun:",
    ) == (
        "*Pengumuman RT 01 / RW 05*\n\nKerja bakti diundur.\nKumpul di pos.\n\n"
        "Baca di Rukun: https://r.id/pengumuman/1"
    )  # fmt: skip


def test_the_whatsapp_text_says_until_when_it_holds():
    assert rules.whatsapp_text(
        "Iuran sampah", "RT 01 / RW 05", "https://r.id/pengumuman/2", heading="Pengumuman",
        link_label="Baca di Rukun:", until="Berlaku sampai Minggu, 6 Desember 2026 · 07.00 WITA",
    ) == (
        "*Pengumuman RT 01 / RW 05*\n\nIuran sampah\n\n"
        "Berlaku sampai Minggu, 6 Desember 2026 · 07.00 WITA\n\n"
        "Baca di Rukun: https://r.id/pengumuman/2"
    )  # fmt: skip
