"""Direct messages between neighbours (#13): starting from a neighbour's name, sending,
reading, the poll, the unread badge, deleting, blocking, bad input, the send limit, and
nobody but the two people reading a conversation by any id.

The world: resident A (Siti, RT 01) and resident B (Budi, RT 02) share RW 01; Haji Rahmat
is ketua of RT 01; RT C is in RW 02.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta

import lxml.html
import pytest
from sqlalchemy import func, select

from community.accounts.models import User
from community.core.time import utcnow
from community.events import answers, comments
from community.events import services as events
from community.extensions import db
from community.messages import queries
from community.messages import services as dm
from community.messages.models import Block, Message
from tests.conftest import PASSWORD, post_form, text_of
from tests.forms import submit_form
from tests.statements import counting

HX = {"HX-Request": "true"}


def start(app, sender: User, recipient: User) -> int:
    """A conversation made through the service (the tests of the button are below)."""
    with app.app_context():
        talk = dm.start_conversation(db.session.get(User, sender.id),
                                     db.session.get(User, recipient.id), now=utcnow())  # fmt: skip
        db.session.commit()
        return talk.id


def send(app, conversation_id: int, sender: User, body: str) -> int:
    with app.app_context():
        membership = queries.get_membership(conversation_id, sender.id)
        message = dm.send(membership.conversation, db.session.get(User, sender.id), body,
                          now=utcnow())  # fmt: skip
        db.session.commit()
        return message.id


def stored_bodies(app, conversation_id: int) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(Message.body)
                .where(Message.conversation_id == conversation_id)
                .order_by(Message.id)
            )
        )


def nav_pesan(response) -> tuple[str | None, str | None]:
    """(href, the unread number shown) of the "Pesan" link of the navigation."""
    doc = lxml.html.document_fromstring(response.get_data(as_text=True))
    links = [
        a for a in doc.cssselect("header nav a") if a.text_content().strip().startswith("Pesan")
    ]
    if not links:
        return None, None
    badge = links[0].cssselect(".nav-badge [aria-hidden=true]")
    return links[0].get("href"), badge[0].text_content() if badge else None


@pytest.fixture
def citra(app, world, make_user) -> User:
    """A resident of RT C (RW 02): the other RW."""
    with app.app_context():
        return make_user("Citra Dewi", world.rt_c)


# --- starting a conversation from a neighbour's name ---------------------------------------


def test_kirim_pesan_from_the_tetangga_list_opens_one_conversation(world, as_user):
    client = as_user(world["resident_a"])
    ketua = world["pengurus_a"]
    button = f"form[action='/pesan/mulai/{ketua.id}']"

    first = submit_form(client, "/tetangga", button)
    again = submit_form(client, "/tetangga", button)

    assert first.status_code == again.status_code == 303
    assert re.fullmatch(r"/pesan/\d+", first.headers["Location"])
    assert first.headers["Location"] == again.headers["Location"]
    page = client.get(first.headers["Location"])
    assert "Pesan dengan Haji Rahmat" in text_of(page)
    assert ketua.phone not in page.get_data(as_text=True)  # never a phone number


def test_kirim_pesan_beside_a_comment_and_on_the_peserta_list(app, world, as_user):
    activity = world.activities["rt_a"]
    with app.app_context():
        a = db.session.get(User, world["resident_a"].id)
        comments.add_comment(events_activity(activity.id), a, "Saya bawa sapu", now=utcnow())
        answers.respond(events_activity(activity.id), a, answer="hadir", now=utcnow())
        db.session.commit()
    button = f"form[action='/pesan/mulai/{world['resident_a'].id}']"
    pengurus = as_user(world["pengurus_a"])

    from_comment = submit_form(pengurus, f"/kegiatan/{activity.id}", f"#comments {button}")
    from_peserta = submit_form(pengurus, f"/kegiatan/{activity.id}/peserta", button)

    assert from_comment.status_code == from_peserta.status_code == 303
    assert from_comment.headers["Location"] == from_peserta.headers["Location"]
    # one's own name carries no button
    page = as_user(world["resident_a"]).get(f"/kegiatan/{activity.id}").get_data(as_text=True)
    assert button.split("'")[1] not in page


def events_activity(activity_id: int):
    from community.events.models import Activity

    return db.session.get(Activity, activity_id)


def test_the_other_rw_is_refused_with_a_reason(app, world, as_user, citra):
    client = as_user(citra)
    response = post_form(client, f"/pesan/mulai/{world['resident_a'].id}", {"next": "/"})

    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert "Pesan hanya bisa dikirim kepada warga satu RW" in text_of(client.get("/"))
    with app.app_context():
        assert queries.find_conversation(citra.id, world["resident_a"].id) is None


def test_answering_the_same_activity_opens_the_other_rw(app, world, as_user, citra):
    with app.app_context():
        from community.areas.models import Wilayah

        kelurahan = db.session.get(Wilayah, world.kelurahan.id)
        starts = utcnow() + timedelta(days=10)
        jalan = events.create_activity(
            kelurahan, by=db.session.get(User, world["admin_kelurahan"].id), now=utcnow(),
            kind="olahraga", title="Jalan sehat", place="Lapangan", starts_at=starts,
            ends_at=starts + timedelta(hours=2),
        )  # fmt: skip
        for person in (citra, world["resident_a"]):
            answers.respond(jalan, db.session.get(User, person.id), answer="tidak", now=utcnow())
        db.session.commit()

    response = post_form(as_user(citra), f"/pesan/mulai/{world['resident_a'].id}")

    assert re.fullmatch(r"/pesan/\d+", response.headers["Location"])


def test_writing_to_oneself_and_to_nobody(world, as_user):
    client = as_user(world["resident_a"])
    me = post_form(client, f"/pesan/mulai/{world['resident_a'].id}")
    assert me.status_code == 303 and me.headers["Location"] == "/pesan"
    assert "kepada diri sendiri" in text_of(client.get("/pesan"))
    assert post_form(client, "/pesan/mulai/999999").status_code == 404


# --- sending and reading --------------------------------------------------------------------


def test_a_message_sent_is_read_by_the_other_with_the_badge(app, world, as_user):
    a, b = as_user(world["resident_a"]), as_user(world["resident_b"])
    talk = start(app, world["resident_a"], world["resident_b"])

    sent = submit_form(a, f"/pesan/{talk}", "#send-form", {"body": "Pak, besok saya bawa gerobak"})

    assert sent.status_code == 303
    assert nav_pesan(b.get("/")) == ("/pesan", "1")
    assert nav_pesan(a.get("/")) == ("/pesan", None)  # one's own message is read
    listing = text_of(b.get("/pesan"))
    assert "Siti Aminah" in listing and "Pak, besok saya bawa gerobak" in listing
    assert "(1 pesan belum dibaca)" in listing and "WITA" in listing
    page = b.get(f"/pesan/{talk}")
    assert "Pak, besok saya bawa gerobak" in text_of(page)
    assert nav_pesan(b.get("/")) == ("/pesan", None)  # opened: read


def test_send_with_htmx_answers_the_cleared_form_and_the_new_message(app, world, as_user):
    a = as_user(world["resident_a"])
    talk = start(app, world["resident_a"], world["resident_b"])

    response = submit_form(a, f"/pesan/{talk}", "#send-form", {"body": "Siap"}, headers=HX)

    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<nav" not in html
    doc = lxml.html.fragment_fromstring(html, create_parent="div")
    assert doc.cssselect("#send-form textarea")[0].text_content().strip() == ""
    appended = doc.cssselect("[hx-swap-oob='beforeend:#message-list'] .message-mine")
    assert len(appended) == 1 and "Siap" in appended[0].text_content()


def test_html_in_a_message_is_shown_as_text(app, world, as_user):
    a, b = as_user(world["resident_a"]), as_user(world["resident_b"])
    talk = start(app, world["resident_a"], world["resident_b"])
    submit_form(a, f"/pesan/{talk}", "#send-form",
                {"body": "<script>alert(1)</script><b>tebal</b>"})  # fmt: skip

    for html in (b.get(f"/pesan/{talk}").get_data(as_text=True),
                 b.get("/pesan").get_data(as_text=True)):  # fmt: skip
        assert "<script>alert(1)" not in html and "<b>tebal" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ("", "Pesan tidak boleh kosong."),
        ("   \n\t ", "Pesan tidak boleh kosong."),
        ("\u200b\u2060\ufeff", "Pesan tidak boleh kosong."),  # invisible only
        ("x" * 2001, "Pesan paling banyak 2.000 karakter."),
    ],
    ids=["empty", "spaces", "invisible", "2001"],
)
@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_bad_bodies_are_refused_with_the_form(app, world, as_user, body, said, headers):
    a = as_user(world["resident_a"])
    talk = start(app, world["resident_a"], world["resident_b"])

    response = submit_form(a, f"/pesan/{talk}", "#send-form", {"body": body}, headers=headers)

    assert response.status_code == 422
    assert said in text_of(response)
    assert stored_bodies(app, talk) == []


def test_2000_characters_are_kept_whole(app, world, as_user):
    a = as_user(world["resident_a"])
    talk = start(app, world["resident_a"], world["resident_b"])

    assert submit_form(a, f"/pesan/{talk}", "#send-form", {"body": "y" * 2000}).status_code == 303
    assert stored_bodies(app, talk) == ["y" * 2000]


# --- the poll ---------------------------------------------------------------------------------


def test_the_poll_answers_new_messages_then_204(app, world, as_user):
    a, b = as_user(world["resident_a"]), as_user(world["resident_b"])
    talk = start(app, world["resident_a"], world["resident_b"])
    first = send(app, talk, world["resident_a"], "Satu")
    second = send(app, talk, world["resident_a"], "Dua <i>miring</i>")

    found = b.get(f"/pesan/{talk}/baru?setelah={first}", headers=HX)
    nothing = b.get(f"/pesan/{talk}/baru?setelah={second}", headers=HX)

    html = found.get_data(as_text=True)
    assert found.status_code == 200 and "<nav" not in html
    assert f'data-message-id="{second}"' in html and f'data-message-id="{first}"' not in html
    assert "Dua &lt;i&gt;miring&lt;/i&gt;" in html
    assert nothing.status_code == 204 and nothing.get_data() == b""
    assert nav_pesan(b.get("/")) == ("/pesan", None)  # what the poll brought is read
    assert a.get(f"/pesan/{talk}/baru?setelah=x").status_code == 400
    assert a.get(f"/pesan/{talk}/baru").status_code == 400


def test_an_empty_poll_is_one_statement_besides_the_sign_in(app, world, as_user):
    b = as_user(world["resident_b"])
    talk = start(app, world["resident_a"], world["resident_b"])
    last = send(app, talk, world["resident_a"], "Halo")
    url = f"/pesan/{talk}/baru?setelah={last}"
    b.get(url, headers=HX)

    with counting(app) as statements:
        assert b.get(url, headers=HX).status_code == 204
    sql = [s for s in statements if not s.lstrip().upper().startswith(("BEGIN", "PRAGMA"))]

    assert len(sql) == 2, "\n".join(sql)  # load_user, then membership + newer messages


def test_the_conversation_list_is_one_statement_for_1_or_5_conversations(app, world, as_user,
                                                                          make_user):  # fmt: skip
    a = as_user(world["resident_a"])

    def listing_statements() -> list[str]:
        a.get("/pesan")
        with counting(app) as statements:
            a.get("/pesan")
        return [s for s in statements if "conversation" in s]

    talk = start(app, world["resident_a"], world["resident_b"])
    send(app, talk, world["resident_b"], "Halo")
    few = listing_statements()
    for n in range(4):
        with app.app_context():
            other = make_user(f"Tetangga {n}", world.rt_b)
        talk = start(app, world["resident_a"], other)
        send(app, talk, other, f"Pesan {n}")
    many = listing_statements()
    page = text_of(a.get("/pesan"))

    # the list, and the badge's column in the navigation's one SELECT
    assert len(few) == len(many) == 2, "\n".join(many)
    assert all(f"Pesan {n}" in page for n in range(4)) and "(5 pesan belum dibaca)" in page


# --- nobody else reads a conversation -----------------------------------------------------------


@pytest.mark.parametrize("who", ["pengurus_a", "ketua_rw", "admin_kelurahan", "admin_kota",
                                 "pending", "citra"])  # fmt: skip
@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_nobody_else_reads_it_by_any_route(app, world, as_user, citra, who, headers):
    talk = start(app, world["resident_a"], world["resident_b"])
    mid = send(app, talk, world["resident_a"], "Rahasia kami berdua")
    client = as_user(citra if who == "citra" else world[who])

    answers_ = [
        client.get(f"/pesan/{talk}", headers=headers),
        client.get(f"/pesan/{talk}/baru?setelah=0", headers=headers),
        post_form(client, f"/pesan/{talk}", {"body": "menyusup"}, headers=headers),
        post_form(client, f"/pesan/{talk}/{mid}/hapus", headers=headers),
    ]

    assert [r.status_code for r in answers_] == [404, 404, 404, 404]
    assert all("Rahasia" not in r.get_data(as_text=True) for r in answers_)
    assert "Rahasia" not in client.get("/pesan").get_data(as_text=True)
    assert stored_bodies(app, talk) == ["Rahasia kami berdua"]


def test_a_message_id_of_another_conversation_is_not_found(app, world, as_user):
    mine = start(app, world["resident_a"], world["resident_b"])
    theirs = start(app, world["pengurus_a"], world["ketua_rw"])
    their_message = send(app, theirs, world["pengurus_a"], "Rapat pengurus")
    a = as_user(world["resident_a"])

    assert post_form(a, f"/pesan/{mine}/{their_message}/hapus").status_code == 404
    assert stored_bodies(app, theirs) == ["Rapat pengurus"]


# --- deleting one's own message -----------------------------------------------------------------


def test_deleting_ones_own_message_shows_pesan_dihapus(app, world, as_user):
    a, b = as_user(world["resident_a"]), as_user(world["resident_b"])
    talk = start(app, world["resident_a"], world["resident_b"])
    mid = send(app, talk, world["resident_a"], "Salah kirim")

    refused = post_form(b, f"/pesan/{talk}/{mid}/hapus")
    deleted = submit_form(a, f"/pesan/{talk}", f"form[action='/pesan/{talk}/{mid}/hapus']")

    assert refused.status_code == 403 and deleted.status_code == 303
    assert stored_bodies(app, talk) == [""]
    page = text_of(b.get(f"/pesan/{talk}"))
    assert "pesan dihapus" in page and "Salah kirim" not in page


def test_deleting_with_htmx_answers_the_message_as_it_now_shows(app, world, as_user):
    a = as_user(world["resident_a"])
    talk = start(app, world["resident_a"], world["resident_b"])
    mid = send(app, talk, world["resident_a"], "Salah kirim")

    response = submit_form(a, f"/pesan/{talk}", f"form[action='/pesan/{talk}/{mid}/hapus']",
                           headers=HX)  # fmt: skip

    html = response.get_data(as_text=True)
    assert response.status_code == 200 and f'id="pesan-{mid}"' in html
    assert "pesan dihapus" in html and "Salah kirim" not in html and "<nav" not in html


# --- blocking -------------------------------------------------------------------------------------


def test_a_blocked_sender_cannot_write_until_unblocked(app, world, as_user):
    a, b = as_user(world["resident_a"]), as_user(world["resident_b"])
    talk = start(app, world["resident_a"], world["resident_b"])
    budi = world["resident_b"]

    blocked = submit_form(b, f"/pesan/{talk}", f"form[action='/blokir/{world['resident_a'].id}']")
    assert blocked.status_code == 303

    refused = submit_form(a, f"/pesan/{talk}", "#send-form", {"body": "Halo?"})
    assert refused.status_code == 422
    assert "Warga ini tidak menerima pesan dari Anda." in text_of(refused)
    again = post_form(a, f"/pesan/mulai/{budi.id}", {"next": "/pesan"})
    assert again.headers["Location"] == "/pesan"
    assert "Warga ini tidak menerima pesan dari Anda." in text_of(a.get("/pesan"))
    # the one who blocked cannot write either, and is told why
    own = submit_form(b, f"/pesan/{talk}", "#send-form", {"body": "Halo"})
    assert own.status_code == 422 and "Buka blokir dulu" in text_of(own)
    assert stored_bodies(app, talk) == []
    assert "Siti Aminah" in text_of(b.get("/pesan"))  # in the list of people blocked

    unblocked = submit_form(b, "/pesan", f"form[action='/blokir/{world['resident_a'].id}/buka']")
    assert unblocked.status_code == 303
    assert submit_form(a, f"/pesan/{talk}", "#send-form", {"body": "Halo?"}).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Block)) == 0


def test_blocking_someone_one_could_never_write_to_is_not_found(world, as_user, citra):
    client = as_user(citra)
    assert post_form(client, f"/blokir/{world['resident_a'].id}").status_code == 404
    assert post_form(client, f"/blokir/{citra.id}").status_code == 404


# --- the send limit -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "app_config",
    [{"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://",
      "MESSAGE_LIMIT_PER_SENDER": "3 per minute"}],
    indirect=True,
)  # fmt: skip
def test_a_burst_then_tunggu_sebentar(app, world, as_user):
    from community.extensions import limiter

    limiter.reset()
    a = as_user(world["resident_a"])
    talk = start(app, world["resident_a"], world["resident_b"])
    url = f"/pesan/{talk}"

    burst = [
        submit_form(a, url, "#send-form", {"body": f"Pesan {n}"}).status_code for n in range(3)
    ]
    plain = submit_form(a, url, "#send-form", {"body": "Satu lagi"})
    htmx = submit_form(a, url, "#send-form", {"body": "Satu lagi"}, headers=HX)

    assert burst == [303, 303, 303]
    assert plain.status_code == 429
    assert "Tunggu sebentar sebelum mengirim lagi." in text_of(plain)
    assert htmx.status_code == 422  # htmx swaps 422: the form keeps what was typed
    assert "Tunggu sebentar sebelum mengirim lagi." in text_of(htmx)
    assert "Satu lagi" in htmx.get_data(as_text=True)
    assert stored_bodies(app, talk) == ["Pesan 0", "Pesan 1", "Pesan 2"]
    # another sender has their own allowance
    b = as_user(world["resident_b"])
    assert submit_form(b, url, "#send-form", {"body": "Saya juga"}).status_code == 303


# --- personal data ----------------------------------------------------------------------------


def test_the_export_holds_ones_own_messages_only(app, world, as_user):
    a = as_user(world["resident_a"])
    talk = start(app, world["resident_a"], world["resident_b"])
    send(app, talk, world["resident_a"], "Tulisan Siti")
    send(app, talk, world["resident_b"], "Tulisan Budi")

    data = json.loads(a.get("/profil/data.json").get_data(as_text=True))

    assert [m["body"] for m in data["messages"]] == ["Tulisan Siti"]
    assert data["conversations"][0]["conversation"] == talk


def test_deleting_the_account_removes_the_text_of_its_messages(app, world, as_user):
    a, b = as_user(world["resident_a"]), as_user(world["resident_b"])
    talk = start(app, world["resident_a"], world["resident_b"])
    send(app, talk, world["resident_a"], "Nomor rumah saya 12")
    send(app, talk, world["resident_b"], "Terima kasih")

    response = submit_form(a, "/profil", "form[action='/profil/hapus']",
                           {"del-password": PASSWORD, "del-confirm": "y"})  # fmt: skip

    assert response.status_code == 303
    assert stored_bodies(app, talk) == ["", "Terima kasih"]
    page = text_of(b.get(f"/pesan/{talk}"))
    assert "Pesan dengan warga terhapus" in page and "pesan dihapus" in page
    assert "Nomor rumah saya" not in page
    refused = submit_form(b, f"/pesan/{talk}", "#send-form", {"body": "Halo?"})
    assert refused.status_code == 422 and "sudah tidak memakai Rukun" in text_of(refused)
