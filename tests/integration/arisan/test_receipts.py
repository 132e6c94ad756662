""" "Sudah transfer" and receipts through the pages, submitting the forms as rendered: a member
reports a transfer with a receipt photo, the bendahara approves it (an iuran entry with the
receipt) or rejects it with a reason the member reads; the bendahara attaches a receipt
when marking a payment; receipts are seen by their member, the bendahara and the pengelola
only; bad files are refused with nothing kept; deleting an account removes the photos and
the export lists them."""

from __future__ import annotations

import html
import io
import json
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from community.accounts.models import User
from community.arisan.models import ArisanEntry, ArisanReceipt, ArisanReport
from community.extensions import db
from tests.conftest import PASSWORD, text_of
from tests.forms import FormNotFound, find_form, form_fields, submit_form

REPORT_FORM = "form[action$='/lapor']"
PAY_FORM = "form.arisan-pay-form"


def said(response) -> str:
    return html.unescape(text_of(response))


def jpeg(size=(64, 48), with_gps: bool = False) -> bytes:
    out = io.BytesIO()
    exif = Image.Exif()
    if with_gps:
        gps = exif.get_ifd(0x8825)
        gps[1], gps[2] = "S", (3.0, 26.0, 30.0)  # latitude of Banjarbaru
    Image.new("RGB", size, "blue").save(out, "JPEG", exif=exif)
    return out.getvalue()


def submit_with_photo(client, page: str, selector: str, data: dict, photo):
    """Fill the rendered form (only fields it has) and attach ``photo`` (bytes, name)."""
    form = find_form(client.get(page).get_data(as_text=True), selector)
    assert form.get("enctype") == "multipart/form-data"
    names = {el.get("name") for el in form.inputs if el.get("name")}
    pairs = [(n, v) for n, v in form_fields(form) if n != "photo"]
    for name, value in data.items():
        if name not in names:
            raise FormNotFound(f"the form has no field {name!r} (it has {sorted(names)})")
        pairs = [(n, v) for n, v in pairs if n != name] + [(name, value)]
    body = MultiDict(pairs)
    if photo is not None:
        assert "photo" in names, "the form has no photo input"
        body.add("photo", FileStorage(io.BytesIO(photo[0]), filename=photo[1], name="photo"))
    boundary, payload = encode_multipart(body)
    return client.post(
        form.get("action"), data=payload, content_type=f"multipart/form-data; boundary={boundary}"
    )


@pytest.fixture(autouse=True)
def _empty_receipt_folder(app):
    """The folder outlives one test (the app is shared): each test starts with none."""
    folder = Path(app.config["ARISAN_RECEIPT_FOLDER"])
    for path in folder.glob("*") if folder.is_dir() else []:
        path.unlink()


def receipt_files(app) -> set[str]:
    folder = Path(app.config["ARISAN_RECEIPT_FOLDER"])
    return {p.name for p in folder.glob("*")} if folder.is_dir() else set()


def person(app, name: str) -> User:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.name == name))
        db.session.expunge(user)
        return user


def reports(app) -> list[ArisanReport]:
    with app.app_context():
        rows = db.session.scalars(select(ArisanReport).order_by(ArisanReport.id)).all()
        db.session.expunge_all()
        return rows


