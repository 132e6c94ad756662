"""Pengumuman through the pages: posting with the real form, who sees what, bad input and
photos, read counting, pinning, expiry, editing, deleting, the printable notice, WhatsApp
text and the home feed (pinned first, at most three, one SQL statement more)."""

from __future__ import annotations

import html
import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import unquote

import pytest
from PIL import Image
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from community.accounts.models import User
from community.announcements import services
from community.announcements.models import Announcement, AnnouncementRead
from community.areas.models import Wilayah
from community.core.time import utcnow
from community.extensions import db
from tests.conftest import post_form, text_of
from tests.forms import FormNotFound, find_form, form_fields, submit_form
from tests.statements import counting

NEW = "/pengumuman/baru"
UPLOAD_FORM = "form[enctype='multipart/form-data']"


def said(response) -> str:
    return html.unescape(text_of(response))


def submit_announcement(client, page: str, data: dict, photo: tuple[bytes, str] | None = None):
    """Fill the announcement form as rendered (``tests.forms`` rules: only fields the page
    has) and attach ``photo`` (bytes, file name) to its file input."""
    form = find_form(client.get(page).get_data(as_text=True), UPLOAD_FORM)
    names = {el.get("name") for el in form.inputs if el.get("name")}
    pairs = [(n, v) for n, v in form_fields(form) if n != "photo"]
    for name, value in data.items():
        if name not in names:
            raise FormNotFound(f"the form has no field {name!r} (it has {sorted(names)})")
        pairs = [(n, v) for n, v in pairs if n != name]
        if value is not None:
            pairs.append((name, value))
    body = MultiDict(pairs)
    if photo is not None:
        assert "photo" in names, "the form has no photo input"
        body.add("photo", FileStorage(io.BytesIO(photo[0]), filename=photo[1], name="photo"))
    # Encoded in memory: the test client spools a large body to a file it never closes.
    boundary, payload = encode_multipart(body)
    return client.post(
        form.get("action"), data=payload, content_type=f"multipart/form-data; boundary={boundary}"
    )


def jpeg(size=(64, 48), color="green", exif: Image.Exif | None = None, fmt="JPEG") -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, color)
    image.save(out, fmt, **({"exif": exif} if exif is not None else {}))
    return out.getvalue()


def gps_exif() -> Image.Exif:
    """EXIF of a phone photo: camera make and the GPS position of the author's house."""
    exif = Image.Exif()
    exif[0x010F] = "RukunPhone"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "S", (3.0, 26.0, 30.0)  # latitude of Banjarbaru
    gps[3], gps[4] = "E", (114.0, 49.0, 40.0)
    return exif


def announcement_rows(app) -> list[Announcement]:
    with app.app_context():
        rows = db.session.scalars(select(Announcement).order_by(Announcement.id)).all()
        db.session.expunge_all()
        return rows


def photo_files(app) -> set[str]:
    folder = Path(app.config["ANNOUNCEMENT_PHOTO_FOLDER"])
    return {p.name for p in folder.glob("*")} if folder.is_dir() else set()


def publish(app, world, scope="rt_a", author="pengurus_a", body="Kerja bakti diundur", **extra):
    with app.app_context():
        wilayah = db.session.get(Wilayah, getattr(world, scope).id)
        found = services.publish(
            wilayah, by=db.session.get(User, world[author].id), body=body,
            now=extra.pop("now", utcnow()), **extra,
        )  # fmt: skip
        db.session.commit()
        return found.id


# --- posting ---------------------------------------------------------------------------


