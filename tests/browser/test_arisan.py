"""One arisan round on a phone (360 px, #15): Ani creates her RT's arisan with two
neighbours (she runs it and keeps its book), marks each contribution Lunas, starts the draw
and sees the winner announced; the round page shows the seed and how to check it."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from community.core.time import WITA, utcnow
from tests.browser.conftest import PASSWORD, check_page, sign_in


def _make_arisan(page, name: str, members, *, fixed_order: bool = False) -> None:
    """Fill and send the new-arisan form as its maker would: Rp50.000, first meeting a week
    from today at 19.30 WITA at Bu Ani's, with ``members`` ticked."""
    page.goto("/arisan/baru")
    page.get_by_label("Nama arisan").fill(name)
    page.get_by_label("Iuran per putaran (Rp)").fill("50.000")
    meeting = (utcnow().astimezone(WITA) + timedelta(days=7)).date()
    page.get_by_label("Tanggal pertemuan pertama").fill(meeting.isoformat())
    page.get_by_label("Jam (WITA)").fill("19:30")
    page.get_by_label("Tempat").fill("Rumah Bu Ani")
    for member in members:
        page.get_by_label(member, exact=True).check()
    if fixed_order:
        page.get_by_label("Urutan tetap, tanpa kocokan").check()
    page.get_by_role("button", name="Buat arisan").click()


def test_a_round_marks_payments_draws_and_shows_the_winner(open_context, make_account,
                                                           screenshot):  # fmt: skip
    ani = make_account("Ani Arisan", rt="RT 01 / RW 01")
    make_account("Dewi Arisan", rt="RT 01 / RW 01")
    make_account("Eko Arisan", rt="RT 01 / RW 01")
    page = sign_in(open_context("phone").new_page(), ani.phone, PASSWORD)

    page.goto("/arisan/baru")
    check_page(page, "arisan-baru")
    page.get_by_label("Nama arisan").fill("Arisan Ibu-ibu Uji")
    page.get_by_label("Iuran per putaran (Rp)").fill("Rp 50.000")
    page.get_by_label("Jadwal", exact=True).select_option("mingguan")
    meeting = (utcnow().astimezone(WITA) + timedelta(days=7)).date()
    page.get_by_label("Tanggal pertemuan pertama").fill(meeting.isoformat())
    page.get_by_label("Jam (WITA)").fill("19:30")
    page.get_by_label("Tempat").fill("Rumah Bu Ani")
    for name in ("Dewi Arisan", "Eko Arisan"):
        page.get_by_label(name, exact=True).check()
    expect(page.get_by_label("Ani Arisan", exact=True)).to_be_checked()  # she takes part
    page.get_by_role("button", name="Buat arisan").click()

    expect(page.get_by_role("heading", name="Arisan Ibu-ibu Uji")).to_be_visible()
    expect(page.get_by_text("RT 01 / RW 01", exact=False).first).to_be_visible()  # her RT
    expect(page.locator(".arisan-slot .badge-belum")).to_have_count(3)
    check_page(page, "arisan-grup")
    for name in ("Ani Arisan", "Dewi Arisan", "Eko Arisan"):
        page.get_by_role("button", name=f"Tandai lunas ({name})").click()
        expect(page.locator(".arisan-slot", has_text=name).locator(".badge-lunas")).to_be_visible()
    expect(page.locator(".arisan-facts")).to_contain_text("Rp150.000 · 3 dari 3 nama lunas")
    screenshot(page, "semua-lunas")

    page.get_by_role("button", name="Mulai kocokan").click()
    status = page.get_by_role("status").filter(has_text="Pemenang")
    expect(status).to_contain_text("Arisan")  # one of the three names
    expect(page.get_by_role("button", name="Mulai kocokan")).to_have_count(0)
    winner = page.locator(".arisan-slot.is-winner .arisan-slot-name").inner_text()
    expect(status).to_contain_text(winner)
    page.get_by_text("Cara memeriksa kocokan").click()
    expect(page.locator(".arisan-log")).to_contain_text("Kode rahasia (dibuka setelah kocokan)")
    check_page(page, "arisan-putaran")
    screenshot(page, "pemenang")


