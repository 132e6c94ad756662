"""Musyawarah on a phone (360 px, #16): a resident proposes, three neighbours support it
with the Dukung button, the ketua RT discusses and forwards it to the RW; the ketua makes a
ranking poll, residents rank their priorities, and once it closes the page shows the Borda
result with turnout."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from community.areas.models import Role
from community.core.time import WITA, utcnow
from community.extensions import db
from community.musyawarah.models import Poll
from tests.browser.conftest import PASSWORD, check_page, sign_in
from tests.browser.test_announcements import _photo


def test_a_proposal_is_supported_and_forwarded_and_a_ranking_poll_shows_its_result(
    open_context, make_account, live_server, screenshot
):
    rt = "RT 01 / RW 01"
    nur = make_account("Nur Pengusul", rt=rt)
    neighbours = [make_account(f"Tetangga Dukung {n}", rt=rt) for n in range(3)]
    # A sekretaris: a second ketua would replace the demo ketua RT other tests sign in as.
    ketua = make_account("Sekretaris Musyawarah", rt=rt, role=Role.SEKRETARIS)

    page = sign_in(open_context("phone").new_page(), nur.phone, PASSWORD)
    page.goto("/musyawarah")
    check_page(page, "musyawarah")
    page.get_by_role("link", name="Buat usulan").click()
    check_page(page, "usulan-baru")
    page.get_by_label("Judul usulan").fill("Lampu jalan Gang Kenanga")
    page.get_by_label("Bidang").select_option("infrastruktur")
    page.get_by_label("Uraian").fill(
        "Gang Kenanga gelap setelah magrib.\nAnak-anak pulang mengaji."
    )
    page.get_by_label("Lokasi (tidak wajib)").fill("Gang Kenanga, depan musala")
    page.get_by_label("Foto (tidak wajib)").set_input_files(
        {"name": "gang.jpg", "mimeType": "image/jpeg", "buffer": _photo()}
    )
    page.get_by_role("button", name="Ajukan usulan").click()
    expect(page.get_by_role("heading", name="Lampu jalan Gang Kenanga")).to_be_visible()
    photo = page.get_by_role("img", name="Foto usulan: Lampu jalan Gang Kenanga")
    expect(photo).to_be_visible()  # served to its author, and decoded by the browser
    assert photo.evaluate("img => img.naturalWidth") > 0
    expect(page.locator("#support-panel")).to_contain_text("0 dukungan")
    proposal_url = page.url

    for neighbour in neighbours:
        other = sign_in(open_context("phone").new_page(), neighbour.phone, PASSWORD)
        other.goto(proposal_url)
        other.get_by_role("button", name="Dukung").click()  # htmx: the panel alone
        expect(other.get_by_role("button", name="Dukung")).to_have_attribute("aria-pressed", "true")
        other.context.close()
    page.reload()
    expect(page.locator("#support-panel")).to_contain_text("3 dukungan")
    check_page(page, "usulan")
    screenshot(page, "usulan-3-dukungan")

    pengurus = sign_in(open_context("phone").new_page(), ketua.phone, PASSWORD)
    pengurus.goto(proposal_url)
    pengurus.get_by_label("Status baru").select_option("dibahas")
    pengurus.get_by_role("button", name="Simpan status").click()
    expect(pengurus.locator(".flash")).to_contain_text("Status usulan diubah.")
    pengurus.get_by_label("Status baru").select_option("diteruskan")
    pengurus.get_by_role("button", name="Simpan status").click()
    history = pengurus.locator(".proposal-history")
    expect(history).to_contain_text("Diteruskan ke RW 01")
    expect(pengurus.locator("#support-panel")).to_contain_text("3 dukungan")
    check_page(pengurus, "usulan-diteruskan")
    screenshot(pengurus, "usulan-diteruskan")

    # a ranking poll
    pengurus.goto("/jajak/baru")
    check_page(pengurus, "jajak-baru")
    pengurus.get_by_label("Untuk warga").select_option(label="RT 01 / RW 01")
    pengurus.get_by_label("Pertanyaan").fill("Prioritas Musrenbang RT 01")
    pengurus.get_by_label("Pilihan, satu per baris").fill(
        "Drainase Gang Mawar\nLampu jalan Gang Kenanga\nPos kamling"
    )
    pengurus.get_by_label("Urutkan prioritas (N teratas)").check()
    pengurus.get_by_label("N: jumlah pilihan paling banyak").fill("2")
    closes = (utcnow().astimezone(WITA) + timedelta(days=3)).date()
    pengurus.get_by_label("Ditutup tanggal").fill(closes.isoformat())
    pengurus.get_by_role("button", name="Buat jajak pendapat").click()
    expect(pengurus.get_by_role("heading", name="Prioritas Musrenbang RT 01")).to_be_visible()
    poll_url = pengurus.url

    for voter, (first, second) in [
        (nur, ("Lampu jalan Gang Kenanga", "Drainase Gang Mawar")),
        (neighbours[0], ("Lampu jalan Gang Kenanga", "Pos kamling")),
        (neighbours[1], ("Drainase Gang Mawar", "Lampu jalan Gang Kenanga")),
    ]:
        ballot = sign_in(open_context("phone").new_page(), voter.phone, PASSWORD)
        ballot.goto(poll_url)
        ballot.get_by_label("Pilihan ke-1").select_option(label=first)
        ballot.get_by_label("Pilihan ke-2").select_option(label=second)
        if voter is nur:
            check_page(ballot, "jajak-pilih")
        ballot.get_by_role("button", name="Kirim pilihan").click()
        expect(ballot.locator(".flash")).to_contain_text("Suara Anda sudah tercatat.")
        expect(ballot.locator("#results-heading")).to_be_visible()
        expect(ballot.get_by_text("Hasil tampil setelah jajak pendapat ditutup.")).to_be_visible()
        ballot.context.close()

    poll_id = int(poll_url.rstrip("/").rsplit("/", 1)[1])

    def close_now() -> None:  # the closing time passes
        poll = db.session.scalar(select(Poll).where(Poll.id == poll_id))
        poll.opens_at = utcnow() - timedelta(days=2)
        poll.closes_at = utcnow() - timedelta(minutes=1)
        db.session.commit()

    live_server.query(close_now)
    pengurus.goto(poll_url)
    # Borda, 3 options: 2 and 1 points. Lampu 2+2+1 = 5, Drainase 1+2 = 3, Pos 1.
    expect(pengurus.get_by_role("status").filter(has_text="Terbanyak")).to_contain_text(
        "Lampu jalan Gang Kenanga"
    )
    rows = pengurus.locator(".poll-results tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Lampu jalan Gang Kenanga")
    expect(rows.nth(0)).to_contain_text("5")
    expect(rows.nth(1)).to_contain_text("Drainase Gang Mawar")
    expect(pengurus.get_by_text("Sudah ditutup")).to_be_visible()
    expect(pengurus.locator(".card", has_text="Hasil")).to_contain_text("3 dari")
    check_page(pengurus, "jajak-hasil")
    screenshot(pengurus, "jajak-hasil")


def test_the_organiser_writes_notulen_and_a_resident_reads_them(
    open_context, make_account, live_server, screenshot
):
    from community.accounts.models import User
    from community.areas.models import Wilayah
    from community.events import services as events
    from community.musyawarah import services as musyawarah

    rt = "RT 01 / RW 01"
    warga = make_account("Warga Pembaca Notulen", rt=rt)
    sekretaris = make_account("Sekretaris Notulen", rt=rt, role=Role.SEKRETARIS)
    rt_id = live_server.wilayah_id(rt, parent="RW 01")

    def held_meeting() -> tuple[int, int]:
        now = utcnow()
        by = db.session.scalar(select(User).where(User.name == "Sekretaris Notulen"))
        author = db.session.scalar(select(User).where(User.name == "Warga Pembaca Notulen"))
        node = db.session.get(Wilayah, rt_id)
        meeting = events.create_activity(
            node, by=by, now=now, kind="musyawarah", title="Musyawarah warga Desember",
            place="Balai RT", starts_at=now - timedelta(hours=2), ends_at=now - timedelta(hours=1),
        )  # fmt: skip
        proposal = musyawarah.propose(
            node, by=author, title="Tempat sampah Gang Melati", body="Sampah menumpuk.",
            category="sosial_budaya", location="", now=now,
        )  # fmt: skip
        db.session.commit()
        return meeting.id, proposal.id

    meeting_id, proposal_id = live_server.query(held_meeting)
    page = sign_in(open_context("phone").new_page(), sekretaris.phone, PASSWORD)
    page.goto(f"/kegiatan/{meeting_id}")
    page.get_by_role("link", name="Notulen musyawarah").click()
    page.get_by_role("link", name="Tulis notulen").click()
    check_page(page, "notulen-tulis")
    page.get_by_label("Notulen", exact=True).fill(
        "Hadir 18 warga.\nTempat sampah dibeli dari kas RT. Foto: https://example.org/kas"
    )
    page.get_by_label("Tempat sampah Gang Melati (Diajukan)").check()
    page.get_by_role("button", name="Simpan notulen").click()
    expect(page.locator(".flash")).to_contain_text("Notulen disimpan.")

    reader = sign_in(open_context("phone").new_page(), warga.phone, PASSWORD)
    reader.goto(f"/usulan/{proposal_id}")
    reader.get_by_role("link", name="Notulen: Musyawarah warga Desember").click()
    expect(reader.get_by_text("Hadir 18 warga.")).to_be_visible()
    expect(reader.get_by_role("link", name="https://example.org/kas")).to_be_visible()
    expect(reader.locator(".proposal-history")).to_contain_text("Sekretaris Notulen")
    expect(reader.get_by_role("link", name="Tulis notulen")).to_have_count(0)
    check_page(reader, "notulen")
    screenshot(reader, "notulen")


def test_the_musrenbang_export_prints_from_a_phone(open_context, make_account, screenshot):
    sekretaris = make_account("Sekretaris Musrenbang", rt="RT 01 / RW 01", role=Role.SEKRETARIS)
    page = sign_in(open_context("phone").new_page(), sekretaris.phone, PASSWORD)
    page.goto("/musyawarah")
    page.get_by_role("link", name="RT 01 / RW 01").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Usulan untuk Musrenbang")
    expect(page.get_by_role("link", name="Unduh CSV")).to_be_visible()
    check_page(page, "musrenbang")
    page.emulate_media(media="print")
    expect(page.get_by_role("link", name="Unduh CSV")).to_be_hidden()
    screenshot(page, "musrenbang-cetak")


def _sekretaris_and_open_poll(make_account, live_server, name: str, **poll):
    """A sekretaris of RT 01 / RW 01 and a poll of theirs open for two days, results live
    (so paper shows at once): ``(account, poll id)``."""
    from community.accounts.models import User
    from community.areas.models import Wilayah
    from community.musyawarah import services as musyawarah

    rt = "RT 01 / RW 01"
    sekretaris = make_account(name, rt=rt, role=Role.SEKRETARIS)
    rt_id = live_server.wilayah_id(rt, parent="RW 01")

    def open_poll() -> int:
        now = utcnow()
        by = db.session.scalar(select(User).where(User.name == name))
        made = musyawarah.create_poll(
            db.session.get(Wilayah, rt_id), by=by, description="", is_secret=False,
            shows_live=True, opens_at=now, closes_at=now + timedelta(days=2), now=now, **poll,
        )  # fmt: skip
        db.session.commit()
        return made.id

    return sekretaris, live_server.query(open_poll)


def test_the_pengurus_enters_paper_ballots_from_a_phone(
    open_context, make_account, live_server, screenshot
):
    sekretaris, poll_id = _sekretaris_and_open_poll(
        make_account, live_server, "Sekretaris Kertas", question="Hari kerja bakti Januari",
        kind="tunggal", options=["Sabtu pagi", "Minggu pagi"], max_choices=1,
    )  # fmt: skip
    page = sign_in(open_context("phone").new_page(), sekretaris.phone, PASSWORD)
    page.goto(f"/jajak/{poll_id}")
    page.get_by_role("link", name="Catat suara kertas").click()
    check_page(page, "jajak-kertas")
    page.get_by_label("Jumlah surat suara kertas").fill("6")
    page.get_by_label("Sabtu pagi").fill("2")
    page.get_by_label("Minggu pagi").fill("4")
    page.get_by_role("button", name="Simpan suara kertas").click()
    expect(page.locator(".flash")).to_contain_text("Suara kertas dicatat.")
    expect(page.get_by_text("Termasuk 6 surat suara kertas.")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Terbanyak")).to_contain_text("Minggu pagi")
    expect(page.locator("#paper-heading + ul")).to_contain_text("dicatat oleh Sekretaris Kertas")
    check_page(page, "jajak-hasil-kertas")
    screenshot(page, "jajak-hasil-kertas")


def test_residents_tick_times_and_the_organiser_makes_the_meeting(
    open_context, make_account, live_server, screenshot
):
    """Kapan musyawarah? The sekretaris proposes two evenings in WITA, a resident ticks the
    one she can attend, the sekretaris picks it and lands on the musyawarah activity."""
    from community.events.models import Activity

    rt = "RT 01 / RW 01"
    warga = make_account("Warga Jajak Waktu", rt=rt)
    sekretaris = make_account("Sekretaris Jajak Waktu", rt=rt, role=Role.SEKRETARIS)
    today = utcnow().astimezone(WITA).date()
    first, second = today + timedelta(days=5), today + timedelta(days=6)

    pengurus = sign_in(open_context("phone").new_page(), sekretaris.phone, PASSWORD)
    pengurus.goto("/musyawarah")
    pengurus.get_by_role("link", name="Kapan musyawarah?").click()
    check_page(pengurus, "jajak-waktu-baru")
    pengurus.get_by_label("Untuk warga").select_option(label=rt)
    pengurus.get_by_label("Judul musyawarah").fill("Musyawarah kerja bakti Januari")
    pengurus.get_by_label("Tempat").fill("Rumah Ketua RT")
    pengurus.get_by_label("Tanggal 1").fill(first.isoformat())
    pengurus.get_by_label("Jam 1 (WITA)").fill("19:30")
    pengurus.get_by_label("Tanggal 2").fill(second.isoformat())
    pengurus.get_by_label("Jam 2 (WITA)").fill("20:00")
    pengurus.get_by_role("button", name="Buat jajak waktu").click()
    expect(pengurus.get_by_role("heading", name="Musyawarah kerja bakti Januari")).to_be_visible()
    poll_url = pengurus.url

    page = sign_in(open_context("phone").new_page(), warga.phone, PASSWORD)
    page.goto(poll_url)
    page.get_by_label("20.00 WITA").check()
    check_page(page, "jajak-waktu-tandai")
    page.get_by_role("button", name="Simpan waktu saya").click()
    expect(page.locator(".flash")).to_contain_text("Waktu yang Anda bisa sudah tercatat.")
    rows = page.locator(".time-marks tbody tr")
    expect(rows.nth(1)).to_contain_text("20.00 WITA")
    expect(rows.nth(1)).to_contain_text("1")
    expect(rows.nth(1)).to_contain_text("Paling banyak bisa")
    screenshot(page, "jajak-waktu-tandai")

    pengurus.reload()
    pengurus.get_by_role("group", name="Waktu yang ditetapkan").get_by_label("20.00 WITA").check()
    check_page(pengurus, "jajak-waktu-tetapkan")
    pengurus.get_by_role("button", name="Tetapkan dan buat kegiatan").click()
    expect(pengurus.locator(".flash")).to_contain_text("Waktu musyawarah ditetapkan")
    expect(pengurus.get_by_role("heading", name="Musyawarah kerja bakti Januari")).to_be_visible()
    expect(pengurus).to_have_url(re.compile(r"/kegiatan/\d+$"))

    def made() -> tuple[str, int, int]:
        activity = db.session.scalar(
            select(Activity).where(Activity.title == "Musyawarah kerja bakti Januari")
        )
        wita = activity.starts_at.astimezone(WITA)
        return activity.kind, wita.day, wita.hour * 60 + wita.minute

    assert live_server.query(made) == ("musyawarah", second.day, 20 * 60)
    page.goto(poll_url)
    expect(page.get_by_role("status").filter(has_text="Waktu ditetapkan.")).to_be_visible()
    page.get_by_role("link", name="Lihat kegiatan musyawarah").click()
    expect(page.get_by_role("heading", name="Musyawarah kerja bakti Januari")).to_be_visible()
    check_page(page, "jajak-waktu-kegiatan")
    screenshot(page, "jajak-waktu-kegiatan")


def test_the_pengurus_enters_ranked_paper_ballots_order_by_order(
    open_context, make_account, live_server, screenshot
):
    """A ranking on paper from a phone: each order read out is entered with how many
    ballots carry it, the form stays for the next order, and the Borda points count."""
    sekretaris, poll_id = _sekretaris_and_open_poll(
        make_account, live_server, "Sekretaris Peringkat", question="Prioritas Musrenbang RT 01",
        kind="peringkat", options=["Drainase Gang Mawar", "Lampu jalan", "Pos kamling"],
        max_choices=2,
    )  # fmt: skip
    page = sign_in(open_context("phone").new_page(), sekretaris.phone, PASSWORD)
    page.goto(f"/jajak/{poll_id}")
    page.get_by_role("link", name="Catat suara kertas").click()
    expect(page.get_by_text("Sudah dicatat: 0 surat suara kertas.")).to_be_visible()
    check_page(page, "jajak-kertas-peringkat")
    page.get_by_label("Pilihan ke-1").select_option(label="Drainase Gang Mawar")
    page.get_by_label("Pilihan ke-2").select_option(label="Lampu jalan")
    page.get_by_label("Jumlah surat suara dengan urutan ini").fill("2")
    page.get_by_role("button", name="Simpan suara kertas").click()
    expect(page.locator(".flash")).to_contain_text("Dicatat: 2 surat suara.")
    expect(page.get_by_text("Sudah dicatat: 2 surat suara kertas.")).to_be_visible()
    # the form is fresh for the next ballot: nothing chosen, one ballot
    expect(page.get_by_label("Pilihan ke-1")).to_have_value("0")
    expect(page.get_by_label("Jumlah surat suara dengan urutan ini")).to_have_value("1")
    # a slip of the thumb: the same option twice is refused and nothing is added
    page.get_by_label("Pilihan ke-1").select_option(label="Pos kamling")
    page.get_by_label("Pilihan ke-2").select_option(label="Pos kamling")
    page.get_by_role("button", name="Simpan suara kertas").click()
    expect(
        page.get_by_text("Setiap pilihan hanya boleh muncul sekali dalam urutan.").first
    ).to_be_visible()
    expect(page.get_by_text("Sudah dicatat: 2 surat suara kertas.")).to_be_visible()
    check_page(page, "jajak-kertas-peringkat-salah")
    screenshot(page, "salah")
    page.get_by_label("Pilihan ke-2").select_option(label="— tidak dipilih —")
    page.get_by_role("button", name="Simpan suara kertas").click()
    expect(page.get_by_text("Sudah dicatat: 3 surat suara kertas.")).to_be_visible()
    page.get_by_role("link", name="Kembali ke jajak pendapat").click()
    # Drainase 2 x 2 = 4, Lampu 2 x 1 = 2, Pos kamling 1 x 2 = 2
    expect(page.get_by_text("Termasuk 3 surat suara kertas.")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Terbanyak")).to_contain_text(
        "Drainase Gang Mawar"
    )
    expect(page.locator("table.poll-results tbody tr").first).to_contain_text("4")
    check_page(page, "jajak-hasil-kertas-peringkat")
    # the two Drainase ballots were entered by mistake: withdrawn from the log on the phone
    page.get_by_role("button", name=re.compile(r"^Batalkan pencatatan 2 surat suara")).click()
    expect(page.locator(".flash")).to_contain_text(
        "Pencatatan 2 surat suara kertas dibatalkan; tidak dihitung lagi."
    )
    expect(page.locator("#paper-heading + ul del")).to_have_text("2 surat suara")
    expect(page.locator("#paper-heading + ul")).to_contain_text("Dibatalkan, tidak dihitung")
    expect(page.get_by_text("Termasuk 1 surat suara kertas.")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Terbanyak")).to_contain_text("Pos kamling")
    expect(page.get_by_role("button", name=re.compile(r"^Batalkan pencatatan"))).to_have_count(1)
    check_page(page, "jajak-kertas-dibatalkan")
    screenshot(page, "jajak-kertas-peringkat")
