"""The five screens issue #14 was about, as a Ketua RT sees them on a 360 x 740 phone:
Beranda, an activity, the create form, Peserta and Daftar Hadir. Each passes the page gate
(axe, no sideways scrolling) and its first screen is kept in
``test-artifacts/screenshots/phone-first/`` as ``after-<screen>.png``, beside the same
screens before the work (``before-<screen>.png``, made once at commit 92834be with this
test and kept in ``docs/screenshots/phone-first/``), so a reviewer compares them side by
side in the CI artefacts."""

from __future__ import annotations

import shutil

from playwright.sync_api import expect

from tests.browser.conftest import ROOT, SCREENSHOTS, check_page

SCREEN = {"width": 360, "height": 740}
SCREENS = ("beranda", "kegiatan", "buat-kegiatan", "peserta", "daftar-hadir")
BEFORE = ROOT / "docs" / "screenshots" / "phone-first"
OUT = SCREENSHOTS / "phone-first"


def test_the_five_phone_screens_pass_the_gate_and_are_kept_beside_the_before_set(
    open_context, sign_in_as
):
    page = open_context("phone", viewport=SCREEN).new_page()
    sign_in_as.ketua_rt(page)
    page.goto("/")
    first = page.locator(".activity-card h3 a").first
    expect(first).to_be_visible()
    activity = first.get_attribute("href")
    urls = {
        "beranda": "/",
        "kegiatan": activity,
        "buat-kegiatan": "/kegiatan/baru",
        "peserta": f"{activity}/peserta",
        "daftar-hadir": f"{activity}/daftar-hadir",
    }
    OUT.mkdir(parents=True, exist_ok=True)
    for name in SCREENS:
        response = page.goto(urls[name])
        assert response is not None and response.status == 200, name
        check_page(page, name)
        # The first screen only: what the phone shows before any scrolling.
        page.screenshot(path=str(OUT / f"after-{name}.png"), caret="initial")

    kept = sorted(path.name for path in BEFORE.glob("before-*.png"))
    assert kept == sorted(f"before-{name}.png" for name in SCREENS)
    for name in kept:
        shutil.copyfile(BEFORE / name, OUT / name)
    assert sorted(p.name for p in OUT.glob("*.png")) == sorted(
        [f"after-{n}.png" for n in SCREENS] + kept
    )