def _jpeg() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (320, 240), "teal").save(out, "JPEG")
    return out.getvalue()


def test_a_member_reports_a_transfer_and_the_bendahara_approves_it(open_context, make_account,
                                                                   screenshot):  # fmt: skip
    """Dewi sends "Sudah transfer" with a photo of her receipt from her phone; Ani, who
    keeps the book, sees it waiting, opens nothing else and approves it: Dewi is Lunas."""
    ani = make_account("Ani Bendahara", rt="RT 01 / RW 01")
    dewi = make_account("Dewi Transfer", rt="RT 01 / RW 01")
    page = sign_in(open_context("phone").new_page(), ani.phone, PASSWORD)
    _make_arisan(page, "Arisan Transfer Uji", ["Dewi Transfer"])
    expect(page.get_by_role("heading", name="Arisan Transfer Uji")).to_be_visible()
    round_url = page.url.split("#")[0].rstrip("/") + "/putaran/1"

    member = sign_in(open_context("phone").new_page(), dewi.phone, PASSWORD)
    member.goto(round_url)
    member.get_by_text("Sudah transfer?").click()
    member.get_by_label("Cara bayar").select_option("qris")
    member.get_by_label("Foto bukti transfer").set_input_files(
        {"name": "bukti.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()}
    )
    check_page(member, "arisan-lapor-transfer")
    member.get_by_role("button", name="Kirim laporan transfer").click()
    expect(
        member.get_by_role("status").filter(has_text="Laporan transfer terkirim")
    ).to_be_visible()
    expect(member.get_by_text("Laporan transfer Anda menunggu dicek bendahara.")).to_be_visible()
    screenshot(member, "laporan-terkirim")

    page.goto(round_url)
    expect(page.get_by_role("heading", name="Laporan transfer menunggu dicek")).to_be_visible()
    expect(page.get_by_role("link", name="Lihat bukti transfer (Dewi Transfer)")).to_be_visible()
    check_page(page, "arisan-laporan-menunggu")
    page.get_by_role("button", name="Setujui (Dewi Transfer)").click()
    expect(page.get_by_role("status").filter(has_text="tercatat lunas")).to_be_visible()
    slot = page.locator(".arisan-slot", has_text="Dewi Transfer")
    expect(slot.locator(".badge-lunas")).to_be_visible()
    screenshot(page, "laporan-disetujui")


def test_the_bendahara_records_a_fine_and_the_pengelola_chooses_the_host(
    open_context, make_account, screenshot
):
    """Ani (pengelola and bendahara) records a Rp5.000 denda for Dewi, who paid late, and
    chooses Eko to host the meeting."""
    ani = make_account("Ani Denda", rt="RT 01 / RW 01")
    make_account("Dewi Telat", rt="RT 01 / RW 01")
    make_account("Eko Tuan Rumah", rt="RT 01 / RW 01")
    page = sign_in(open_context("phone").new_page(), ani.phone, PASSWORD)
    _make_arisan(page, "Arisan Denda Uji", ("Dewi Telat", "Eko Tuan Rumah"))
    expect(page.get_by_role("heading", name="Arisan Denda Uji")).to_be_visible()

    page.get_by_label("Tuan rumah").select_option(label="Eko Tuan Rumah")
    page.get_by_role("button", name="Simpan tuan rumah").click()
    expect(page.get_by_role("status").filter(has_text="Tuan rumah tercatat")).to_be_visible()
    expect(page.locator(".arisan-facts")).to_contain_text("Eko Tuan Rumah")

    slot = page.locator(".arisan-slot", has_text="Dewi Telat")
    slot.get_by_text("Catat denda").click()
    slot.get_by_label("Denda keterlambatan (Rp)").fill("5.000")
    slot.get_by_label("Keterangan (tidak wajib)").fill("Telat dua hari")
    check_page(page, "arisan-denda")
    slot.get_by_role("button", name="Simpan denda (Dewi Telat)").click()
    expect(page.get_by_role("status").filter(has_text="Denda tercatat")).to_be_visible()
    slot = page.locator(".arisan-slot", has_text="Dewi Telat")
    expect(slot.locator(".arisan-fine")).to_contain_text("Rp5.000")
    check_page(page, "arisan-denda-tercatat")
    screenshot(page, "denda-tercatat")


def test_the_pengelola_dissolves_and_sees_the_balik_modal(open_context, make_account,
                                                          screenshot):  # fmt: skip
    """Ani marks both contributions, then dissolves the arisan before any draw: each name
    gets its Rp50.000 back."""
    ani = make_account("Ani Bubar", rt="RT 01 / RW 01")
    make_account("Dewi Bubar", rt="RT 01 / RW 01")
    page = sign_in(open_context("phone").new_page(), ani.phone, PASSWORD)
    _make_arisan(page, "Arisan Bubar Uji", ["Dewi Bubar"])
    expect(page.get_by_role("heading", name="Arisan Bubar Uji")).to_be_visible()
    for name in ("Ani Bubar", "Dewi Bubar"):
        page.get_by_role("button", name=f"Tandai lunas ({name})").click()
        expect(page.locator(".arisan-slot", has_text=name).locator(".badge-lunas")).to_be_visible()

    page.get_by_text("Bubarkan arisan", exact=True).first.click()
    expect(page.locator(".arisan-dissolve")).to_contain_text("dikembalikan Rp50.000")
    page.get_by_label("Saya mengerti").check()
    check_page(page, "arisan-bubarkan")
    page.get_by_role("button", name="Bubarkan arisan").click()
    expect(page.get_by_role("status").filter(has_text="Arisan dibubarkan")).to_be_visible()
    expect(page.get_by_text("Arisan ini sudah dibubarkan")).to_be_visible()
    table = page.locator("#balik-modal table")
    expect(table).to_contain_text("Dewi Bubar")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(page.get_by_role("button", name="Mulai kocokan")).to_have_count(0)
    check_page(page, "arisan-dibubarkan")
    screenshot(page, "balik-modal")


def test_a_fixed_order_group_records_whose_turn_it_is(open_context, make_account, screenshot):
    """Ani makes an arisan with a fixed order: no draw; she records the order the members
    agreed (Dewi first), and at the meeting the turn form comes preset to Dewi: the round
    shows Dewi as its recipient."""
    ani = make_account("Ani Urut", rt="RT 01 / RW 01")
    make_account("Dewi Urut", rt="RT 01 / RW 01")
    page = sign_in(open_context("phone").new_page(), ani.phone, PASSWORD)
    _make_arisan(page, "Arisan Urut Uji", ["Dewi Urut"], fixed_order=True)
    expect(page.get_by_role("heading", name="Arisan Urut Uji")).to_be_visible()
    expect(page.get_by_role("button", name="Mulai kocokan")).to_have_count(0)
    check_page(page, "arisan-urutan-tetap")

    # the members agreed: Dewi first, then Ani; the pengelola records it once
    page.get_by_role("link", name="Atur urutan giliran").click()
    page.get_by_label("Dewi Urut").select_option("1")
    page.get_by_label("Ani Urut").select_option("2")
    check_page(page, "arisan-atur-urutan")
    page.get_by_role("button", name="Simpan urutan").click()
    expect(page.get_by_role("status").filter(has_text="Urutan giliran disimpan.")).to_be_visible()
    expect(page.locator("ol.arisan-order li").first).to_have_text("Dewi Urut")
    # the agreed order says whose turn it is: the form comes preset
    turn = page.get_by_label("Giliran putaran ini")
    expect(turn.locator("option:checked")).to_have_text("1. Dewi Urut")
    page.get_by_role("button", name="Catat giliran").click()
    status = page.get_by_role("status").filter(has_text="Pemenang")
    expect(status).to_contain_text("Dewi Urut")
    expect(page.locator(".arisan-log")).to_contain_text("Giliran menurut urutan tetap")
    check_page(page, "arisan-giliran")
    screenshot(page, "giliran")
