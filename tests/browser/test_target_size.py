"""Every link and button a thumb can hit is at least 24 × 24 CSS px at 360 px (WCAG 2.2
target size, #14), on the pages residents and pengurus use most."""

from __future__ import annotations

from playwright.sync_api import Page

# Inline links inside a sentence are exempt in WCAG 2.5.8; none of these pages relies on it.
SMALL = """() => [...document.querySelectorAll('a[href], button, summary, input:not([type=hidden]), select')]
  .filter(el => el.offsetParent !== null && !el.closest('.visually-hidden'))
  .map(el => ({el, box: el.getBoundingClientRect()}))
  .filter(({box}) => box.height < 24 || box.width < 24)
  .map(({el, box}) => `${el.tagName.toLowerCase()} "${(el.innerText || el.value || el.name || '').trim().slice(0, 40)}" ${Math.round(box.width)}x${Math.round(box.height)}`)"""


def test_every_target_is_at_least_24_px(phone: Page, sign_in_as, wilayah_paths):
    page = sign_in_as.ketua_rt(phone)
    small = {}
    for path in (
        "/",
        "/kegiatan/lalu",
        "/profil",
        wilayah_paths["rt"],
        "/tetangga",
        "/profil/notifikasi",
    ):
        assert page.goto(path).status == 200, path
        found = page.evaluate(SMALL)
        if found:
            small[path] = found
    page.goto("/")
    page.locator(".activity-card h3 a").first.click()
    # measured once the activity page has loaded with its stylesheet: measured as soon as
    # the click navigated, every target came out at the browser's default size (seen once)
    page.wait_for_url("**/kegiatan/*")
    page.wait_for_load_state("load")
    found = page.evaluate(SMALL)
    if found:
        small["activity page"] = found
    assert not small, "\n".join(f"{path}: {items}" for path, items in small.items())