def test_a_member_reports_a_transfer_and_the_bendahara_approves_it(app, world, as_user,
                                                                   make_group):  # fmt: skip
    group_id = make_group()
    round_page = f"/arisan/{group_id}/putaran/1"
    warga = as_user(person(app, "Warga Arisan 2"))
    page = said(warga.get(round_page))
    assert page.count("Sudah transfer?") == 1  # their own slot only
    before = receipt_files(app)

    sent = submit_with_photo(warga, round_page, REPORT_FORM, {"method": "qris"},
                             (jpeg(with_gps=True), "bukti.jpg"))  # fmt: skip

    assert sent.status_code == 303, said(sent)
    assert "menunggu dicek bendahara" in said(warga.get(round_page))
    [report] = reports(app)
    assert report.status == "menunggu" and report.method == "qris"
    [name] = receipt_files(app) - before
    stored = Path(app.config["ARISAN_RECEIPT_FOLDER"]) / name
    assert stored.stat().st_mode & 0o077 == 0, "receipts are the owner's alone"
    with Image.open(io.BytesIO(stored.read_bytes())) as kept:
        assert not kept.getexif().get_ifd(0x8825), "GPS position left in the receipt"
    assert "bukti" not in name

    siti = as_user(world["resident_a"])  # the bendahara
    waiting = said(siti.get(round_page))
    assert "Laporan transfer menunggu dicek" in waiting and "Lihat bukti transfer" in waiting
    approved = submit_form(siti, round_page, "form[action$='/setujui']")
    assert approved.status_code == 303
    after = said(warga.get(round_page))
    assert "menunggu dicek" not in after and "Sudah transfer?" not in after
    assert "Lihat bukti transfer" in after  # the member sees their own receipt
    with app.app_context():
        entry = db.session.scalar(select(ArisanEntry).where(ArisanEntry.kind == "iuran"))
        assert entry.method == "qris" and entry.amount_idr == 50_000
        assert entry.receipt_id == report.receipt_id
        row = db.session.get(ArisanReport, report.id)
        assert row.status == "disetujui" and row.entry_id == entry.id and row.pending_key is None

    receipt_url = f"/arisan/{group_id}/bukti/{report.receipt_id}"
    for who in (warga, siti, as_user(world["pengurus_a"])):  # member, bendahara, pengelola
        shown = who.get(receipt_url)
        assert shown.status_code == 200 and shown.mimetype == "image/jpeg"
        assert shown.headers["Cache-Control"] in ("no-store", "private, max-age=86400")
    other_member = as_user(person(app, "Warga Arisan 1"))
    assert "Lihat bukti transfer" not in said(other_member.get(round_page))
    assert other_member.get(receipt_url).status_code == 404
    assert as_user(world["resident_b"]).get(receipt_url).status_code == 404
    # Approving the same report again (a second tap) changes nothing.
    form = find_form(siti.get(f"/arisan/{group_id}/putaran/1").get_data(as_text=True), PAY_FORM)
    assert form is not None
    again = siti.post(f"/arisan/{group_id}/laporan/{report.id}/setujui",
                      data=dict(form_fields(form)))  # fmt: skip
    assert again.status_code == 422 and "sudah diputuskan" in said(again)


def test_a_rejected_report_shows_its_reason_and_may_be_sent_again(app, world, as_user,
                                                                  make_group):  # fmt: skip
    group_id = make_group()
    round_page = f"/arisan/{group_id}/putaran/1"
    warga = as_user(person(app, "Warga Arisan 2"))
    submit_with_photo(warga, round_page, REPORT_FORM, {}, (jpeg(), "a.png"))
    siti = as_user(world["resident_a"])

    short = submit_form(siti, round_page, "form.arisan-reject-form", data={"reason": "no"})
    assert short.status_code == 422 and "alasan penolakan" in said(short)
    assert reports(app)[0].status == "menunggu"
    refused = submit_form(siti, round_page, "form.arisan-reject-form",
                          data={"reason": "Nominal di bukti Rp5.000 saja"})  # fmt: skip

    assert refused.status_code == 303
    page = said(warga.get(round_page))
    assert "ditolak bendahara" in page and "Nominal di bukti Rp5.000 saja" in page
    assert "Sudah transfer?" in page
    with app.app_context():
        assert db.session.scalar(select(func.count(ArisanEntry.id))) == 0
    again = submit_with_photo(warga, round_page, REPORT_FORM, {}, (jpeg(), "b.jpg"))
    assert again.status_code == 303
    assert [r.status for r in reports(app)] == ["ditolak", "menunggu"]


