"""A person's name as typed on a phone, and the password limits (issue #19)."""

from __future__ import annotations

import pytest

from community.accounts import rules


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Siti Aminah", "Siti Aminah"),
        ("  Siti   Aminah  ", "Siti Aminah"),  # spaces around and between
        ("Siti Aminah\n", "Siti Aminah"),  # a newline pasted from a chat
        ("Budi\x00 Santoso\x1b", "Budi Santoso"),  # control characters go
        ("I Gusti Ngurah Rai", "I Gusti Ngurah Rai"),
        ("Ni Luh Putu Ayu Renée", "Ni Luh Putu Ayu Renée"),  # letters beyond ASCII stay
        ("Muhammad 'Udin' Al-Banjari", "Muhammad 'Udin' Al-Banjari"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_clean_name(typed, kept):
    assert rules.clean_name(typed) == kept


@pytest.mark.parametrize("typed", ["Siti\tAminah", "Siti\u00a0Aminah", "Siti\u2003Aminah"])
def test_words_apart_stay_apart_whatever_space_was_pasted(typed):
    assert rules.clean_name(typed) == "Siti Aminah"


def test_clean_name_removes_invisible_format_characters():
    assert rules.clean_name("Ahmad\u200b Yani\u202e") == "Ahmad Yani"
    assert rules.clean_name("Siti \u200b Aminah") == "Siti Aminah"  # no double space left


def test_a_name_fits_eighty_characters():
    assert rules.NAME_MAX_LENGTH == 80  # one line of a phone screen


def test_passwords_from_eight_to_128_characters():
    assert rules.password_problem("Kb7#qWz") == "too_short"  # 7
    assert rules.password_problem("Kb7#qWzm") is None  # 8
    assert rules.password_problem(("Kb7#qWzm" * 16)[:128]) is None
    assert rules.password_problem(("Kb7#qWzm" * 17)[:129]) == "too_long"


@pytest.mark.parametrize(
    "typed",
    [
        "O812 3456 7890",  # a letter O typed for a zero
        "---",  # no digits at all
        "+0",  # not a number libphonenumber can read
        "0812345678901234567890123",  # far too long
        "+1 202 555 0143",  # not Indonesian
        "0511-4772345",  # a landline in Banjarmasin
    ],
)
def test_a_refused_phone_number_tells_what_was_typed(typed):
    with pytest.raises(rules.InvalidPhone) as info:
        rules.normalise_phone(typed)
    assert info.value.args == (typed,)  # shown back in the form's error


def test_the_common_password_list_is_read_from_its_file_without_comments():
    loaded = rules._load_common_passwords()
    assert loaded == rules.COMMON_PASSWORDS
    assert len(loaded) > 1000
    assert not any(word.startswith("#") or not word or word != word.strip() for word in loaded)
