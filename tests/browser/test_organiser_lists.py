"""A big activity's lists at 360 px (#12): the ketua RT pages through the Daftar Hadir,
finds one name with the search and marks them, and searches the Peserta list, all
answered by the server 50 names at a time without reloading the page."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import select

from community.accounts.models import User
from community.areas.models import Wilayah
from community.core.time import utcnow
from community.events import answers, services
from community.extensions import db
from tests.browser.conftest import check_page


def _big_activity(live_server, ketua_phone: str, numbers_from: int = 0) -> int:
    """An RT 01 pelatihan far ahead (last in every feed) answered Hadir by 60 people
    who are not members of the RT, so other tests' RT lists stay as they were."""

    def make() -> int:
        ketua = db.session.scalar(select(User).where(User.phone == ketua_phone))
        rt = db.session.get(Wilayah, ketua.rt_id)
        starts = utcnow() + timedelta(days=300)
        activity = services.create_activity(
            rt, by=ketua, now=utcnow(), kind="pelatihan", title="Pelatihan besar (uji daftar)",
            place="Balai RW", starts_at=starts, ends_at=starts + timedelta(hours=2),
        )  # fmt: skip
        people = [User(name=f"Peserta {n:02d}", phone=f"+6281399{numbers_from + n:06d}",
                       password_hash="x") for n in range(60)]  # fmt: skip
        db.session.add_all(people)
        db.session.flush()
        for person in people:
            answers.respond(activity, person, answer="hadir", now=utcnow())
        db.session.commit()
        return activity.id

    return live_server.query(make)


def test_the_ketua_pages_and_searches_a_big_daftar_hadir_and_peserta(
    phone: Page, live_server, demo, sign_in_as, screenshot
):
    activity_id = _big_activity(live_server, demo["ketua_rt"].phone)
    ketua = phone
    sign_in_as.ketua_rt(ketua)

    ketua.goto(f"/kegiatan/{activity_id}/daftar-hadir")
    listing = ketua.locator("#attendance-list")
    expect(listing.locator(".attendance-row")).to_have_count(50)
    expect(listing).to_contain_text("Halaman 1 dari 2")
    check_page(ketua, "daftar-hadir-paged")
    listing.get_by_role("link", name="Berikutnya ›").click()
    expect(listing).to_contain_text("Halaman 2 dari 2")
    expect(listing.locator(".attendance-row strong").first).to_have_text("Peserta 50")
    assert ketua.url.endswith("halaman=2")  # Back returns to page 1

    ketua.get_by_label("Cari nama").fill("peserta 07")
    expect(listing.locator(".attendance-row")).to_have_count(1)
    listing.get_by_role("button", name="Tandai hadir Peserta 07").click()
    expect(ketua.get_by_role("button", name="Hadir ✓ Peserta 07")).to_be_visible()
    expect(
        listing.get_by_role("status").filter(has_text="1 orang sudah ditandai hadir · 1 nama")
    ).to_contain_text("1 orang sudah ditandai hadir · 1 nama")
    screenshot(ketua, "daftar-hadir-search")

    ketua.goto(f"/kegiatan/{activity_id}/peserta")
    answers_list = ketua.locator("#participant-list")
    expect(answers_list).to_contain_text("Menampilkan 1–50 dari 60 nama")
    ketua.get_by_label("Cari nama").fill("Peserta 59")
    expect(answers_list.locator(".participant-row")).to_have_count(1)
    expect(answers_list.locator(".participant-name")).to_have_text("Peserta 59")
    check_page(ketua, "peserta-search")
    screenshot(ketua, "peserta-search")


def test_daftar_hadir_buttons_line_up_whatever_the_name(
    phone: Page, live_server, demo, sign_in_as, screenshot
):
    activity_id = _big_activity(live_server, demo["ketua_rt"].phone, numbers_from=1000)

    def long_name() -> None:
        person = db.session.scalar(select(User).where(User.phone == "+6281399001001"))
        person.name = "Hj. Siti Nurhaliza binti Abdurrahman Al-Banjari"
        db.session.commit()

    live_server.query(long_name)
    ketua = phone
    sign_in_as.ketua_rt(ketua)
    ketua.goto(f"/kegiatan/{activity_id}/daftar-hadir")
    buttons = ketua.locator(".attendance-row form .button")
    boxes = [buttons.nth(i).bounding_box() for i in range(4)]
    assert len({round(box["x"]) for box in boxes}) == 1, boxes  # one column
    assert len({round(box["width"]) for box in boxes}) == 1, boxes  # one width
    screenshot(ketua, "daftar-hadir-aligned")