def test_a_ketua_rt_posts_with_the_form_and_the_rt_sees_it(app, world, as_user):
    ketua = as_user(world["pengurus_a"])
    form_page = said(ketua.get(NEW))
    assert "Buat pengumuman" in form_page and "RT 01 / RW 01" in form_page
    response = submit_announcement(
        ketua, NEW,
        {"scope": str(world.rt_a.id), "body": "Lampu jalan gang 3 mati.\nSudah dilaporkan."},
    )  # fmt: skip
    assert response.status_code == 303
    (row,) = announcement_rows(app)
    assert response.headers["Location"] == f"/pengumuman/{row.id}"
    assert (row.wilayah_id, row.author_id, row.is_pinned) == (
        world.rt_a.id, world["pengurus_a"].id, False,
    )  # fmt: skip
    assert row.body == "Lampu jalan gang 3 mati.\nSudah dilaporkan."

    siti = as_user(world["resident_a"])
    assert "Lampu jalan gang 3 mati." in said(siti.get("/"))
    assert "Lampu jalan gang 3 mati." in said(siti.get("/pengumuman"))
    page = siti.get(f"/pengumuman/{row.id}")
    assert page.status_code == 200
    assert "<p>Sudah dilaporkan.</p>" in page.get_data(as_text=True)

    budi = as_user(world["resident_b"])  # RT B
    assert "Lampu jalan" not in said(budi.get("/"))
    assert "Lampu jalan" not in said(budi.get("/pengumuman"))
    assert budi.get(f"/pengumuman/{row.id}").status_code == 404


def test_an_announcement_to_the_rw_reaches_every_rt_of_it(app, world, as_user):
    ketua_rw = as_user(world["ketua_rw"])
    response = submit_announcement(
        ketua_rw, NEW, {"scope": str(world.rw.id), "body": "Posyandu RW pindah ke balai"}
    )
    assert response.status_code == 303
    for person in ("resident_a", "resident_b", "pengurus_a"):
        assert "Posyandu RW pindah" in said(as_user(world[person]).get("/")), person


def test_an_author_from_another_wilayah_is_not_seen_and_cannot_manage(app, world, as_user):
    rt_b = publish(app, world, scope="rt_b", author="ketua_rw", body="Voli RT 02 libur")
    ketua_a = as_user(world["pengurus_a"])
    for suffix in ("", "/ubah", "/poster", "/qr.svg", "/foto"):
        assert ketua_a.get(f"/pengumuman/{rt_b}{suffix}").status_code == 404, suffix
    for suffix in ("/sematkan", "/hapus"):
        assert post_form(ketua_a, f"/pengumuman/{rt_b}{suffix}").status_code == 404
    assert "Voli RT 02" not in said(ketua_a.get("/pengumuman"))
    # a resident sees it but may not manage it
    budi = as_user(world["resident_b"])
    assert budi.get(f"/pengumuman/{rt_b}").status_code == 200
    assert budi.get(f"/pengumuman/{rt_b}/ubah").status_code == 403
    assert post_form(budi, f"/pengumuman/{rt_b}/sematkan").status_code == 403
    assert "Kelola pengumuman" not in said(budi.get(f"/pengumuman/{rt_b}"))


def test_residents_without_a_role_get_no_form(app, world, as_user):
    siti = as_user(world["resident_a"])
    assert siti.get(NEW).status_code == 403
    assert "Buat pengumuman" not in said(siti.get("/pengumuman"))
    assert "Buat pengumuman" in said(as_user(world["pengurus_a"]).get("/pengumuman"))


# --- bad input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Isi pengumuman tidak boleh kosong."),
        ("   \n  ", "Isi pengumuman tidak boleh kosong."),
        ("\u200b\u2060\ufeff\u3164", "Isi pengumuman tidak boleh kosong."),
        ("x" * 2001, "Pengumuman paling banyak 2.000 karakter."),
        ("a\x00b", "karakter tersembunyi"),
    ],
    ids=["empty", "spaces", "invisible-only", "2001-chars", "nul"],
)
def test_a_bad_text_is_refused_with_a_message_and_nothing_stored(
    app, world, as_user, body, message
):
    ketua = as_user(world["pengurus_a"])
    response = submit_announcement(ketua, NEW, {"scope": str(world.rt_a.id), "body": body})
    assert response.status_code == 422
    assert message in said(response)
    assert announcement_rows(app) == []


def test_2000_characters_are_accepted(app, world, as_user):
    ketua = as_user(world["pengurus_a"])
    response = submit_announcement(ketua, NEW, {"scope": str(world.rt_a.id), "body": "y" * 2000})
    assert response.status_code == 303
    assert len(announcement_rows(app)[0].body) == 2000


