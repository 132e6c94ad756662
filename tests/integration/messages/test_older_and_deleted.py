"""A long conversation shows its latest 100 messages and "Pesan sebelumnya" for the rest
(with and without htmx), and a message deleted on one phone comes back to the other's
open page with its next poll (#13)."""

from __future__ import annotations

import re

import lxml.html
import pytest

from tests.conftest import text_of
from tests.forms import submit_form
from tests.integration.messages.test_direct_messages import send, start

HX = {"HX-Request": "true"}


def ids_on(response) -> list[int]:
    return [int(i) for i in re.findall(r'data-message-id="(\d+)"', response.get_data(as_text=True))]


def test_the_latest_100_then_pesan_sebelumnya_loads_the_rest(app, world, as_user):
    talk = start(app, world["resident_a"], world["resident_b"])
    sent = [send(app, talk, world["resident_a"], f"Pesan nomor {n}") for n in range(1, 106)]
    budi = as_user(world["resident_b"])
    page = budi.get(f"/pesan/{talk}")
    assert ids_on(page) == sent[5:]  # the latest 100, oldest first
    doc = lxml.html.fromstring(page.get_data(as_text=True))
    [older] = doc.xpath("//a[normalize-space()='Pesan sebelumnya']")
    assert doc.get_element_by_id("message-list").get("data-poll-url")

    plain = budi.get(older.get("href"))  # without JavaScript: a page of the older ones
    assert plain.status_code == 200
    assert ids_on(plain) == sent[:5]
    said = text_of(plain)
    assert "Awal percakapan" in said and "Pesan terbaru" in said
    assert "Pesan sebelumnya" not in said
    plain_doc = lxml.html.fromstring(plain.get_data(as_text=True))
    assert plain_doc.get_element_by_id("message-list").get("data-poll-url") is None  # no polling

    fragment = budi.get(older.get("hx-get"), headers=HX)  # with htmx: put where the link was
    assert fragment.status_code == 200
    assert ids_on(fragment) == sent[:5]
    html = fragment.get_data(as_text=True)
    assert 'id="older-messages"' in html and "Awal percakapan" in html
    assert "<html" not in html and "send-form" not in html


def test_older_pages_do_not_mark_anything_read(app, world, as_user):
    talk = start(app, world["resident_a"], world["resident_b"])
    first = send(app, talk, world["resident_a"], "Yang lama")
    send(app, talk, world["resident_a"], "Yang baru")
    budi = as_user(world["resident_b"])
    budi.get(f"/pesan/{talk}?sebelum={first + 1}")
    assert "(2 pesan belum dibaca)" in text_of(budi.get("/pesan"))


@pytest.mark.parametrize("query", ["sebelum=0", "sebelum=-3"])
def test_a_bad_sebelum_is_400(app, world, as_user, query):
    talk = start(app, world["resident_a"], world["resident_b"])
    assert as_user(world["resident_b"]).get(f"/pesan/{talk}?{query}").status_code == 400


def _poll_args(page) -> tuple[str, str]:
    doc = lxml.html.fromstring(page.get_data(as_text=True))
    listing = doc.get_element_by_id("message-list")
    return listing.get("data-poll-url"), listing.get("data-poll-since")


def test_a_message_deleted_on_one_phone_comes_back_to_the_other_with_the_next_poll(
    app, world, as_user
):
    talk = start(app, world["resident_a"], world["resident_b"])
    kept = send(app, talk, world["resident_a"], "Besok jam tujuh")
    gone = send(app, talk, world["resident_a"], "Nomor rekening saya salah ketik")
    siti, budi = as_user(world["resident_a"]), as_user(world["resident_b"])
    page = budi.get(f"/pesan/{talk}")  # Budi's page is open
    poll_url, since = _poll_args(page)
    query = f"{poll_url}?setelah={gone}&dari={kept}&sejak={since}"
    assert budi.get(query, headers=HX).status_code == 204  # nothing new, nothing deleted

    deleted = submit_form(siti, f"/pesan/{talk}", f"form[action='/pesan/{talk}/{gone}/hapus']")
    assert deleted.status_code == 303
    polled = budi.get(query, headers=HX)
    assert polled.status_code == 200
    assert ids_on(polled) == [gone]
    assert "pesan dihapus" in text_of(polled)
    assert "salah ketik" not in polled.get_data(as_text=True)
    next_since = polled.headers["X-Poll-Since"]
    # The next poll, from the time the server gave, has nothing more to say.
    later = f"{poll_url}?setelah={gone}&dari={kept}&sejak={float(next_since) + 11}"
    assert budi.get(later, headers=HX).status_code == 204


def test_a_poll_without_sejak_answers_only_new_messages(app, world, as_user):
    talk = start(app, world["resident_a"], world["resident_b"])
    gone = send(app, talk, world["resident_a"], "Salah kirim")
    siti, budi = as_user(world["resident_a"]), as_user(world["resident_b"])
    submit_form(siti, f"/pesan/{talk}", f"form[action='/pesan/{talk}/{gone}/hapus']")
    assert budi.get(f"/pesan/{talk}/baru?setelah={gone}", headers=HX).status_code == 204


@pytest.mark.parametrize(
    "query", ["sejak=kemarin&dari=1", "sejak=nan&dari=1", "sejak=-5&dari=1", "sejak=1e400&dari=1",
              "sejak=1&dari=-1"],
)  # fmt: skip
def test_bad_poll_values_are_400(app, world, as_user, query):
    talk = start(app, world["resident_a"], world["resident_b"])
    response = as_user(world["resident_b"]).get(f"/pesan/{talk}/baru?setelah=0&{query}")
    assert response.status_code == 400


def test_a_message_hidden_by_a_pengurus_comes_back_with_the_next_poll(app, world, as_user):
    from datetime import timedelta

    from community.core.time import utcnow
    from community.extensions import db
    from community.messages.models import Message

    talk = start(app, world["resident_a"], world["resident_b"])
    hidden = send(app, talk, world["resident_a"], "Kata-kata kasar")
    budi = as_user(world["resident_b"])
    poll_url, since = _poll_args(budi.get(f"/pesan/{talk}"))
    query = f"{poll_url}?setelah={hidden}&dari={hidden}&sejak={since}"
    assert budi.get(query, headers=HX).status_code == 204
    with app.app_context():  # what the moderation service does when a pengurus hides it
        message = db.session.get(Message, hidden)
        message.hidden_at = utcnow() + timedelta(seconds=1)
        message.hidden_reason = "Tidak sopan"
        db.session.commit()
    polled = budi.get(query, headers=HX)
    assert polled.status_code == 200
    assert "Disembunyikan oleh pengurus" in text_of(polled)
    assert "Kata-kata kasar" not in polled.get_data(as_text=True)
