"""WTForms' built-in messages reach residents in their language, never in raw English."""

from tests.conftest import post_form, text_of


def test_letters_in_a_number_field_get_an_indonesian_message(world, as_user):
    client = as_user(world["ketua_rw"])
    page = post_form(client, f"/wilayah/{world.rw.id}/tambah", {"number": "3a"})
    assert page.status_code == 422
    assert "Isian ini harus berupa angka." in text_of(page)
    assert "Not a valid integer" not in text_of(page)


def test_overlong_reset_code_gets_an_indonesian_message(client):
    page = post_form(
        client,
        "/lupa-sandi",
        {"phone": "0812 3456 7890", "code": "1" * 30, "password": "sapu lidi baru"},
    )
    assert page.status_code == 422
    assert "Isian ini paling banyak 20 karakter." in text_of(page)


def test_the_same_message_in_english(world, as_user):
    client = as_user(world["ketua_rw"])
    post_form(client, "/bahasa", {"language": "en"})
    page = post_form(client, f"/wilayah/{world.rw.id}/tambah", {"number": "3a"})
    assert page.status_code == 422
    assert "This must be a number." in text_of(page)
