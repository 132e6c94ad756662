"""After sign-in, a language switch or an answer, ``next`` never leads to another site."""

import pytest

from tests.conftest import PASSWORD
from tests.forms import submit_form

TRICKS = [
    "/%09/evil.example/",  # the browser drops the tab: //evil.example/
    "/%0a/evil.example/",
    "/%5C/evil.example/",  # a backslash is a slash to the browser
    "/x%0d%0aSet-Cookie:%20a=b",  # was a 500 (a newline in the Location header)
    "https://evil.example/",
]


@pytest.mark.parametrize("trick", TRICKS)
def test_a_real_sign_in_never_leaves_the_site(client, world, trick):
    response = submit_form(
        client,
        f"/masuk?next={trick}",
        "main form",
        data={"phone": world["resident_a"].phone, "password": PASSWORD},
    )

    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert "Set-Cookie: a" not in str(response.headers)


def test_a_local_next_is_still_followed_after_sign_in(client, world):
    response = submit_form(
        client,
        "/masuk?next=/tetangga",
        "main form",
        data={"phone": world["resident_a"].phone, "password": PASSWORD},
    )

    assert response.headers["Location"] == "/tetangga"


@pytest.mark.parametrize("trick", ["/\t/evil.example/", "/\r\n/evil.example/", "//evil.example"])
def test_language_switch_and_answer_stay_on_the_site(world, as_user, trick):
    client = as_user(world["resident_a"])
    activity = world.activities["rt_a"]

    language = submit_form(client, "/", "form.language-form", data={"next": trick})
    answer = submit_form(
        client, "/", f"#card-answer-{activity.id} form", data={"next": trick},
        button="button[value=hadir]",
    )  # fmt: skip

    assert language.status_code == 303 and language.headers["Location"] == "/"
    assert answer.status_code == 303
    assert answer.headers["Location"] in ("/", f"/kegiatan/{activity.id}")  # the fallbacks
