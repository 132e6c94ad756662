"""The accessibility gate: axe (WCAG 2.0/2.1 A + AA) and no sideways scrolling at 360 px,
on every page, logged out and as each demo role."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import check_page


@dataclass(frozen=True)
class Visit:
    role: str | None  # a demo role (see conftest.ROLE_LABELS), None = signed out
    path: str  # may name {rt}, {rt2}, {rw}, {kelurahan}, {kota} (see wilayah_paths)
    status: int = 200
    then: Callable[[Page], None] | None = None  # an action before the check


def _submit_empty_registration(page: Page) -> None:
    page.get_by_role("button", name="Daftar", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Ada isian yang perlu diperbaiki")


def _submit_unknown_invite_code(page: Page) -> None:
    page.get_by_label("Kode undangan").fill("SALAH-KODE1")
    page.get_by_role("button", name="Kirim permintaan bergabung").click()
    expect(page.get_by_role("alert")).to_contain_text("Kode undangan tidak dikenal")


def _open_member_actions(page: Page) -> None:
    page.locator("details.row-actions summary").first.click()


VISITS = {
    "welcome": Visit(None, "/"),
    "masuk": Visit(None, "/masuk"),
    "daftar": Visit(None, "/daftar"),
    "lupa-sandi": Visit(None, "/lupa-sandi"),
    "daftar-with-errors": Visit(None, "/daftar", then=_submit_empty_registration),
    "not-found": Visit(None, "/tidak-ada", status=404),
    "waiting": Visit("pending", "/"),
    "gabung": Visit("pending", "/gabung"),
    "gabung-with-errors": Visit("pending", "/gabung", then=_submit_unknown_invite_code),
    "gabung-bad-link": Visit("pending", "/gabung/SALAHKODE1", status=404),
    "home-resident": Visit("resident", "/"),
    "profil-resident": Visit("resident", "/profil"),
    "notifikasi-resident": Visit("resident", "/profil/notifikasi"),
    "offline-page": Visit(None, "/offline"),
    "tetangga-resident": Visit("resident", "/tetangga"),
    "kota-forbidden-for-resident": Visit("resident", "{kota}", status=403),
    "other-rt-hidden-from-resident": Visit("resident", "{rt2}", status=404),
    "home-ketua-rt": Visit("ketua_rt", "/"),
    "rt-ketua-rt": Visit("ketua_rt", "{rt}"),
    "rt-ketua-rt-member-actions": Visit("ketua_rt", "{rt}", then=_open_member_actions),
    "tetangga-ketua-rt": Visit("ketua_rt", "/tetangga"),
    "poster": Visit("ketua_rt", "{rt}/poster"),
    "rt-sekretaris": Visit("sekretaris", "{rt}"),
    "rw-ketua-rw": Visit("ketua_rw", "{rw}"),
    "home-admin-kelurahan": Visit("admin_kelurahan", "/"),
    "kelurahan-admin-kelurahan": Visit("admin_kelurahan", "{kelurahan}"),
    "kota-admin-kota": Visit("admin_kota", "{kota}"),
}


ROLES = list(dict.fromkeys(visit.role for visit in VISITS.values()))


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role or "signed-out")
def test_pages_are_accessible_on_a_phone(role, phone, wilayah_paths, sign_in_as):
    """Signs in once per role, visits that role's pages, and reports every failing page."""
    page: Page = phone
    if role:
        sign_in_as.role(role, page)
    failures = []
    for name, visit in VISITS.items():
        if visit.role != role:
            continue
        try:
            response = page.goto(visit.path.format(**wilayah_paths))
            assert response is not None and response.status == visit.status, (
                f"{visit.path}: HTTP {response and response.status}, expected {visit.status}"
            )
            expect(page.get_by_role("heading", level=1)).to_have_count(1)
            if visit.then:
                visit.then(page)
            check_page(page, name)
        except AssertionError as exc:
            failures.append(f"[{name}] {exc}")
    assert not failures, "\n\n".join(failures)