def test_html_and_script_are_kept_as_text_and_shown_inert(app, world, as_user):
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)> <a href="javascript:alert(2)">klik</a>'
    ketua = as_user(world["pengurus_a"])
    assert (
        submit_announcement(ketua, NEW, {"scope": str(world.rt_a.id), "body": payload}).status_code
        == 303
    )
    (row,) = announcement_rows(app)
    assert row.body == payload
    for url in (f"/pengumuman/{row.id}", "/pengumuman", "/", f"/pengumuman/{row.id}/poster"):
        page = ketua.get(url).get_data(as_text=True)
        assert "<script>alert" not in page and "<img src=x" not in page, url
        assert 'href="javascript:' not in page, url
    assert "&lt;script&gt;" in ketua.get(f"/pengumuman/{row.id}").get_data(as_text=True)


def test_a_wilayah_the_author_does_not_manage_is_refused(app, world, as_user):
    ketua = as_user(world["pengurus_a"])
    response = submit_announcement(ketua, NEW, {"scope": str(world.rt_b.id), "body": "Halo RT 02"})
    assert response.status_code == 422
    assert "Pilihan tidak valid." in said(response)
    assert announcement_rows(app) == []


def test_links_are_clickable_with_rel_noopener_nofollow_ugc(app, world, as_user):
    body = "Info banjir: https://bpbd.kalselprov.go.id/info. Juga www.bmkg.go.id"
    a_id = publish(app, world, body=body)
    page = as_user(world["resident_a"]).get(f"/pengumuman/{a_id}").get_data(as_text=True)
    assert (
        '<a href="https://bpbd.kalselprov.go.id/info" rel="noopener nofollow ugc">'
        "https://bpbd.kalselprov.go.id/info</a>." in page
    )
    assert '<a href="http://www.bmkg.go.id" rel="noopener nofollow ugc">www.bmkg.go.id</a>' in page


def test_a_tampered_activity_link_is_refused(app, world, as_user):
    ketua = as_user(world["pengurus_a"])
    response = submit_announcement(
        ketua, NEW,
        {"scope": str(world.rt_a.id), "body": "Ayo", "activity": str(world.activities["rt_b"].id)},
    )  # fmt: skip
    assert response.status_code == 422
    assert announcement_rows(app) == []


def test_an_activity_can_be_linked(app, world, as_user):
    ketua = as_user(world["pengurus_a"])
    activity = world.activities["rt_a"]
    response = submit_announcement(
        ketua, NEW, {"scope": str(world.rt_a.id), "body": "Ayo ikut", "activity": str(activity.id)}
    )
    assert response.status_code == 303
    page = as_user(world["resident_a"]).get(response.headers["Location"]).get_data(as_text=True)
    assert f'href="/kegiatan/{activity.id}"' in page and activity.title in page


# --- photos -----------------------------------------------------------------------------


def test_a_photo_is_stored_without_its_gps_position_and_shown_to_the_rt(app, world, as_user):
    original = jpeg((2400, 1800), exif=gps_exif())
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825), "the test photo has GPS"
    ketua = as_user(world["pengurus_a"])
    before = photo_files(app)
    response = submit_announcement(
        ketua,
        NEW,
        {"scope": str(world.rt_a.id), "body": "Foto saluran"},
        photo=(original, "saluran.jpg"),
    )
    assert response.status_code == 303
    (row,) = announcement_rows(app)
    assert photo_files(app) - before == {row.photo_name}
    assert row.photo_name.endswith(".jpg") and "saluran" not in row.photo_name
    stored = Path(app.config["ANNOUNCEMENT_PHOTO_FOLDER"]) / row.photo_name
    assert stored.stat().st_mode & 0o077 == 0, "residents' photos are the owner's alone"

    served = as_user(world["resident_a"]).get(f"/pengumuman/{row.id}/foto")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    image = Image.open(io.BytesIO(served.data))
    assert image.format == "JPEG" and image.size == (1600, 1200)
    exif = image.getexif()
    assert not exif.get_ifd(0x8825), "GPS position left in the photo"
    assert 0x010F not in exif and "exif" not in image.info
    assert as_user(world["resident_b"]).get(f"/pengumuman/{row.id}/foto").status_code == 404


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_are_accepted_and_stored_as_jpeg(app, world, as_user, fmt):
    ketua = as_user(world["pengurus_a"])
    photo = jpeg(fmt=fmt)
    response = submit_announcement(
        ketua, NEW, {"scope": str(world.rt_a.id), "body": "Foto"}, photo=(photo, f"a.{fmt.lower()}")
    )
    assert response.status_code == 303
    served = ketua.get(response.headers["Location"] + "/foto")
    assert Image.open(io.BytesIO(served.data)).format == "JPEG"


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 500, "foto.jpg"),  # a Windows program renamed
        (b"%PDF-1.4\n1 0 obj\n", "surat.png"),
        (b"just some text", "catatan.webp"),
        (jpeg()[:200], "terpotong.jpg"),  # a truncated JPEG
        (jpeg(fmt="GIF"), "animasi.gif"),
    ],
    ids=["exe-renamed", "pdf", "text", "truncated-jpeg", "gif"],
)
def test_a_file_that_is_not_a_photo_is_refused_and_nothing_stored(
    app, world, as_user, content, name
):
    ketua = as_user(world["pengurus_a"])
    before = photo_files(app)
    response = submit_announcement(
        ketua, NEW, {"scope": str(world.rt_a.id), "body": "Lihat foto"}, photo=(content, name)
    )
    assert response.status_code == 422
    assert "Berkas ini bukan foto. Pilih foto JPEG, PNG, atau WebP." in said(response)
    assert announcement_rows(app) == [] and photo_files(app) == before


