"""One tap on a feed card answers without leaving the feed."""

from tests.conftest import post_form, text_of
from tests.forms import submit_form


def tap(client, activity_id: int, answer: str, **headers):
    """Tap an answer button on the activity's card in the feed."""
    return submit_form(client, "/", f"#card-answer-{activity_id} form",
                       button=f"button[value='{answer}']", headers=headers)  # fmt: skip


def test_feed_card_buttons_answer_and_swap_only_the_card(world, as_user):
    client = as_user(world["resident_a"])
    activity = world.activities["rt_a"]
    feed = client.get("/")
    assert f'id="card-answer-{activity.id}"' in feed.get_data(as_text=True)
    response = tap(client, activity.id, "hadir", **{"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert body.lstrip().startswith(f'<div class="card-answer" id="card-answer-{activity.id}"')
    assert "Jawaban Anda: Hadir" in text_of(response)
    assert "1 orang hadir" in text_of(response)
    assert "<html" not in body


def test_without_javascript_the_card_posts_back_to_the_feed(world, as_user):
    client = as_user(world["resident_a"])
    activity = world.activities["rt_a"]
    response = tap(client, activity.id, "mungkin")
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert "Jawaban Anda: Mungkin Hadir" in text_of(client.get("/"))


def test_next_never_leaves_the_site(world, as_user):
    client = as_user(world["resident_a"])
    activity = world.activities["rt_a"]
    response = post_form(  # tampered: not what the page renders
        client, f"/kegiatan/{activity.id}/jawab", {"answer": "tidak", "next": "//evil.example/"}
    )
    assert response.headers["Location"] == f"/kegiatan/{activity.id}"


def test_map_link_only_with_coordinates(app, world, as_user):
    from community.events.models import Activity
    from community.extensions import db

    client = as_user(world["resident_a"])
    activity = world.activities["rt_a"]
    assert "openstreetmap.org" not in client.get(f"/kegiatan/{activity.id}").get_data(as_text=True)
    with app.app_context():
        row = db.session.get(Activity, activity.id)
        row.latitude, row.longitude = -3.4417, 114.8316
        db.session.commit()
    page = client.get(f"/kegiatan/{activity.id}").get_data(as_text=True)
    assert "https://www.openstreetmap.org/?mlat=-3.4417&amp;mlon=114.8316" in page
