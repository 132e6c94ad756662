"""Text typed into any form: a NUL is refused with a message (it was a 500 on PostgreSQL
and stored on SQLite), and text made only of invisible characters counts as empty."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import func, select

from community.accounts.models import User
from community.events.models import Activity, Comment, Task
from community.extensions import db
from tests.conftest import text_of
from tests.forms import submit_form

NUL_MESSAGE = "Isian ini berisi karakter tersembunyi yang tidak diizinkan. Hapus lalu coba lagi."
INVISIBLE = [
    "\u200b\u200b\u200b",  # zero-width spaces
    "\ufeff",  # byte order mark
    "\u200e\u200f\u202a\u202c",  # directional marks and embeddings
    " \u2060\u3164 ",  # word joiner, Hangul filler, spaces
]


def said(response) -> str:
    return html.unescape(text_of(response))


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def new_activity(title: str) -> dict:
    return {
        "kind": "gotong_royong", "title": title, "place": "Pos kamling RT 01",
        "start_date": "2026-12-06", "start_time": "07:00", "end_time": "10:00",
    }  # fmt: skip


@pytest.fixture
def organiser(world, as_user, pinned_clock):
    return as_user(world["pengurus_a"])


# --- NUL ----------------------------------------------------------------------------------


def test_nul_in_an_activity_title_is_refused_and_nothing_is_stored(app, world, organiser):
    response = submit_form(organiser, "/kegiatan/baru", "main form",
                           data={**new_activity("Kerja\x00bakti"), "scope": str(world.rt_a.id)})  # fmt: skip

    assert response.status_code == 422
    assert NUL_MESSAGE in said(response)
    assert "\x00" not in response.get_data(as_text=True)  # not echoed back into the page
    assert count(app, Activity, Activity.title.like("Kerja%bakti")) == 0


def test_nul_in_a_comment_is_refused(app, world, as_user):
    activity_id = world.activities["rt_a"].id
    client = as_user(world["resident_a"])

    response = submit_form(client, f"/kegiatan/{activity_id}", "form[action$='/komentar']",
                           data={"body": "Saya ikut\x00"}, follow_redirects=True)  # fmt: skip

    assert NUL_MESSAGE in said(response)
    assert count(app, Comment, Comment.activity_id == activity_id) == 0


def test_nul_in_a_task_is_refused(app, world, as_user):
    activity_id = world.activities["rt_a"].id
    client = as_user(world["pengurus_a"])

    response = submit_form(client, f"/kegiatan/{activity_id}", "form.add-task",
                           data={"label": "Cangkul\x00"}, follow_redirects=True)  # fmt: skip

    assert NUL_MESSAGE in said(response)
    assert count(app, Task, Task.activity_id == activity_id) == 0


def test_nul_in_a_name_is_refused(app, world, as_user):
    client = as_user(world["resident_a"])

    response = submit_form(client, "/profil", "form[action='/profil']",
                           data={"name": "Siti\x00Aminah"})  # fmt: skip

    assert response.status_code == 422
    assert NUL_MESSAGE in said(response)
    with app.app_context():
        assert db.session.get(User, world["resident_a"].id).name == "Siti Aminah"


def test_nul_in_the_address_or_query_string_is_a_400_not_a_500(world, as_user):
    activity_id = world.activities["rt_a"].id
    client = as_user(world["pengurus_a"])

    search = client.get(f"/kegiatan/{activity_id}/daftar-hadir?q=Siti%00")
    token = client.get(f"/kegiatan/{activity_id}/hadir/abc%00def")
    feed = client.get("/kalender/abc%00def.ics")

    assert [search.status_code, token.status_code, feed.status_code] == [400, 400, 400]
    assert "Permintaan tidak valid" in said(search)


def test_a_check_in_token_that_is_not_ascii_is_not_found(world, as_user):
    activity_id = world.activities["rt_a"].id
    client = as_user(world["resident_a"])

    response = client.get(f"/kegiatan/{activity_id}/hadir/%C3%A9t%C3%A9")

    assert response.status_code == 404


# --- invisible text -------------------------------------------------------------------------


@pytest.mark.parametrize("invisible", INVISIBLE)
def test_a_comment_of_invisible_characters_is_empty(app, world, as_user, invisible):
    activity_id = world.activities["rt_a"].id
    client = as_user(world["resident_a"])

    response = submit_form(client, f"/kegiatan/{activity_id}", "form[action$='/komentar']",
                           data={"body": invisible}, follow_redirects=True)  # fmt: skip

    assert "Komentar tidak boleh kosong." in said(response)
    assert count(app, Comment, Comment.activity_id == activity_id) == 0


@pytest.mark.parametrize("invisible", INVISIBLE)
def test_an_activity_title_of_invisible_characters_is_empty(app, world, organiser, invisible):
    before = count(app, Activity)

    response = submit_form(organiser, "/kegiatan/baru", "main form",
                           data={**new_activity(invisible), "scope": str(world.rt_a.id)})  # fmt: skip

    assert response.status_code == 422
    assert count(app, Activity) == before


def test_a_name_and_a_task_of_invisible_characters_are_empty(app, world, as_user):
    activity_id = world.activities["rt_a"].id
    resident, ketua = as_user(world["resident_a"]), as_user(world["pengurus_a"])

    name = submit_form(resident, "/profil", "form[action='/profil']", data={"name": "\u200b\ufeff"})
    task = submit_form(ketua, f"/kegiatan/{activity_id}", "form.add-task",
                       data={"label": "\u200b"}, follow_redirects=True)  # fmt: skip

    assert name.status_code == 422 and "Nama wajib diisi." in said(name)
    assert "Tulis apa yang dibutuhkan." in said(task)
    assert count(app, Task, Task.activity_id == activity_id) == 0


def test_visible_text_with_a_zero_width_joiner_is_kept(app, world, as_user):
    activity_id = world.activities["rt_a"].id
    client = as_user(world["resident_a"])
    family = "Kami datang sekeluarga \U0001f468\u200d\U0001f469\u200d\U0001f467"

    submit_form(client, f"/kegiatan/{activity_id}", "form[action$='/komentar']",
                data={"body": family})  # fmt: skip

    assert count(app, Comment, Comment.body == family) == 1


# --- activity dates -------------------------------------------------------------------------


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "2025-11-01", "2031-12-31"])
def test_activity_dates_stay_within_a_year_back_and_five_years_ahead(app, world, organiser, day):
    before = count(app, Activity)

    response = submit_form(organiser, "/kegiatan/baru", "main form",
                           data={**new_activity("Rapat RT"), "start_date": day,
                                 "scope": str(world.rt_a.id)})  # fmt: skip

    assert response.status_code == 422
    assert "Tanggal harus antara setahun lalu dan lima tahun ke depan" in said(response)
    assert count(app, Activity) == before


@pytest.mark.parametrize("day", ["2025-12-02", "2031-11-30"])
def test_the_edges_of_the_date_window_are_accepted(app, world, organiser, day):
    response = submit_form(organiser, "/kegiatan/baru", "main form",
                           data={**new_activity("Rapat RT"), "start_date": day,
                                 "scope": str(world.rt_a.id)})  # fmt: skip

    assert response.status_code == 303
