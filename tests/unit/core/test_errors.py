"""One refusal shape for every domain (``core/errors.DomainError``)."""

from __future__ import annotations

import pytest

from community.accounts.services import AccountError
from community.areas.services import AreaError
from community.core.errors import DomainError
from community.events.rules import EventError
from community.notifications.outbox import SubscriptionError

MESSAGES = {
    "full": "Tempat sudah penuh.",
    "member_elsewhere": "Anda sudah menjadi warga %(rt)s.",
    "percent": "Diskon 100%",
}


@pytest.mark.parametrize("error", [AccountError, AreaError, EventError, SubscriptionError])
def test_every_domain_refusal_is_a_domain_error_with_a_code(error):
    exc = error("full")

    assert isinstance(exc, DomainError)
    assert exc.code == "full" and exc.details == {} and str(exc) == "full"
    assert exc.message(MESSAGES) == "Tempat sudah penuh."


def test_details_fill_in_the_message():
    exc = AreaError("member_elsewhere", rt="RT 01 / RW 05")

    assert exc.message(MESSAGES) == "Anda sudah menjadi warga RT 01 / RW 05."


def test_a_message_without_details_is_taken_as_written():
    assert DomainError("percent").message(MESSAGES) == "Diskon 100%"


def test_a_code_without_words_is_a_bug_not_a_blank_message():
    with pytest.raises(KeyError):
        DomainError("unheard_of").message(MESSAGES)