def test_a_photo_over_5_mb_is_refused_and_nothing_stored(app, world, as_user):
    noise = Image.frombytes(
        "RGB",
        (1400, 1400),
        bytes(range(256)) * (1400 * 1400 * 3 // 256) + b"\x00" * (1400 * 1400 * 3 % 256),
    )
    out = io.BytesIO()
    noise.save(out, "PNG")
    big = out.getvalue() + b"\x00" * (5 * 1024 * 1024 + 1 - len(out.getvalue()))
    assert len(big) == 5 * 1024 * 1024 + 1
    ketua = as_user(world["pengurus_a"])
    before = photo_files(app)
    response = submit_announcement(
        ketua, NEW, {"scope": str(world.rt_a.id), "body": "Foto besar"}, photo=(big, "besar.png")
    )
    assert response.status_code == 422
    assert "Foto terlalu besar: paling besar 5 MB." in said(response)
    assert announcement_rows(app) == [] and photo_files(app) == before


def test_the_upload_limit_is_raised_for_the_form_only(app, world, as_user):
    """1 MB everywhere else; the announcement form takes 5 MB plus its fields, and beyond
    that answers 413 with the error page before reading the rest."""
    ketua = as_user(world["pengurus_a"])
    huge = b"\xff\xd8" + b"\x00" * (6 * 1024 * 1024)
    response = submit_announcement(
        ketua, NEW, {"scope": str(world.rt_a.id), "body": "x"}, photo=(huge, "a.jpg")
    )
    assert response.status_code == 413
    assert "terlalu besar" in said(response)
    two_mb = {"body": "x" * (2 * 1024 * 1024)}
    assert (
        post_form(ketua, f"/kegiatan/{world.activities['rt_a'].id}/komentar", two_mb).status_code
        == 413
    )
    assert announcement_rows(app) == []


def test_the_photo_can_be_replaced_and_removed_and_goes_with_the_announcement(app, world, as_user):
    ketua = as_user(world["pengurus_a"])
    first = submit_announcement(
        ketua, NEW, {"scope": str(world.rt_a.id), "body": "Foto"}, photo=(jpeg(), "a.jpg")
    )
    page = first.headers["Location"]
    (row,) = announcement_rows(app)
    old_name = row.photo_name
    response = submit_announcement(ketua, page + "/ubah", {}, photo=(jpeg(color="red"), "b.jpg"))
    assert response.status_code == 303
    (row,) = announcement_rows(app)
    assert row.photo_name != old_name and old_name not in photo_files(app)
    assert row.photo_name in photo_files(app)
    response = submit_announcement(ketua, page + "/ubah", {"remove_photo": "y"})
    assert response.status_code == 303
    gone = row.photo_name
    (row,) = announcement_rows(app)
    assert row.photo_name is None and gone not in photo_files(app)
    assert ketua.get(page + "/foto").status_code == 404

    submit_announcement(ketua, page + "/ubah", {}, photo=(jpeg(), "c.jpg"))
    last = announcement_rows(app)[0].photo_name
    assert submit_form(ketua, page, "form[action$='/hapus']").status_code == 303
    assert announcement_rows(app) == [] and last not in photo_files(app)


# --- reading ----------------------------------------------------------------------------


def test_opening_marks_it_read_once_and_the_author_sees_n_of_m(app, world, as_user):
    a_id = publish(app, world)  # RT A: Siti and the ketua RT live there
    url = f"/pengumuman/{a_id}"
    ketua = as_user(world["pengurus_a"])
    assert "Dibaca oleh 1 dari 2 warga" in said(ketua.get(url))  # the author read it now
    siti = as_user(world["resident_a"])
    page = said(siti.get(url))
    assert "Dibaca oleh" not in page, "a resident does not see the count"
    siti.get(url)
    as_user(world["ketua_rw"]).get(url)  # lives in RT B: read, but not one of RT A's 2
    assert "Dibaca oleh 2 dari 2 warga" in said(ketua.get(url))
    assert "Dibaca oleh 2 dari 2 warga" in said(as_user(world["ketua_rw"]).get(url))
    with app.app_context():
        rows = db.session.scalars(
            select(AnnouncementRead.user_id).where(AnnouncementRead.announcement_id == a_id)
        ).all()
    assert sorted(rows) == sorted(
        [world["pengurus_a"].id, world["resident_a"].id, world["ketua_rw"].id]
    )


def test_the_read_count_of_an_rw_announcement_counts_the_whole_rw(app, world, as_user):
    a_id = publish(app, world, scope="rw", author="ketua_rw")
    as_user(world["resident_b"]).get(f"/pengumuman/{a_id}")
    # RW 01 has RT A (Siti, the ketua RT) and RT B (Budi, the ketua RW)
    assert "Dibaca oleh 2 dari 4 warga" in said(
        as_user(world["ketua_rw"]).get(f"/pengumuman/{a_id}")
    )


# --- pin, order, expiry -----------------------------------------------------------------


def test_pinning_puts_it_first_on_the_list_and_the_home_feed(app, world, as_user):
    now = utcnow()
    old = publish(app, world, body="Pengumuman lama", now=now - timedelta(days=2))
    publish(app, world, body="Pengumuman baru", now=now - timedelta(hours=1))
    siti = as_user(world["resident_a"])
    text = said(siti.get("/"))
    assert text.index("Pengumuman baru") < text.index("Pengumuman lama")

    ketua = as_user(world["pengurus_a"])
    response = submit_form(ketua, f"/pengumuman/{old}", "form[action$='/sematkan']")
    assert response.status_code == 303
    assert "Pengumuman disematkan di atas." in said(ketua.get(response.headers["Location"]))
    for url in ("/", "/pengumuman"):
        text = said(siti.get(url))
        assert text.index("Pengumuman lama") < text.index("Pengumuman baru"), url
        # The list puts the mark above the title; Beranda's one-line entry right after it.
        marked = text.index("Disematkan")
        assert marked < text.index("Pengumuman baru"), url
    response = submit_form(ketua, f"/pengumuman/{old}", "form[action$='/sematkan']")
    assert "Pengumuman tidak lagi disematkan." in said(ketua.get(response.headers["Location"]))
    text = said(siti.get("/"))
    assert text.index("Pengumuman baru") < text.index("Pengumuman lama")


def test_the_home_feed_shows_three_and_links_to_all(app, world, as_user):
    now = utcnow()
    for n in range(5):
        publish(app, world, body=f"Info nomor {n}", now=now - timedelta(hours=5 - n))
    publish(app, world, body="Disematkan dulu", now=now - timedelta(days=3), is_pinned=True)
    siti = as_user(world["resident_a"])
    home = said(siti.get("/"))
    shown = re.findall(r"Disematkan dulu|Info nomor \d", home)
    assert shown == ["Disematkan dulu", "Info nomor 4", "Info nomor 3"]
    assert "Lihat semua pengumuman" in home
    assert home.index("Disematkan dulu") < home.index("Kegiatan mendatang")
    assert len(re.findall(r"Info nomor \d", said(siti.get("/pengumuman")))) == 5


def test_expired_announcements_leave_the_home_feed_and_the_active_list(app, world, as_user):
    now = utcnow()
    publish(app, world, body="Sudah lewat", now=now - timedelta(days=3),
            expires_at=now - timedelta(minutes=1) + timedelta(days=0), is_pinned=True)  # fmt: skip
    publish(app, world, body="Masih berlaku", expires_at=now + timedelta(days=1))
    siti = as_user(world["resident_a"])
    home = said(siti.get("/"))
    assert "Masih berlaku" in home and "Sudah lewat" not in home
    listing = said(siti.get("/pengumuman"))
    assert listing.index("Pengumuman aktif") < listing.index("Masih berlaku")
    assert listing.index("Sudah berakhir") < listing.index("Sudah lewat")


def test_an_expiry_typed_in_wita_is_stored_in_utc(app, world, as_user, pinned_clock):
    ketua = as_user(world["pengurus_a"])
    response = submit_announcement(
        ketua, NEW,
        {"scope": str(world.rt_a.id), "body": "Iuran sampah", "expires_on": "2026-12-06",
         "expires_time": "07:00"},
    )  # fmt: skip
    assert response.status_code == 303
    (row,) = announcement_rows(app)
    assert row.expires_at.isoformat() == "2026-12-05T23:00:00+00:00"
    assert "Minggu, 6 Desember 2026 · 07.00 WITA" in said(ketua.get(response.headers["Location"]))
    response = submit_announcement(
        ketua, NEW, {"scope": str(world.rt_a.id), "body": "Tanpa jam", "expires_on": "2026-12-06"}
    )
    assert announcement_rows(app)[1].expires_at.isoformat() == "2026-12-06T15:59:00+00:00"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"expires_on": "2026-11-30", "expires_time": "10:00"},
            "Waktu berakhir harus setelah sekarang.",
        ),
        ({"expires_on": "2028-01-01"}, "Waktu berakhir paling lama setahun dari sekarang."),
        ({"expires_time": "10:00"}, "Isi tanggalnya juga, atau kosongkan jamnya."),
        ({"expires_on": "6 Desember"}, "Tanggal tidak valid."),
    ],
    ids=["past", "too-far", "time-only", "not-a-date"],
)
def test_a_bad_expiry_is_refused(app, world, as_user, pinned_clock, fields, message):
    ketua = as_user(world["pengurus_a"])
    response = submit_announcement(ketua, NEW, {"scope": str(world.rt_a.id), "body": "x", **fields})
    assert response.status_code == 422
    assert message in said(response)
    assert announcement_rows(app) == []


