"""Every htmx action on a phone shows that it is travelling, lands with focus where the
person was, and says so when it fails (#14): answered by keyboard at 360 px, with the answer
held in flight on a "slow signal" so the in-between state can be seen."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page, Route, expect

from community.accounts import services as accounts
from community.areas.models import Wilayah
from community.core.time import utcnow
from community.events import services
from community.extensions import db
from tests.browser.conftest import check_page


def _activity_with_one_place(live_server, demo) -> int:
    def create() -> int:
        ketua = accounts.find_by_phone(demo["ketua_rt"].phone)
        starts = utcnow() + timedelta(days=4)
        activity = services.create_activity(
            db.session.get(Wilayah, ketua.rt_id), by=ketua, now=utcnow(), kind="pelatihan",
            title="Pelatihan sablon (satu tempat)", place="Balai RT", capacity=1,
            starts_at=starts, ends_at=starts + timedelta(hours=2),
        )  # fmt: skip
        db.session.commit()
        return activity.id

    return live_server.query(create)


def test_an_answer_travels_visibly_lands_with_focus_and_a_refusal_is_said(
    phone: Page, live_server, demo, sign_in_as, screenshot, watcher
):
    activity_id = _activity_with_one_place(live_server, demo)
    page = sign_in_as.resident(phone)
    page.goto(f"/kegiatan/{activity_id}")
    panel = page.locator(f"#rsvp-panel-{activity_id}")
    hadir = panel.get_by_role("button", name="Hadir", exact=True)
    answers = panel.locator("form.is-sending, form[hx-post$='/jawab']").first

    held: list[Route] = []
    page.context.route(f"**/kegiatan/{activity_id}/jawab", lambda route: held.append(route))
    hadir.focus()
    page.keyboard.press("Enter")
    expect(answers).to_have_attribute("aria-busy", "true")  # travelling...
    for name in ("Hadir", "Mungkin Hadir", "Tidak Hadir"):
        expect(panel.get_by_role("button", name=name, exact=True)).to_be_disabled()
    expect(panel.locator("[data-pressed]")).to_have_text("Hadir")  # the spinner's button
    screenshot(page, "answer-travelling")
    page.context.unroute(f"**/kegiatan/{activity_id}/jawab")
    held[0].continue_()

    expect(panel).to_contain_text("Jawaban Anda: Hadir")  # ...and landed
    hadir = panel.get_by_role("button", name="Hadir", exact=True)
    expect(hadir).to_be_enabled()
    expect(hadir).to_have_attribute("aria-pressed", "true")
    expect(hadir).to_be_focused()  # the keyboard user is still on their answer

    # The one place is hers; a guest too does not fit: the refusal is where focus goes.
    panel.get_by_text("Tamu, catatan, butuh bantuan").click()
    panel.get_by_label("Tamu yang ikut (+1)").fill("1")
    panel.get_by_role("button", name="Hadir", exact=True).focus()
    page.keyboard.press("Enter")
    refusal = page.locator(f"#rsvp-panel-{activity_id} [role=alert]")
    expect(refusal).to_contain_text("Kuota penuh")
    expect(refusal).to_be_focused()
    check_page(page, "answer-refused")

    # A refusal the page cannot show in place (here a stale page: 403) is said in a banner,
    # and the buttons come back.
    page.context.route(f"**/kegiatan/{activity_id}/jawab", lambda route: route.fulfill(status=403))
    panel.get_by_role("button", name="Mungkin Hadir", exact=True).click()
    expect(page.locator("#rejected-banner")).to_be_visible()
    expect(page.locator("#rejected-banner")).to_contain_text("Tidak berhasil terkirim")
    expect(panel.get_by_role("button", name="Mungkin Hadir", exact=True)).to_be_enabled()
    page.context.route(f"**/kegiatan/{activity_id}/jawab", lambda route: route.fulfill(status=429))
    panel.get_by_role("button", name="Tidak Hadir", exact=True).click()
    expect(page.locator("#too-often-banner")).to_be_visible()
    expect(page.locator("#rejected-banner")).to_be_hidden()
    screenshot(page, "answer-too-often")
    for provoked in (422, 403, 429):  # each answered on purpose above
        assert watcher.take(rf"broken xhr: HTTP {provoked} .*/jawab$"), provoked


def test_the_three_answers_sit_in_one_row_on_a_phone(phone: Page, live_server, demo, sign_in_as):
    activity_id = _activity_with_one_place(live_server, demo)
    page = sign_in_as.resident(phone)
    page.goto(f"/kegiatan/{activity_id}")

    def one_even_row() -> None:
        buttons = page.locator(f"#rsvp-panel-{activity_id} .answer-buttons .button")
        boxes = [buttons.nth(i).bounding_box() for i in range(3)]
        assert len({round(box["y"]) for box in boxes}) == 1, boxes  # one row, not 2 + 1
        assert len({round(box["height"]) for box in boxes}) == 1, boxes  # equal heights

    one_even_row()
    page.get_by_role("button", name="English").click()  # saved on the account: set it back
    expect(page.get_by_role("button", name="Going", exact=True)).to_be_visible()
    one_even_row()
    page.get_by_role("button", name="Bahasa Indonesia").click()
    expect(page.get_by_role("button", name="Hadir", exact=True)).to_be_visible()
