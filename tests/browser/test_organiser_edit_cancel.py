"""The Ketua RT edits and cancels activities in a real browser at 360 × 740: a one-off
activity, and meetings of a weekly series with "Terapkan ke" for this meeting only or for
this one and the following ones.

Issue #9: on a one-off activity, Simpan and Batalkan kegiatan once answered "Terapkan ke:
Pilihan tidak valid." (a field the page never renders) and changed nothing."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select

from community.accounts import services as accounts
from community.areas.models import Wilayah
from community.core.time import WITA, as_utc, utcnow
from community.events import rules, services
from community.events.models import Activity
from community.extensions import db
from tests.browser.conftest import check_page

PHONE_360_740 = {"width": 360, "height": 740}
# The options of "Terapkan ke", as community/events/forms.py APPLY_LABELS shows them.
THIS_ONLY = "Hanya kegiatan ini"
FOLLOWING = "Kegiatan ini dan semua berikutnya"

_numbers = itertools.count(1)


@dataclass(frozen=True)
class Stored:
    """What the database holds about one activity, in the organiser's terms (WITA)."""

    title: str
    day: date
    start: str  # "19:30"
    end: str
    is_cancelled: bool
    cancel_reason: str

    @classmethod
    def of(cls, activity: Activity) -> Stored:
        starts, ends = (as_utc(t).astimezone(WITA) for t in (activity.starts_at, activity.ends_at))
        return cls(
            activity.title,
            starts.date(),
            f"{starts:%H:%M}",
            f"{ends:%H:%M}",
            activity.is_cancelled,
            activity.cancel_reason,
        )


@pytest.fixture
def ketua(open_context, sign_in_as) -> Page:
    """The Ketua RT of RT 01 / RW 01, signed in on a 360 × 740 phone."""
    return sign_in_as.ketua_rt(open_context("phone", viewport=PHONE_360_740).new_page())


@pytest.fixture
def plan(live_server, demo):
    """``plan(kind, title, weeks=None)`` → activity ids, oldest first: a one-off activity
    (or a weekly series of ``weeks`` meetings) five days ahead, 19.30–21.00 WITA, announced
    by the Ketua RT in RT 01 / RW 01 through the services."""
    rt_id = live_server.wilayah_id("RT 01 / RW 01", parent="RW 01")

    def make(kind: str, title: str, weeks: int | None = None) -> list[int]:
        day = (utcnow().astimezone(WITA) + timedelta(days=5)).date()
        starts = datetime(day.year, day.month, day.day, 19, 30, tzinfo=WITA)
        fields = {
            "kind": kind,
            "title": title,
            "place": "Rumah Pak RT, Jl. Kenanga 3",
            "starts_at": starts,
            "ends_at": starts + timedelta(minutes=90),
        }

        def create() -> list[int]:
            scope = db.session.get(Wilayah, rt_id)
            by = accounts.find_by_phone(demo["ketua_rt"].phone)
            if weeks is None:
                made = [services.create_activity(scope, by=by, now=utcnow(), **fields)]
            else:
                rule = rules.recurrence_rule("weekly", starts, until=None, count=weeks)
                made = services.create_series(scope, by=by, now=utcnow(), rule=rule, **fields)
            db.session.commit()
            return [activity.id for activity in made]

        return live_server.query(create)

    return make


def stored(live_server, ids: list[int]) -> list[Stored]:
    """What the database holds about the activities ``ids``, in that order."""

    def read() -> list[Stored]:
        rows = {a.id: a for a in db.session.scalars(select(Activity).where(Activity.id.in_(ids)))}
        return [Stored.of(rows[activity_id]) for activity_id in ids]

    return live_server.query(read)


def submit(page: Page, button: Locator, done: str) -> None:
    """Press ``button``; the next page must confirm with ``done`` (fails with its errors)."""
    with page.expect_navigation():
        button.click()
    errors = page.locator(".error-summary li").all_inner_texts()
    assert not errors, f"the form was refused: {errors}"
    expect(page.get_by_role("status").filter(has_text=done)).to_be_visible()


def edit(
    page: Page, activity_id: int, *, title: str, start: str, end: str, apply_to: str | None = None
) -> None:
    """Open the activity, tap "Ubah kegiatan", change title and times, press Simpan."""
    page.goto(f"/kegiatan/{activity_id}")
    page.get_by_role("link", name="Ubah kegiatan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ubah kegiatan")
    terapkan = page.get_by_label("Terapkan ke")
    expect(terapkan).to_have_count(0 if apply_to is None else 1)  # only series render it
    check_page(page, "ubah-kegiatan" if apply_to is None else "ubah-pertemuan-rutin")
    page.get_by_label("Judul", exact=True).fill(title)
    page.get_by_label("Jam mulai (WITA)").fill(start)
    page.get_by_label("Jam selesai (WITA)").fill(end)
    if apply_to is not None:
        terapkan.select_option(label=apply_to)
    submit(page, page.get_by_role("button", name="Simpan", exact=True), "Perubahan tersimpan.")
    expect(page).to_have_url(re.compile(rf"/kegiatan/{activity_id}$"))


def cancel_form(page: Page, activity_id: int) -> Locator:
    """Open the activity and the "Batalkan kegiatan" disclosure; returns its form."""
    page.goto(f"/kegiatan/{activity_id}")
    page.locator("summary", has_text="Batalkan kegiatan").click()
    form = page.locator("form[action$='/batalkan']")
    expect(form).to_be_visible()
    return form