# --- edit, delete, poster, WhatsApp ------------------------------------------------------


def test_the_text_can_be_edited_and_an_expired_one_kept_expired(app, world, as_user):
    now = utcnow()
    a_id = publish(app, world, body="Lama", now=now - timedelta(days=5),
                   expires_at=now - timedelta(days=1))  # fmt: skip
    ketua = as_user(world["pengurus_a"])
    response = submit_announcement(ketua, f"/pengumuman/{a_id}/ubah", {"body": "Baru\ndiperbaiki"})
    assert response.status_code == 303
    (row,) = announcement_rows(app)
    assert row.body == "Baru\ndiperbaiki" and row.expires_at is not None
    assert "Perubahan tersimpan." in said(ketua.get(f"/pengumuman/{a_id}"))
    response = submit_announcement(ketua, f"/pengumuman/{a_id}/ubah", {"body": ""})
    assert response.status_code == 422 and "tidak boleh kosong" in said(response)


def test_deleting_removes_it_and_its_reads(app, world, as_user):
    a_id = publish(app, world)
    as_user(world["resident_a"]).get(f"/pengumuman/{a_id}")
    ketua = as_user(world["pengurus_a"])
    response = submit_form(ketua, f"/pengumuman/{a_id}", "form[action$='/hapus']")
    assert response.status_code == 303 and response.headers["Location"] == "/pengumuman"
    assert announcement_rows(app) == []
    with app.app_context():
        assert db.session.scalar(select(func.count(AnnouncementRead.id))) == 0
    assert ketua.get(f"/pengumuman/{a_id}").status_code == 404


