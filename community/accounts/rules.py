"""Pure rules for accounts: phone numbers and passwords. No Flask, no database."""

from __future__ import annotations

from importlib import resources

import phonenumbers

PASSWORD_MIN_LENGTH = 8  # OWASP/ASVS minimum; longer is encouraged on the form
PASSWORD_MAX_LENGTH = 128  # bounds hashing cost for pasted junk
NAME_MAX_LENGTH = 80  # fits a full Indonesian name on one line of a phone screen


def _load_common_passwords() -> frozenset[str]:
    """The shipped list (``data/common-passwords.txt``: source and licence in its header)."""
    text = resources.files(__package__).joinpath("data/common-passwords.txt").read_bytes().decode()
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


# The 5,000 most common real passwords of 8+ characters, plus Indonesian favourites:
# rejecting them costs nothing and stops the first guesses of every attacker.
COMMON_PASSWORDS = _load_common_passwords()


class InvalidPhone(ValueError):
    """The text is not an Indonesian mobile number."""


def normalise_phone(raw: str) -> str:
    """Return an Indonesian mobile number in E.164 (``+628…``).

    Accepts ``08…``, ``+62…`` and ``62…`` with spaces, dots or dashes in between.
    Raises :class:`InvalidPhone` for anything that is not a valid Indonesian mobile.
    """
    if not raw or any(ch.isalpha() for ch in raw):  # "O" typed for "0" must not become a number
        raise InvalidPhone(raw)
    # libphonenumber refuses empty and overlong text, and reads "62…" under region ID as +62…
    text = "".join(ch for ch in raw if ch.isdigit() or ch == "+")
    try:
        number = phonenumbers.parse(text, "ID")
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(raw) from exc
    if number.country_code != 62 or not phonenumbers.is_valid_number(number):
        raise InvalidPhone(raw)
    if phonenumbers.number_type(number) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise InvalidPhone(raw)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str) -> str:
    """``+6281234567890`` → ``0812-3456-7890``: the national format of libphonenumber
    (the grouping differs by operator prefix and length, which it knows)."""
    try:
        number = phonenumbers.parse(e164)  # E.164 carries its country
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def password_problem(password: str) -> str | None:
    """Return a problem code for a password that must be refused, else ``None``."""
    if len(password) < PASSWORD_MIN_LENGTH:
        return "too_short"
    if len(password) > PASSWORD_MAX_LENGTH:
        return "too_long"
    if password.lower() in COMMON_PASSWORDS or len(set(password)) == 1:
        return "too_common"
    return None


def clean_name(raw: str) -> str:
    """Collapse whitespace and strip control characters from a person's name. Any space
    (a tab, a non-breaking space pasted from WhatsApp) separates words; invisible and
    control characters inside a word are dropped."""
    words = ("".join(ch for ch in word if ch.isprintable()) for word in raw.split())
    return " ".join(word for word in words if word)
