"""Two residents of one RW on their phones (360 px) write to each other (#13): one starts
from the Tetangga list, the other sees the unread badge, and each sees the other's replies
appear without reloading the page. No phone number is shown anywhere on the way."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, check_page, sign_in

# The page asks every 4 s, then 8, 15 and 30 s while nothing comes: a reply shows within
# one step of the back-off.
ARRIVES_MS = 20_000


def test_two_neighbours_exchange_messages_without_reloading(open_context, make_account,
                                                            screenshot):  # fmt: skip
    ani = make_account("Ani Pesan", rt="RT 01 / RW 01")
    bima = make_account("Bima Pesan", rt="RT 01 / RW 01")
    ani_phone = sign_in(open_context("phone").new_page(), ani.phone, PASSWORD)
    bima_phone = sign_in(open_context("phone").new_page(), bima.phone, PASSWORD)

    # Ani starts from Bima's name on the Tetangga list.
    ani_phone.goto("/tetangga")
    row = ani_phone.locator("li", has=ani_phone.get_by_text("Bima Pesan", exact=True))
    row.get_by_role("button", name="Kirim pesan kepada Bima Pesan").click()
    expect(ani_phone.get_by_role("heading", name="Pesan dengan Bima Pesan")).to_be_visible()
    ani_phone.get_by_label("Tulis pesan").fill("Pak Bima, besok saya bawa gerobak.")
    ani_phone.get_by_role("button", name="Kirim", exact=True).click()
    expect(ani_phone.locator("#message-list .message-mine")).to_contain_text("bawa gerobak")
    expect(ani_phone.get_by_label("Tulis pesan")).to_have_value("")  # cleared by htmx
    check_page(ani_phone, "conversation")

    # Bima sees the badge, the list, and opens the conversation.
    bima_phone.goto("/")
    nav = bima_phone.get_by_role("navigation", name="Menu utama")
    pesan = nav.get_by_role("link", name="Pesan (1 pesan belum dibaca)")
    expect(pesan).to_be_visible()
    pesan.click()
    expect(bima_phone.locator(".conversation")).to_contain_text("Ani Pesan")
    check_page(bima_phone, "conversation-list")
    bima_phone.get_by_role("link", name="Ani Pesan").click()
    expect(bima_phone.locator("#message-list")).to_contain_text("besok saya bawa gerobak")
    expect(nav.get_by_role("link", name="Pesan", exact=True)).to_be_visible()  # read: no number

    # Bima replies; Ani's open page shows it without a reload, and back again.
    url_before = ani_phone.url
    bima_phone.get_by_label("Tulis pesan").fill("Siap, saya bawa cangkul dua.")
    bima_phone.get_by_role("button", name="Kirim", exact=True).click()
    expect(ani_phone.locator("#message-list")).to_contain_text("cangkul dua", timeout=ARRIVES_MS)
    ani_phone.get_by_label("Tulis pesan").fill("Terima kasih, Pak.")
    ani_phone.get_by_role("button", name="Kirim", exact=True).click()
    expect(bima_phone.locator("#message-list")).to_contain_text("Terima kasih, Pak.",
                                                                timeout=ARRIVES_MS)  # fmt: skip
    assert ani_phone.url == url_before
    for page in (ani_phone, bima_phone):
        expect(page.locator("#message-list .message")).to_have_count(3)  # none twice
        html = page.content()
        assert ani.phone not in html and bima.phone not in html
        assert ani.phone.removeprefix("+62") not in html
    screenshot(ani_phone, "ani")
    screenshot(bima_phone, "bima")


def test_a_deleted_message_turns_to_pesan_dihapus_on_the_other_phone_and_a_block_stops_writing(
    open_context, make_account, screenshot, watcher
):
    citra = make_account("Citra Hapus", rt="RT 01 / RW 01")
    dodi = make_account("Dodi Blokir", rt="RT 01 / RW 01")
    citra_phone = sign_in(open_context("phone").new_page(), citra.phone, PASSWORD)
    dodi_phone = sign_in(open_context("phone").new_page(), dodi.phone, PASSWORD)

    citra_phone.goto("/tetangga")
    row = citra_phone.locator("li", has=citra_phone.get_by_text("Dodi Blokir", exact=True))
    row.get_by_role("button", name="Kirim pesan kepada Dodi Blokir").click()
    citra_phone.get_by_label("Tulis pesan").fill("Nomor rekening saya salah ketik")
    citra_phone.get_by_role("button", name="Kirim", exact=True).click()
    mine = citra_phone.locator("#message-list .message-mine")
    expect(mine).to_contain_text("salah ketik")
    dodi_phone.goto(citra_phone.url)
    expect(dodi_phone.locator("#message-list")).to_contain_text("salah ketik")

    # Citra deletes it; Dodi's open page shows "pesan dihapus" without a reload.
    mine.get_by_role("button", name="Hapus pesan ini").click()
    expect(mine).to_contain_text("pesan dihapus")
    expect(dodi_phone.locator("#message-list .message-deleted")).to_contain_text(
        "pesan dihapus", timeout=ARRIVES_MS
    )
    expect(dodi_phone.locator("#message-list")).not_to_contain_text("salah ketik")

    # Dodi hides this conversation on his lock screen, then blocks Citra.
    dodi_phone.get_by_role("button", name="Sembunyikan nama dan isi pesan").click()
    expect(dodi_phone.get_by_role("button", name="Tampilkan nama dan isi pesan")).to_be_visible()
    dodi_phone.get_by_role("button", name="Blokir Citra Hapus").click()
    expect(dodi_phone.locator("main")).to_contain_text("Citra Hapus diblokir")
    check_page(dodi_phone, "blocked")

    citra_phone.reload()
    citra_phone.get_by_label("Tulis pesan").fill("Halo?")
    citra_phone.get_by_role("button", name="Kirim", exact=True).click()
    expect(citra_phone.locator("#send-form")).to_contain_text(
        "Warga ini tidak menerima pesan dari Anda."
    )
    assert watcher.take(r"HTTP 422 .*/pesan/\d+$")  # the refusal, said in the form
    screenshot(citra_phone, "refused-after-block")

    # Dodi lifts the block from his conversation list; Citra can write again.
    dodi_phone.goto("/pesan")
    dodi_phone.get_by_role("button", name="Buka blokir").first.click()
    expect(dodi_phone.locator("main")).to_contain_text("Blokir dibuka.")
    citra_phone.get_by_role("button", name="Kirim", exact=True).click()
    expect(citra_phone.locator("#message-list .message-mine").last).to_contain_text("Halo?")