def test_the_printable_notice_has_the_text_and_a_qr_code_to_it(app, world, as_user):
    a_id = publish(app, world, body="Kerja bakti Minggu 07.00")
    ketua = as_user(world["pengurus_a"])
    poster = ketua.get(f"/pengumuman/{a_id}/poster")
    assert poster.status_code == 200
    text = said(poster)
    assert "Kerja bakti Minggu 07.00" in text and f"/pengumuman/{a_id}" in text
    assert f'src="/pengumuman/{a_id}/qr.svg"' in poster.get_data(as_text=True)
    qr = ketua.get(f"/pengumuman/{a_id}/qr.svg")
    assert qr.mimetype == "image/svg+xml" and b"<svg" in qr.data


def whatsapp_text_of(page: str) -> str:
    link = re.search(r'href="(https://wa\.me/\?text=[^"]+)"', page).group(1)
    return unquote(html.unescape(link).removeprefix("https://wa.me/?text="))


def test_the_whatsapp_share_is_the_formatted_text_with_the_link(app, world, as_user):
    a_id = publish(app, world, body="Kerja bakti diundur ke Minggu")
    page = as_user(world["resident_a"]).get(f"/pengumuman/{a_id}").get_data(as_text=True)
    assert whatsapp_text_of(page) == (
        "*Pengumuman RT 01 / RW 01*\n\nKerja bakti diundur ke Minggu\n\n"
        f"Baca di Rukun: http://localhost/pengumuman/{a_id}"
    )