def test_bad_receipts_and_tampered_slots_are_refused_and_nothing_is_kept(app, world, as_user,
                                                                         make_group):  # fmt: skip
    group_id = make_group()
    round_page = f"/arisan/{group_id}/putaran/1"
    warga = as_user(person(app, "Warga Arisan 2"))
    cases = [
        ((b"%PDF-1.4 not a photo", "bukti.jpg"), "bukan foto"),
        ((jpeg()[:200], "potong.jpg"), "bukan foto"),
        (None, "Lampirkan foto bukti transfer"),
    ]
    for photo, message in cases:
        response = submit_with_photo(warga, round_page, REPORT_FORM, {}, photo)
        assert response.status_code == 422, photo
        assert message in said(response)
    big = b"\xff\xd8" + b"0" * (5 * 1024 * 1024)
    too_big = submit_with_photo(warga, round_page, REPORT_FORM, {}, (big, "besar.jpg"))
    assert too_big.status_code in (413, 422)
    with app.app_context():
        other_slot = db.session.scalar(select(func.min(ArisanEntry.id)))  # no entry yet: None
        assert other_slot is None
        from community.arisan.models import ArisanMember, ArisanSlot

        siti_slot = db.session.scalar(
            select(ArisanSlot.id)
            .join(ArisanMember)
            .where(ArisanMember.user_id == world["resident_a"].id)
        )
    tampered = submit_with_photo(warga, round_page, REPORT_FORM, {"slot": str(siti_slot)},
                                 (jpeg(), "c.jpg"))  # fmt: skip
    assert tampered.status_code == 422 and "nama Anda sendiri" in said(tampered)
    foreign = submit_with_photo(warga, round_page, REPORT_FORM, {"slot": "999999"},
                                (jpeg(), "d.jpg"))  # fmt: skip
    assert foreign.status_code == 404
    assert reports(app) == [] and receipt_files(app) == set()
    with app.app_context():
        assert db.session.scalar(select(func.count(ArisanReceipt.id))) == 0


def test_a_second_report_while_one_waits_is_refused(app, world, as_user, make_group):
    group_id = make_group()
    round_page = f"/arisan/{group_id}/putaran/1"
    warga = as_user(person(app, "Warga Arisan 2"))
    form = find_form(warga.get(round_page).get_data(as_text=True), REPORT_FORM)
    first = submit_with_photo(warga, round_page, REPORT_FORM, {}, (jpeg(), "a.jpg"))
    assert first.status_code == 303
    body = MultiDict(form_fields(form))
    body.add("photo", FileStorage(io.BytesIO(jpeg()), filename="b.jpg", name="photo"))
    boundary, payload = encode_multipart(body)
    again = warga.post(form.get("action"), data=payload,
                       content_type=f"multipart/form-data; boundary={boundary}")  # fmt: skip
    assert again.status_code == 422 and "masih menunggu" in said(again)
    assert len(reports(app)) == 1 and len(receipt_files(app)) == 1


def test_the_bendahara_attaches_a_receipt_when_marking_a_payment(app, world, as_user,
                                                                 make_group):  # fmt: skip
    group_id = make_group()
    page = f"/arisan/{group_id}"
    siti = as_user(world["resident_a"])
    response = submit_with_photo(siti, page, PAY_FORM, {"method": "transfer"}, (jpeg(), "t.jpg"))
    assert response.status_code == 303, said(response)
    with app.app_context():
        entry = db.session.scalar(select(ArisanEntry))
        assert entry.receipt_id is not None and entry.method == "transfer"
    assert "Lihat bukti transfer" in said(siti.get(page))
    bad = submit_with_photo(siti, page, PAY_FORM, {}, (b"GIF89a nope", "x.gif"))
    assert bad.status_code == 422 and "bukan foto" in said(bad)
    assert len(receipt_files(app)) == 1
    # Without a photo it is a plain payment, as before.
    plain = submit_form(siti, page, PAY_FORM)
    assert plain.status_code == 303


def test_deleting_the_account_removes_their_receipts_and_the_export_lists_them(
    app, world, as_user, make_group
):
    group_id = make_group()
    round_page = f"/arisan/{group_id}/putaran/1"
    user = person(app, "Warga Arisan 2")
    warga = as_user(user)
    submit_with_photo(warga, round_page, REPORT_FORM, {}, (jpeg(), "a.jpg"))
    exported = json.loads(warga.get("/profil/data.json").get_data(as_text=True))
    [group] = exported["arisan"]
    assert group["transfer_reports"][0]["status"] == "menunggu"
    assert group["receipts"][0]["photo_kept"] is True
    assert len(receipt_files(app)) == 1

    deleted = submit_form(warga, "/profil", "form[action='/profil/hapus']",
                          {"del-password": PASSWORD, "del-confirm": "y"})  # fmt: skip

    assert deleted.status_code == 303
    assert receipt_files(app) == set()
    with app.app_context():
        receipt = db.session.scalar(select(ArisanReceipt))
        assert receipt.photo_name is None  # the ledger's row stays, without the photo
    siti = as_user(world["resident_a"])
    assert siti.get(f"/arisan/{group_id}/bukti/{receipt.id}").status_code == 404
