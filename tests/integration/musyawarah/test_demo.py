"""On the demo data a resident sees RT 01's proposals and can rank the open priorities poll
from the page; the closed secret poll shows its result."""

from __future__ import annotations

import html

from sqlalchemy import select

from community import demo
from community.accounts.models import User
from community.core.time import utcnow
from community.extensions import db
from community.musyawarah.models import Poll, Proposal
from tests.conftest import sign_in, text_of
from tests.forms import submit_form


def test_the_demo_resident_sees_the_proposals_and_ranks_the_priorities(app):
    with app.app_context():
        accounts = demo.load_demo(now=utcnow())
        db.session.commit()
        phone = next(a.phone for a in accounts if a.role == "Warga RT 01 / RW 01")
        resident = db.session.scalar(select(User).where(User.phone == phone))
        statuses = dict(db.session.execute(select(Proposal.title, Proposal.status)).all())
        open_poll, closed_poll = (
            db.session.scalar(select(Poll.id).where(Poll.question == question))
            for question in ("Prioritas RT 01 untuk Musrenbang", "Hari kerja bakti bulan depan")
        )
    assert statuses == {
        "Perbaikan drainase Gang Mawar": "dibahas",
        "Lampu jalan Gang 3": "diteruskan",
        "Pelatihan usaha kue untuk ibu-ibu PKK": "diajukan",
        "Renovasi pos kamling RT 02": "diterima",
    }
    client = sign_in(app.test_client(), resident)
    page = html.unescape(text_of(client.get("/musyawarah")))
    assert "Perbaikan drainase Gang Mawar" in page and "6 dukungan" in page
    assert "Lampu jalan Gang 3" in page  # forwarded to RW 01: still seen from RT 01
    assert "Renovasi pos kamling RT 02" not in page  # another RT's

    response = submit_form(client, f"/jajak/{open_poll}", "form[action$='/pilih']")
    assert response.status_code == 422  # nothing ranked
    with app.app_context():
        options = [o.id for o in db.session.get(Poll, open_poll).options]
    data = {"rank_1": str(options[3]), "rank_2": str(options[0])}
    assert (
        submit_form(client, f"/jajak/{open_poll}", "form[action$='/pilih']", data).status_code
        == 303
    )
    page = html.unescape(text_of(client.get(f"/jajak/{open_poll}")))
    assert "Anda sudah memilih." in page
    # 6 neighbours and the demo resident on a phone, 2 elderly neighbours on paper
    assert "9 dari 12 warga sudah memilih." in page

    page = html.unescape(text_of(client.get(f"/jajak/{closed_poll}")))
    assert "Terbanyak: Minggu pagi" in page
    assert "8 dari 10 warga sudah memilih (80%)." in page


def test_the_demo_resident_ticks_the_evenings_of_the_time_poll(app):
    import lxml.html

    from community.musyawarah.models import TimePoll

    with app.app_context():
        accounts = demo.load_demo(now=utcnow())
        db.session.commit()
        phone = next(a.phone for a in accounts if a.role == "Warga RT 01 / RW 01")
        resident = db.session.scalar(select(User).where(User.phone == phone))
        poll = db.session.scalar(select(TimePoll))
        url, options = f"/waktu-musyawarah/{poll.id}", [o.id for o in poll.options]
    client = sign_in(app.test_client(), resident)
    listed = html.unescape(text_of(client.get("/musyawarah")))
    assert "Musyawarah prioritas Musrenbang RT 01" in listed
    form = f"form[action='{url}/tandai']"
    assert submit_form(client, url, form, {"times": [str(options[1])]}).status_code == 303
    doc = lxml.html.document_fromstring(client.get(url).get_data(as_text=True))
    rows = doc.cssselect("table.time-marks tbody tr")
    # six neighbours ticked the Saturday evening and three each of the others; now seven
    assert [int(r.cssselect("td")[-1].text_content()) for r in rows] == [3, 7, 3]
    assert "Paling banyak bisa" in rows[1].text_content()


def test_the_demo_kelurahan_admin_exports_rt02s_priorities_for_musrenbang(app):
    """The Musrenbang list the kelurahan admin prints carries, under the proposals, the
    priorities RT 02 ranked in its closed poll, with their Borda points; and its CSV."""
    import csv
    import io

    from community.areas.models import Wilayah

    with app.app_context():
        accounts = demo.load_demo(now=utcnow())
        db.session.commit()
        phone = next(a.phone for a in accounts if a.role == "Admin kelurahan")
        admin = db.session.scalar(select(User).where(User.phone == phone))
        kelurahan = db.session.scalar(select(Wilayah.id).where(Wilayah.level == "kelurahan"))
    client = sign_in(app.test_client(), admin)
    page = html.unescape(text_of(client.get("/musyawarah")))
    assert "Prioritas RT 02 untuk Musrenbang" in page  # the closed poll is listed

    text = html.unescape(text_of(client.get(f"/musyawarah/musrenbang/{kelurahan}")))
    assert "Prioritas RT 02 untuk Musrenbang" in text
    assert "Belum ada jajak pendapat urutan prioritas" not in text
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/musyawarah/musrenbang/{kelurahan}/prioritas.csv")
                .get_data(as_text=True)
                .lstrip("\ufeff")
            ),
            delimiter=";",
        )
    )
    mine = [row[3:6] for row in rows[1:] if row[0] == "Prioritas RT 02 untuk Musrenbang"]
    # seven neighbours ranked four options (3, 2, 1 points): four put the drainage first and
    # the posyandu second, three the posyandu first and the drainage second
    assert mine == [["1", "Drainase depan Musala Al-Ikhlas", "18"], ["2", "Posyandu lansia", "17"],
                    ["3", "Renovasi pos kamling RT 02", "4"], ["4", "Pelatihan hidroponik", "3"]]  # fmt: skip
