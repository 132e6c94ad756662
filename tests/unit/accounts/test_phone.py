"""Phone numbers and passwords: the pure rules behind registration and sign-in."""

from __future__ import annotations

import phonenumbers
import pytest

from community.accounts.rules import (
    COMMON_PASSWORDS,
    PASSWORD_MAX_LENGTH,
    PASSWORD_MIN_LENGTH,
    InvalidPhone,
    display_phone,
    normalise_phone,
    password_problem,
)

# --- normalise_phone: what people type → E.164 -------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "081234567890",
        "0812 3456 7890",
        "0812-3456-7890",
        "0812.3456.7890",
        " 0812 - 3456 - 7890 ",
        "+6281234567890",
        "+62 812 3456 7890",
        "+62-812-3456-7890",
        "+62 (812) 3456-7890",
        "6281234567890",
        "62 812.3456.7890",
        "62-812-3456-7890",
    ],
)
def test_every_way_of_writing_one_mobile_gives_the_same_e164(typed):
    assert normalise_phone(typed) == "+6281234567890"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("0811-5123-456", "+628115123456"),  # Telkomsel Kalimantan, 11 digits
        ("0857 1234 5678", "+6285712345678"),  # Indosat
        ("0896.1234.5678", "+6289612345678"),  # Tri
        ("62 821 5000 1234", "+6282150001234"),
    ],
)
def test_other_operators_and_lengths(typed, expected):
    assert normalise_phone(typed) == expected


def test_result_is_canonical_so_normalising_twice_changes_nothing():
    once = normalise_phone("0812 3456 7890")
    assert normalise_phone(once) == once


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param("0511-4772345", id="banjarbaru-landline"),
        pytest.param("(0511) 4772345", id="landline-with-area-code-in-brackets"),
        pytest.param("021-5551234", id="jakarta-landline"),
        pytest.param("+62 511 4772345", id="landline-in-e164"),
        pytest.param("0812", id="too-short"),
        pytest.param("0812345", id="still-too-short"),
        pytest.param("08123456789012345", id="too-long"),
        pytest.param("0812" + "9" * 40, id="far-too-long"),
        pytest.param("+1 202 555 0143", id="usa"),
        pytest.param("+44 7911 123456", id="uk-mobile"),
        pytest.param("+60 12-345 6789", id="malaysia-mobile"),
        pytest.param("0812abcd", id="letters"),
        pytest.param("nomor saya", id="only-words"),
        pytest.param("0812-3456-78O0", id="letter-O-typed-for-zero"),
        pytest.param("08l2 3456 7890", id="letter-l-typed-for-one"),
        pytest.param("", id="empty"),
        pytest.param("   ", id="blank"),
        pytest.param("+", id="plus-only"),
        pytest.param("---", id="dashes-only"),
    ],
)
def test_refuses_what_is_not_an_indonesian_mobile(typed):
    with pytest.raises(InvalidPhone):
        normalise_phone(typed)


def test_none_is_refused_like_empty_text():
    with pytest.raises(InvalidPhone):
        normalise_phone(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "junk",
    ["<script>alert(1)</script>", "０８１２３４５６７８９０x", "☎" * 500, "+62+812+3456+7890"],
)
def test_junk_only_ever_raises_invalid_phone(junk):
    """A form must be able to catch every failure: no other exception escapes."""
    with pytest.raises(InvalidPhone):
        normalise_phone(junk)


def test_invalid_phone_is_a_value_error_carrying_the_input():
    with pytest.raises(ValueError) as info:
        normalise_phone("0511-4772345")
    assert info.value.args == ("0511-4772345",)


# --- display_phone ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("e164", "shown"),
    [
        ("+6281234567890", "0812-3456-7890"),
        ("+628115123456", "0811-5123-456"),
        ("+628123456789", "0812-3456-789"),
        ("+62811234567", "0811-234-567"),  # 10 digits: libphonenumber groups 4-3-3
        ("+62852123456", "0852-123-456"),
    ],
)
def test_display_phone_writes_numbers_the_local_way(e164, shown):
    assert display_phone(e164) == shown


def test_display_phone_is_libphonenumbers_national_format():
    for e164 in ("+6281234567890", "+62811234567", "+628112345678", "+6289612345678"):
        number = phonenumbers.parse(e164)
        national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        assert display_phone(e164) == national


def test_display_then_normalise_round_trips():
    e164 = "+6285712345678"
    assert normalise_phone(display_phone(e164)) == e164


# --- password_problem ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("", "too_short"),
        ("abc", "too_short"),
        ("x" * (PASSWORD_MIN_LENGTH - 1), "too_short"),
        ("sapulidi" + "x" * (PASSWORD_MAX_LENGTH - 7), "too_long"),
        ("a" * 10_000, "too_long"),
        ("12345678", "too_common"),
        ("password", "too_common"),
        ("PASSWORD", "too_common"),  # case does not make a common word strong
        ("Bismillah", "too_common"),
        ("banjarbaru", "too_common"),
        ("aaaaaaaa", "too_common"),  # a single repeated character
        ("zzzzzzzzzzzzzzzzzzzz", "too_common"),
        ("        ", "too_common"),
    ],
)
def test_password_problems(password, problem):
    assert password_problem(password) == problem


@pytest.mark.parametrize(
    "password",
    [
        "sapu lidi baru",
        "k3bun-s4yur",
        "a1" * (PASSWORD_MIN_LENGTH // 2),  # exactly the minimum length
        "Ab3$" * (PASSWORD_MAX_LENGTH // 4),  # exactly the maximum length
        "aaaaaaab",  # repeated, but not a single character
    ],
)
def test_acceptable_passwords(password):
    assert PASSWORD_MIN_LENGTH <= len(password) <= PASSWORD_MAX_LENGTH
    assert password_problem(password) is None


def test_every_common_password_is_refused_even_in_capitals():
    for password in COMMON_PASSWORDS:
        assert password_problem(password.upper()) in {"too_common", "too_short"}, password


@pytest.mark.parametrize(
    "password", ["trustno1", "sunshine", "princess", "qwertyuiop", "football", "1qaz2wsx"]
)
def test_common_passwords_from_the_real_list_are_refused(password):
    assert password_problem(password) == "too_common"
    assert password_problem(password.capitalize()) == "too_common"


def test_the_list_is_thousands_long_and_ships_with_its_source():
    from importlib import resources

    assert len(COMMON_PASSWORDS) >= 5000
    shipped = resources.files("community.accounts").joinpath("data/common-passwords.txt")
    header = shipped.read_text("utf-8").split("\n", 12)[:12]
    assert any("zxcvbn" in line and "MIT" in line for line in header)
    assert not any(p.startswith("#") or p != p.strip() for p in COMMON_PASSWORDS)