def test_the_whatsapp_share_says_until_when_in_wita(app, world, as_user, pinned_clock):
    ends = datetime(2026, 12, 5, 23, 0, tzinfo=UTC)  # Minggu 6 Desember, 07.00 WITA
    a_id = publish(app, world, body="Iuran sampah", expires_at=ends)
    page = as_user(world["resident_a"]).get(f"/pengumuman/{a_id}").get_data(as_text=True)
    assert "\nBerlaku sampai Minggu, 6 Desember 2026 · 07.00 WITA\n" in whatsapp_text_of(page)


# --- the home feed's cost ------------------------------------------------------------------


def home_statements(app, client) -> list[str]:
    client.get("/")
    with counting(app) as statements:
        assert client.get("/").status_code == 200
    return [s for s in statements if not s.lstrip().upper().startswith(("BEGIN", "PRAGMA"))]


def test_the_home_feed_makes_one_statement_more_whatever_the_number_of_announcements(
    app, world, as_user
):
    siti = as_user(world["resident_a"])
    none = home_statements(app, siti)
    for n in range(6):
        publish(app, world, body=f"Info {n}", scope=("rt_a", "rw", "kelurahan")[n % 3],
                author=("pengurus_a", "ketua_rw", "admin_kelurahan")[n % 3])  # fmt: skip
    many = home_statements(app, siti)
    assert len(many) == len(none), "\n".join(many)
    assert sum("announcement" in s for s in many) == 1, "the home feed's one statement"


# --- flooding and the second language -----------------------------------------------------


@pytest.mark.parametrize(
    "app_config",
    [{"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://",
      "ANNOUNCE_LIMIT": "2 per minute"}],
    indirect=True,
)  # fmt: skip
def test_posting_is_rate_limited_per_author(app, world, as_user):
    ketua = as_user(world["pengurus_a"])
    tries = [
        submit_announcement(
            ketua, NEW, {"scope": str(world.rt_a.id), "body": f"Info {n}"}
        ).status_code
        for n in range(3)
    ]
    assert tries == [303, 303, 429]
    assert len(announcement_rows(app)) == 2
    assert as_user(world["ketua_rw"]).get(NEW).status_code == 200  # only POSTs count, per author


def test_the_page_speaks_english_too(app, world, as_user):
    a_id = publish(app, world)
    ketua = as_user(world["pengurus_a"])
    post_form(ketua, "/bahasa", {"language": "en"})
    page = said(ketua.get(f"/pengumuman/{a_id}"))
    assert "Read by 1 of 2 residents" in page and "Manage the announcement" in page
    assert "Announcements" in said(ketua.get("/pengumuman"))
