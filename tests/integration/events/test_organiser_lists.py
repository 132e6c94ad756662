"""The Peserta and Daftar Hadir lists of a big activity (#12): names are searched and paged
by the server, 50 to a page, so a kelurahan activity of thousands stays small and fast;
the Daftar Tunggu is numbered over the whole list; the statements do not grow with it."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from community.accounts.models import User
from community.core.time import utcnow
from community.events import answers, rules
from community.events.models import Activity
from community.extensions import db
from tests.forms import submit_form
from tests.integration.events.conftest import said
from tests.statements import counting

SIZE = rules.ORGANISER_PAGE_SIZE


def add_answers(app, activity_id: int, rt_id: int, n: int, *, start: int = 0) -> list[int]:
    """``n`` residents of the RT ("Warga 001", ...) answer Hadir; returns their ids."""
    with app.app_context():
        activity = db.session.get(Activity, activity_id)
        people = [
            User(name=f"Warga {start + i:03d}", phone=f"+6281377{start + i:06d}",
                 password_hash="x", rt_id=rt_id)
            for i in range(n)
        ]  # fmt: skip
        db.session.add_all(people)
        db.session.flush()
        for person in people:
            answers.respond(activity, person, answer="hadir", now=utcnow())
        db.session.commit()
        return [p.id for p in people]


def names(response) -> list[str]:
    """The names in the list's rows (Daftar Hadir or Peserta), in order."""
    return re.findall(
        r'(?:<strong>|<strong class="participant-name">)(Warga \d{3})',
        response.get_data(as_text=True),
    )


def link(response, rel: str) -> str | None:
    found = re.search(rf'rel="{rel}" href="([^"]+)"', response.get_data(as_text=True))
    return found.group(1).replace("&amp;", "&") if found else None


@pytest.fixture
def big(app, world):
    """RT A's kerja bakti with 120 residents answering Hadir (no capacity)."""
    activity_id = world.activities["rt_a"].id
    add_answers(app, activity_id, world.rt_a.id, 120)
    return activity_id


def test_the_daftar_hadir_shows_fifty_names_a_page_and_every_name_once(world, as_user, big):
    client = as_user(world["pengurus_a"])
    seen, url, pages = [], f"/kegiatan/{big}/daftar-hadir", 0
    while url:
        page = client.get(url)
        assert page.status_code == 200
        seen += names(page)
        pages += 1
        url = link(page, "next")
    assert pages == 3
    assert seen == [f"Warga {n:03d}" for n in range(120)]  # Hadir first, by name
    first = client.get(f"/kegiatan/{big}/daftar-hadir")
    assert len(names(first)) == SIZE
    body = first.get_data(as_text=True)
    assert f'href="/kegiatan/{big}/daftar-hadir.csv"' in body  # the CSV where the list is
    crumbs = re.search(r'<p class="breadcrumb">(.*?)</p>', body).group(1)
    assert re.findall(r'href="([^"]+)"', crumbs) == [f"/kegiatan/{big}", f"/kegiatan/{big}/peserta"]
    assert "Menampilkan 1–50 dari" in said(first) and "Halaman 1 dari 3" in said(first)


def test_a_search_finds_a_name_on_any_page_and_marks_them_from_there(app, world, as_user, big):
    client = as_user(world["pengurus_a"])
    search = f"/kegiatan/{big}/daftar-hadir?q=warga+11"
    found = client.get(search)

    assert names(found) == [f"Warga {n}" for n in range(110, 120)]
    assert link(found, "next") is None  # ten names: one page
    with app.app_context():
        uid = db.session.scalar(select(User.id).where(User.name == "Warga 115"))
    # Marking Warga 115 from the search result: the form on the page, as a person sends it.
    marked = submit_form(client, search, f'form[action$="/daftar-hadir/{uid}"]')
    assert marked.status_code == 303
    again = client.get(f"/kegiatan/{big}/daftar-hadir?q=Warga 115")
    assert "Hadir ✓ Warga 115" in said(again)
    assert "1 orang sudah ditandai hadir" in said(again)


def test_a_page_number_out_of_range_or_not_a_number_shows_a_real_page(world, as_user, big):
    client = as_user(world["pengurus_a"])
    base = f"/kegiatan/{big}/daftar-hadir"
    assert names(client.get(f"{base}?halaman=99")) == [f"Warga {n}" for n in range(100, 120)]
    for bad in ("abc", "-1", "0", "١", "9" * 40):
        page = client.get(f"{base}?halaman={bad}")
        assert page.status_code == 200, bad
        assert names(page)[0] == "Warga 000", bad


def test_the_peserta_list_pages_and_numbers_the_daftar_tunggu_over_everyone(app, world, as_user):
    activity_id = world.activities["rt_a"].id
    with app.app_context():
        db.session.get(Activity, activity_id).capacity = 60
        db.session.commit()
    add_answers(app, activity_id, world.rt_a.id, 75)  # 60 confirmed, 15 waiting
    client = as_user(world["pengurus_a"])

    first = client.get(f"/kegiatan/{activity_id}/peserta")
    assert len(names(first)) == SIZE
    assert "Menampilkan 1–50 dari 75 nama" in said(first)
    second = client.get(link(first, "next"))
    assert names(second) == [f"Warga {n:03d}" for n in range(50, 75)]
    assert "Warga 060 Hadir · Daftar Tunggu ke-1" in said(second)
    # A search keeps each person's own place on the Daftar Tunggu.
    found = client.get(f"/kegiatan/{activity_id}/peserta?q=warga 07")
    assert names(found) == [f"Warga 07{n}" for n in range(5)]
    assert "Warga 074 Hadir · Daftar Tunggu ke-15" in said(found)
    nobody = client.get(f"/kegiatan/{activity_id}/peserta?q=Tidak Ada")
    assert "Tidak ada nama yang cocok." in said(nobody)


def test_the_peserta_search_as_htmx_answers_only_the_list(world, as_user, big):
    client = as_user(world["pengurus_a"])
    fragment = client.get(f"/kegiatan/{big}/peserta?q=Warga 003", headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert body.lstrip().startswith('<div id="participant-list">')
    assert names(fragment) == ["Warga 003"]
    assert "Jawab atas nama warga" not in body


def test_a_search_for_like_wildcards_finds_only_those_characters(world, as_user, big):
    client = as_user(world["pengurus_a"])
    for wildcard in ("%", "_", "\\"):
        found = client.get(f"/kegiatan/{big}/daftar-hadir", query_string={"q": wildcard})
        assert found.status_code == 200
        assert names(found) == [], wildcard


@pytest.mark.parametrize("page", ["daftar-hadir", "peserta"])
def test_the_list_pages_make_the_same_statements_for_10_and_160_answers(app, world, as_user, page):
    activity_id = world.activities["rt_a"].id
    client = as_user(world["pengurus_a"])
    add_answers(app, activity_id, world.rt_a.id, 10)
    client.get(f"/kegiatan/{activity_id}/{page}")
    with counting(app) as small:
        response = client.get(f"/kegiatan/{activity_id}/{page}")
    add_answers(app, activity_id, world.rt_a.id, 150, start=10)
    with counting(app) as large:
        bigger = client.get(f"/kegiatan/{activity_id}/{page}?halaman=2")
    assert response.status_code == bigger.status_code == 200
    assert len(names(bigger)) == SIZE
    assert len(large) == len(small), (small, large)
    assert len(bigger.get_data()) < 60_000  # a page of 50, not 160 rows
