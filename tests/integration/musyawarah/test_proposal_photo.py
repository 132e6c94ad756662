"""A proposal's optional photo (#16), sent through the rendered form: kept without its
GPS position, shown on the proposal to whoever may see it and to nobody else; a file that
is not a photo is refused with the reason and nothing is kept."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image
from sqlalchemy import select

from community.extensions import db
from community.musyawarah.models import Proposal
from tests.integration.announcements.test_announcements import (
    gps_exif,
    jpeg,
    said,
    submit_announcement,
)

NEW = "/usulan/baru"


def _photos(app) -> set[str]:
    folder = Path(app.config["PROPOSAL_PHOTO_FOLDER"])
    return {p.name for p in folder.glob("*")} if folder.is_dir() else set()


def _proposals(app) -> list[Proposal]:
    with app.app_context():
        rows = db.session.scalars(select(Proposal).order_by(Proposal.id)).all()
        db.session.expunge_all()
        return rows


def _fields(world) -> dict:
    return {"scope": str(world.rt_a.id), "title": "Drainase Gang Mawar",
            "body": "Air menggenang setiap hujan", "category": "infrastruktur"}  # fmt: skip


def test_a_proposal_with_a_photo_shows_it_without_its_gps_position(app, world, as_user):
    siti = as_user(world["resident_a"])
    before = _photos(app)
    response = submit_announcement(
        siti, NEW, _fields(world), photo=(jpeg(exif=gps_exif()), "g.jpg")
    )

    assert response.status_code == 303
    (row,) = _proposals(app)
    assert _photos(app) - before == {row.photo_name}
    page = siti.get(response.headers["Location"]).get_data(as_text=True)
    assert f'src="/usulan/{row.id}/foto"' in page
    assert 'alt="Foto usulan: Drainase Gang Mawar"' in page
    # a neighbour of the same RT sees it; the photo holds nothing but pixels
    served = as_user(world["pengurus_a"]).get(f"/usulan/{row.id}/foto")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    image = Image.open(io.BytesIO(served.data))
    assert not image.getexif().get_ifd(0x8825) and 0x010F not in image.getexif()
    # the other RT's resident cannot see the proposal, nor its photo
    budi = as_user(world["resident_b"])
    assert budi.get(f"/usulan/{row.id}").status_code == 404
    assert budi.get(f"/usulan/{row.id}/foto").status_code == 404


def test_a_proposal_without_a_photo_has_none_to_serve(app, world, as_user):
    siti = as_user(world["resident_a"])
    response = submit_announcement(siti, NEW, _fields(world))
    assert response.status_code == 303
    (row,) = _proposals(app)
    assert row.photo_name is None
    assert "/foto" not in siti.get(response.headers["Location"]).get_data(as_text=True)
    assert siti.get(f"/usulan/{row.id}/foto").status_code == 404


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_kept(app, world, as_user):
    before = _photos(app)
    response = submit_announcement(
        as_user(world["resident_a"]), NEW, _fields(world), photo=(b"%PDF-1.4\n", "usulan.jpg")
    )
    assert response.status_code == 422
    assert "Berkas ini bukan foto. Pilih foto JPEG, PNG, atau WebP." in said(response)
    assert _proposals(app) == [] and _photos(app) == before
