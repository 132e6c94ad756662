"""Moderation on phones (360 px, #13): a resident reports a message, the ketua RT opens
/moderasi from the navigation, hides it with a reason, and its writer sees the reason; the
ketua then mutes the writer, whose next message is refused saying until when and why."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from community.areas.models import Role
from tests.browser.conftest import PASSWORD, check_page, sign_in
from tests.browser.test_kept_answers import _activity

SCAM = "Transfer dulu Rp500.000, nanti pulsanya saya kirim."


def test_report_hide_and_mute(open_context, make_account, screenshot, watcher):
    ani = make_account("Ani Pelapor", rt="RT 01 / RW 01")
    bima = make_account("Bima Penipu", rt="RT 01 / RW 01")
    # A sekretaris: a second ketua would replace the demo ketua RT other tests sign in as.
    ketua = make_account("Pak Sekretaris Moderasi", rt="RT 01 / RW 01", role=Role.SEKRETARIS)
    ani_phone = sign_in(open_context("phone").new_page(), ani.phone, PASSWORD)
    bima_phone = sign_in(open_context("phone").new_page(), bima.phone, PASSWORD)
    ketua_phone = sign_in(open_context("phone").new_page(), ketua.phone, PASSWORD)

    # Bima writes to Ani from the Tetangga list.
    bima_phone.goto("/tetangga")
    row = bima_phone.locator("li", has=bima_phone.get_by_text("Ani Pelapor", exact=True))
    row.get_by_role("button", name="Kirim pesan kepada Ani Pelapor").click()
    bima_phone.get_by_label("Tulis pesan").fill(SCAM)
    bima_phone.get_by_role("button", name="Kirim", exact=True).click()
    expect(bima_phone.locator("#message-list .message-mine")).to_contain_text("Transfer dulu")
    conversation = bima_phone.url

    # Ani reports it from the conversation.
    ani_phone.goto(conversation)
    ani_phone.get_by_role("link", name="Laporkan pesan ini").click()
    expect(ani_phone.get_by_role("heading", name="Laporkan pesan")).to_be_visible()
    expect(ani_phone.locator("blockquote")).to_contain_text("Transfer dulu")
    check_page(ani_phone, "report-form")
    ani_phone.get_by_label("Penipuan").check()
    ani_phone.get_by_label("Catatan untuk pengurus (boleh kosong)").fill("Minta transfer")
    ani_phone.get_by_role("button", name="Kirim laporan").click()
    expect(ani_phone.get_by_text("Laporan terkirim ke pengurus")).to_be_visible()
    screenshot(ani_phone, "reported")

    # The ketua RT opens /moderasi from "Lainnya" (pengurus work) and hides it with a reason.
    ketua_phone.goto("/")
    nav = ketua_phone.get_by_role("navigation", name="Menu utama")
    nav.get_by_role("link", name=re.compile(r"^Lainnya")).click()
    work = ketua_phone.get_by_role(
        "link", name=re.compile(r"Moderasi \(\d+ laporan belum ditangani\)")
    )
    work.click()
    card = ketua_phone.locator(".report", has=ketua_phone.get_by_text("Transfer dulu"))
    expect(card).to_contain_text("Penipuan")
    expect(card).to_contain_text("WITA")
    check_page(ketua_phone, "moderasi")
    card.get_by_label("Alasan menyembunyikan (dibaca penulisnya)").fill("Penipuan pulsa")
    card.get_by_role("button", name="Sembunyikan").click()
    expect(ketua_phone.get_by_text("Disembunyikan. Penulisnya melihat alasannya.")).to_be_visible()
    expect(ketua_phone.locator(".moderation-log")).to_contain_text("Bima Penipu")

    # Bima sees his message struck through with the reason; Ani sees only that it is hidden.
    bima_phone.goto(conversation)
    mine = bima_phone.locator("#message-list .message-mine")
    expect(mine.locator("s")).to_have_text(SCAM)
    expect(mine).to_contain_text("Disembunyikan oleh pengurus: Penipuan pulsa")
    check_page(bima_phone, "hidden-own")
    ani_phone.goto(conversation)
    expect(ani_phone.locator("#message-list")).to_contain_text("Disembunyikan oleh pengurus")
    expect(ani_phone.locator("#message-list")).not_to_contain_text("Transfer dulu")

    # The ketua mutes Bima for a day; his next message is refused with until when and why.
    ketua_phone.get_by_role("link", name="Bisukan Bima Penipu").first.click()
    expect(ketua_phone.get_by_role("heading", name="Bisukan Bima Penipu")).to_be_visible()
    check_page(ketua_phone, "mute-form")
    ketua_phone.get_by_label("1 hari").check()
    ketua_phone.get_by_label("Alasan (dibaca warga ini)").fill("Menipu tetangga")
    ketua_phone.get_by_role("button", name="Bisukan", exact=True).click()
    expect(ketua_phone.get_by_text("Bima Penipu dibisukan.")).to_be_visible()

    bima_phone.get_by_label("Tulis pesan").fill("Maaf, itu bercanda")
    bima_phone.get_by_role("button", name="Kirim", exact=True).click()
    refusal = bima_phone.locator("#send-form .error")
    expect(refusal).to_contain_text("Anda dibisukan oleh pengurus sampai")
    expect(refusal).to_contain_text("WITA: Menipu tetangga")
    expect(bima_phone.get_by_label("Tulis pesan")).to_have_value("Maaf, itu bercanda")
    assert watcher.take(r"broken xhr: HTTP 422 .*/pesan/\d+$")  # the refusal, as provoked
    check_page(bima_phone, "muted-refused")
    screenshot(bima_phone, "muted")
    ani_phone.reload()
    expect(ani_phone.locator("#message-list")).not_to_contain_text("bercanda")


def test_an_organiser_hides_a_comment_with_a_reason_from_the_activity_page(
    open_context, make_account, live_server, demo, sign_in_as
):
    """The activity page's "Sembunyikan" asks why (the writer reads it) and goes to the
    moderation log like a hide on /moderasi; "Tampilkan lagi" brings it back."""
    bima = make_account("Bima Berkomentar", rt="RT 01 / RW 01")
    ketua_phone = sign_in_as.ketua_rt(open_context("phone").new_page())
    bima_phone = sign_in(open_context("phone").new_page(), bima.phone, PASSWORD)
    activity = f"/kegiatan/{_activity(live_server, demo['ketua_rt'].phone, 'Arisan uji komentar')}"
    bima_phone.goto(activity)
    bima_phone.get_by_label("Tulis komentar").fill(SCAM)
    bima_phone.get_by_role("button", name="Kirim komentar").click()
    expect(bima_phone.locator("#comments")).to_contain_text("Transfer dulu")

    ketua_phone.goto(activity)
    comment = ketua_phone.locator("#comments li", has=ketua_phone.get_by_text(SCAM))
    comment.locator("summary").click()  # the disclosure opens the reason field
    comment.get_by_role("button", name="Sembunyikan komentar").click()
    expect(comment.locator(".error")).to_contain_text("Tulis alasannya")  # nothing hidden yet
    check_page(ketua_phone, "hide-comment-refused")
    comment.get_by_label("Alasan menyembunyikan (dibaca penulisnya)").fill("Penipuan pulsa")
    comment.get_by_role("button", name="Sembunyikan komentar").click()
    expect(
        ketua_phone.get_by_role("status").filter(has_text="Komentar disembunyikan")
    ).to_be_visible()

    bima_phone.reload()
    mine = bima_phone.locator("#comments li", has=bima_phone.locator("s"))
    expect(mine).to_contain_text("Disembunyikan oleh pengurus: Penipuan pulsa")
    ketua_phone.goto("/moderasi")
    expect(ketua_phone.locator(".moderation-log")).to_contain_text(
        "Bima Berkomentar: Penipuan pulsa"
    )

    ketua_phone.goto(activity)
    ketua_phone.get_by_role("button", name="Tampilkan lagi komentar Bima Berkomentar").click()
    expect(ketua_phone.get_by_role("status").filter(has_text="ditampilkan lagi")).to_be_visible()
    bima_phone.reload()
    expect(bima_phone.locator("#comments")).not_to_contain_text("Disembunyikan oleh pengurus")
