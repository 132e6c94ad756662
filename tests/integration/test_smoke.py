from tests.conftest import text_of


def test_home_for_resident_names_their_rt(world, as_user):
    page = as_user(world["resident_a"]).get("/")
    assert page.status_code == 200
    assert "RT 01 / RW 01" in text_of(page)