def cancel(page: Page, activity_id: int, reason: str, apply_to: str | None = None) -> None:
    form = cancel_form(page, activity_id)
    expect(form.get_by_label("Terapkan ke")).to_have_count(0 if apply_to is None else 1)
    form.get_by_label("Alasan pembatalan").fill(reason)
    if apply_to is not None:
        form.get_by_label("Terapkan ke").select_option(label=apply_to)
    submit(page, form.get_by_role("button", name="Batalkan kegiatan"), "Kegiatan dibatalkan.")
    expect(page.locator(".card-cancelled")).to_contain_text("Dibatalkan")


def test_edit_a_one_off_activity(ketua, plan, live_server, screenshot):
    [activity_id] = plan("gotong_royong", f"Kerja bakti saluran {next(_numbers)}")
    before = stored(live_server, [activity_id])[0]
    new_title = f"Kerja bakti saluran dan got {next(_numbers)}"

    edit(ketua, activity_id, title=new_title, start="07:30", end="10:00")

    expect(ketua.get_by_role("heading", level=1)).to_have_text(new_title)
    expect(ketua.locator("dl.facts")).to_contain_text("07.30 WITA – 10.00")
    check_page(ketua, "kegiatan-sesudah-diubah")
    screenshot(ketua, "diubah")
    assert stored(live_server, [activity_id]) == [
        Stored(new_title, before.day, "07:30", "10:00", False, "")
    ]


def test_cancel_a_one_off_activity(ketua, plan, live_server, screenshot):
    [activity_id] = plan("olahraga", f"Senam pagi lansia {next(_numbers)}")
    reason = "Lapangan dipakai untuk posyandu"

    cancel(ketua, activity_id, reason)

    cancelled = ketua.locator(".card-cancelled")
    expect(cancelled).to_contain_text(f"Alasan: {reason}")
    expect(ketua.locator("summary", has_text="Batalkan kegiatan")).to_have_count(0)
    check_page(ketua, "kegiatan-dibatalkan")
    screenshot(ketua, "dibatalkan")
    [row] = stored(live_server, [activity_id])
    assert (row.is_cancelled, row.cancel_reason) == (True, reason)


def test_cancel_without_a_reason_says_why_and_cancels_nothing(ketua, plan, live_server):
    [activity_id] = plan("pengajian", f"Pengajian ibu-ibu {next(_numbers)}")

    form = cancel_form(ketua, activity_id)
    form.get_by_role("button", name="Batalkan kegiatan").click()

    summary = ketua.get_by_role("alert").filter(has_text="Ada isian yang perlu diperbaiki")
    expect(summary.get_by_role("listitem")).to_have_text(
        ["Alasan pembatalan: Alasan wajib diisi supaya warga tahu."]
    )
    reason = ketua.get_by_label("Alasan pembatalan")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(ketua.locator("#reason-error")).to_have_text("Alasan wajib diisi supaya warga tahu.")
    summary.get_by_role("link").click()  # the summary leads to the field
    expect(reason).to_be_focused()
    expect(ketua.locator(".card-cancelled")).to_have_count(0)
    check_page(ketua, "batalkan-tanpa-alasan")
    assert stored(live_server, [activity_id])[0].is_cancelled is False


def test_edit_one_series_meeting_then_this_and_the_following(ketua, plan, live_server):
    title = f"Yasinan malam Jumat {next(_numbers)}"
    ids = plan("pengajian", title, weeks=4)
    before = stored(live_server, ids)
    assert [row.day for row in before] == [before[0].day + timedelta(weeks=n) for n in range(4)]

    moved = f"{title} (di rumah Bu Sari)"
    edit(ketua, ids[1], title=moved, start="19:45", end="21:00", apply_to=THIS_ONLY)
    expect(ketua.get_by_role("heading", level=1)).to_have_text(moved)
    after_one = stored(live_server, ids)
    assert after_one[1] == Stored(moved, before[1].day, "19:45", "21:00", False, "")
    assert [after_one[i] for i in (0, 2, 3)] == [before[i] for i in (0, 2, 3)]

    later = f"{title} (mulai ba'da Isya)"
    edit(ketua, ids[2], title=later, start="20:00", end="21:30", apply_to=FOLLOWING)
    expect(ketua.locator("dl.facts")).to_contain_text("20.00 WITA – 21.30")
    after_following = stored(live_server, ids)
    assert after_following[:2] == after_one[:2]  # earlier meetings keep what they had
    assert after_following[2:] == [
        Stored(later, before[i].day, "20:00", "21:30", False, "") for i in (2, 3)
    ]


def test_cancel_one_series_meeting_only(ketua, plan, live_server):
    ids = plan("arisan", f"Arisan RT bulanan {next(_numbers)}", weeks=3)
    before = stored(live_server, ids)
    reason = "Bertepatan dengan pemilu"

    cancel(ketua, ids[1], reason, apply_to=THIS_ONLY)

    expect(ketua.locator(".card-cancelled")).to_contain_text(f"Alasan: {reason}")
    after = stored(live_server, ids)
    assert (after[1].is_cancelled, after[1].cancel_reason) == (True, reason)
    assert [after[0], after[2]] == [before[0], before[2]]
    ketua.goto(f"/kegiatan/{ids[2]}")
    expect(ketua.locator(".card-cancelled")).to_have_count(0)
