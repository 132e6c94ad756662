"""The RT page's member actions and the profile's private needs at 360 px: the ketua RT
gives a resident who forgot their password a reset code, the resident sets a new password
with it and signs in; the ketua RT takes a member who moved away out of the RT; a resident
shares their needs with their pengurus only with consent, and unticking consent erases them."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlalchemy import select

from community.accounts.models import User
from community.extensions import db
from tests.browser.conftest import check_page, sign_in

NEW_PASSWORD = "pohon-mangga-di-gang-tiga"


def _member_actions(page: Page, name: str):
    row = page.locator(".rows li").filter(has_text=name)
    row.get_by_text(f"Tindakan untuk {name}").click()  # the <summary> opens the actions
    return row


def test_a_reset_code_from_the_ketua_rt_lets_a_resident_back_in(
    phone: Page, open_context, make_account, sign_in_as, wilayah_paths, screenshot
):
    forgetful = make_account("Bu Lupa Sandi", rt="RT 01 / RW 01")
    ketua = phone
    sign_in_as.ketua_rt(ketua)
    ketua.goto(wilayah_paths["rt"])
    _member_actions(ketua, forgetful.name).get_by_role(
        "button", name="Buat kode reset kata sandi"
    ).click()
    shown = ketua.get_by_role("status").filter(has_text="Kode reset untuk Bu Lupa Sandi")
    expect(shown).to_be_visible()
    code = shown.locator(".big-code").inner_text().strip()
    check_page(ketua, "rt-reset-code")
    screenshot(ketua, "reset-code")

    resident = open_context("phone").new_page()
    resident.goto("/masuk")
    resident.get_by_role("link", name="Lupa kata sandi?").click()
    resident.get_by_label("Nomor HP").fill(forgetful.phone)
    resident.get_by_label("Kode reset dari pengurus RT").fill(code)
    resident.get_by_label("Kata sandi baru").fill(NEW_PASSWORD)
    resident.get_by_role("button", name="Ganti kata sandi").click()
    expect(
        resident.get_by_role("status").filter(has_text="Kata sandi sudah diganti.")
    ).to_contain_text("Kata sandi sudah diganti.")
    sign_in(resident, forgetful.phone, NEW_PASSWORD)  # fails with the page's error if refused


def test_the_ketua_rt_takes_a_member_who_moved_out_of_the_rt(
    phone: Page, live_server, make_account, sign_in_as, wilayah_paths, screenshot
):
    moved = make_account("Pak Pindah Rumah", rt="RT 01 / RW 01")
    ketua = phone
    sign_in_as.ketua_rt(ketua)
    ketua.goto(wilayah_paths["rt"])
    _member_actions(ketua, moved.name).get_by_role("button", name="Keluarkan dari RT").click()
    expect(ketua.locator(".flashes")).to_contain_text("Pak Pindah Rumah sudah dikeluarkan dari")
    expect(ketua.locator(".rows li").filter(has_text=moved.name)).to_have_count(0)
    still_in = live_server.query(
        lambda: db.session.scalar(select(User.rt_id).where(User.name == moved.name))
    )
    assert still_in is None  # no RT any more: the join page waits for them
    screenshot(ketua, "member-removed")


def test_needs_are_kept_only_with_consent_and_erased_when_it_is_withdrawn(
    phone: Page, live_server, make_account, screenshot
):
    siti = make_account("Bu Kursi Roda", rt="RT 01 / RW 01")
    page = sign_in(phone, siti.phone, siti.password)

    def has_needs() -> bool:
        return db.session.scalar(select(User).where(User.phone.endswith(siti.phone[-4:]),
                                                    User.name == siti.name)).has_needs  # fmt: skip

    page.goto("/profil")
    page.get_by_label("Saya memakai kursi roda").check()
    page.get_by_role("button", name="Simpan", exact=True).click()
    expect(page.locator(".error").first).to_be_visible()  # no consent: refused, said why
    check_page(page, "profile-needs-refused")
    assert not live_server.query(has_needs)

    page.get_by_label("Saya memakai kursi roda").check()
    page.get_by_label("Saya setuju data kebutuhan ini disimpan untuk pengurus RT").check()
    page.get_by_role("button", name="Simpan", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Profil tersimpan.")).to_contain_text(
        "Profil tersimpan."
    )
    expect(page.get_by_label("Saya memakai kursi roda")).to_be_checked()
    assert live_server.query(has_needs)
    screenshot(page, "profile-needs-kept")

    # Unticking consent alone erases every need, as the hint under it promises.
    page.get_by_label("Saya setuju data kebutuhan ini disimpan untuk pengurus RT").uncheck()
    page.get_by_role("button", name="Simpan", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Profil tersimpan.")).to_contain_text(
        "Profil tersimpan."
    )
    expect(page.get_by_label("Saya memakai kursi roda")).not_to_be_checked()
    assert not live_server.query(has_needs)
