"""Counts in the navigation: the join requests a pengurus may decide, in one SELECT per
page however many badges there are, and no query on pages without the navigation."""

from __future__ import annotations

import lxml.html
import pytest
from sqlalchemy import literal

from community.accounts.models import User
from community.areas import services as areas
from community.areas.models import Role
from community.core.time import utcnow
from community.extensions import db
from community.web import badges
from tests.statements import counting

HX = {"HX-Request": "true"}


def nav_link(response):
    """The "Kelola warga" line of the Lainnya page (pengurus work is counted there and on
    the Lainnya tab), or None."""
    doc = lxml.html.document_fromstring(response.get_data(as_text=True))
    links = [a for a in doc.cssselect("main a") if "Kelola warga" in a.text_content()]
    assert len(links) <= 1
    return links[0] if links else None


def shown_count(response) -> int | None:
    """The number the link shows (None: no link), checked against its accessible name."""
    link = nav_link(response)
    if link is None:
        return None
    badge = link.cssselect(".nav-badge")
    if not badge:
        return 0
    number = badge[0].cssselect("[aria-hidden=true]")[0].text_content()
    assert badge[0].cssselect(".visually-hidden")[0].text_content() == (
        f"({number} permintaan bergabung)"
    )
    return int(number)


def ask_to_join(app, make_user, rt, n: int = 1) -> None:
    with app.app_context():
        for _ in range(n):
            areas.request_join(make_user(), rt, is_move=False, now=utcnow())
        db.session.commit()


@pytest.fixture
def ketua_rt_b(app, world, make_user) -> User:
    with app.app_context():
        user = make_user("Pak Ketua RT 02", world.rt_b)
        areas.appoint(world.rt_b, user, Role.KETUA_RT)
        db.session.commit()
        db.session.refresh(user)
        db.session.expunge(user)
    return user


def test_each_pengurus_sees_the_requests_they_may_decide(app, world, as_user, make_user,
                                                         ketua_rt_b):  # fmt: skip
    # the world: one resident waits for RT 01
    assert shown_count(as_user(world["pengurus_a"]).get("/lainnya")) == 1
    assert shown_count(as_user(ketua_rt_b).get("/lainnya")) == 0  # RT 02 has none: no number
    assert shown_count(as_user(world["ketua_rw"]).get("/lainnya")) == 1  # the RW above RT 01

    ask_to_join(app, make_user, world.rt_b, 2)
    ask_to_join(app, make_user, world.rt_c)  # RW 02: nobody here manages it

    assert shown_count(as_user(world["pengurus_a"]).get("/lainnya")) == 1
    assert shown_count(as_user(ketua_rt_b).get("/lainnya")) == 2
    assert shown_count(as_user(world["ketua_rw"]).get("/lainnya")) == 3
    for principal in ("resident_a", "resident_b", "admin_kelurahan", "admin_kota"):
        assert nav_link(as_user(world[principal]).get("/lainnya")) is None, principal


def test_the_link_opens_the_page_where_they_decide(world, as_user, ketua_rt_b):
    client = as_user(world["pengurus_a"])
    link = nav_link(client.get("/lainnya"))
    page = client.get(link.get("href"))

    assert link.get("href") == f"/wilayah/{world.rt_a.id}#requests-heading"
    assert "Yusuf Pendatang" in page.get_data(as_text=True)
    assert nav_link(as_user(ketua_rt_b).get("/lainnya")).get("href") == (
        f"/wilayah/{world.rt_b.id}#requests-heading"
    )


def test_deciding_a_request_lowers_the_count(world, as_user):
    from tests.forms import submit_form

    client = as_user(world["pengurus_a"])
    submit_form(client, f"/wilayah/{world.rt_a.id}", "form[action$='/setujui']")

    assert shown_count(client.get("/lainnya")) == 0


# --- what it costs -------------------------------------------------------------------------


def badge_statements(app, client, url: str, headers: dict | None = None) -> list[str]:
    client.get(url, headers=headers)  # warm up
    with counting(app) as statements:
        response = client.get(url, headers=headers)
    assert response.status_code in (200, 404), url
    return [s for s in statements if "__count" in s]


@pytest.fixture
def a_second_badge(monkeypatch):
    """Another domain's badge (unread messages, say): the page must still ask once."""
    monkeypatch.setattr(badges, "_badges", dict(badges._badges))
    badges.register_badge(
        "test_second",
        endpoint="web.index",
        text="Pesan",
        label="%(n)s pesan belum dibaca",
        query=lambda user: {"count": literal(4)},
    )


def test_one_select_for_every_badge_whatever_the_number_of_requests(
    app, world, as_user, make_user, a_second_badge
):
    client = as_user(world["ketua_rw"])
    few = badge_statements(app, client, "/")
    ask_to_join(app, make_user, world.rt_b, 10)
    many = badge_statements(app, client, "/")

    assert len(few) == len(many) == 1
    assert "join_requests__count" in many[0] and "test_second__count" in many[0]
    page = client.get("/").get_data(as_text=True)
    assert "(11 perlu ditindaklanjuti)" in page and "4 pesan belum dibaca" in page
    assert "11 permintaan bergabung" in client.get("/lainnya").get_data(as_text=True)


@pytest.mark.parametrize(
    "url, headers",
    [
        ("/halaman-yang-tidak-ada", None),  # an error page
        ("/offline", None),
        ("/sw.js", None),
        ("/?setelah=20261201T000000Z-1", HX),  # a fragment: the next feed cards
    ],
    ids=["error", "offline", "sw.js", "fragment"],
)
def test_no_badge_query_where_the_navigation_is_not_shown(app, world, as_user, url, headers):
    client = as_user(world["pengurus_a"])
    assert badge_statements(app, client, "/") != []  # the page with the navigation asks

    assert badge_statements(app, client, url, headers) == []


def test_the_tasks_fragment_asks_for_no_badge(app, world, as_user):
    client = as_user(world["pengurus_a"])
    activity_id = world.activities["rt_a"].id
    from tests.forms import submit_form

    with counting(app) as statements:
        response = submit_form(client, f"/kegiatan/{activity_id}", "form.add-task",
                               data={"label": "Bawa cangkul"}, headers=HX)  # fmt: skip
    asked = [s for s in statements if "__count" in s]

    assert response.status_code == 200 and "Bawa cangkul" in response.get_data(as_text=True)
    assert "<nav" not in response.get_data(as_text=True)
    assert len(asked) == 1  # the GET of the page the form is on; the fragment asks nothing
