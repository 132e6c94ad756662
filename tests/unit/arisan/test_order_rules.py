"""Urutan tetap agreed in advance (#15): what makes an order, and whose turn is next."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from community.arisan import rules
from community.arisan.rules import ArisanError as E

SLOTS = [11, 12, 13]


def test_every_name_gets_one_place_from_one_to_n():
    assert rules.order_problem({11: 2, 12: 3, 13: 1}, SLOTS, turns_given=0) is None
    assert rules.order_problem({11: 2, 12: None, 13: 1}, SLOTS, 0) == E.ORDER_INCOMPLETE
    assert rules.order_problem({11: 2, 13: 1}, SLOTS, 0) == E.ORDER_INCOMPLETE  # one left out
    assert rules.order_problem({11: 1, 12: 2, 13: 3, 99: 4}, SLOTS, 0) == E.ORDER_INCOMPLETE
    assert rules.order_problem({11: 1, 12: 1, 13: 3}, SLOTS, 0) == E.ORDER_DUPLICATE
    assert rules.order_problem({11: 1, 12: 2, 13: 4}, SLOTS, 0) == E.ORDER_DUPLICATE  # a gap
    assert rules.order_problem({11: 0, 12: 1, 13: 2}, SLOTS, 0) == E.ORDER_DUPLICATE
    # agreed beforehand: after the first turn of the cycle it stands
    assert rules.order_problem({11: 2, 12: 3, 13: 1}, SLOTS, turns_given=1) == E.ORDER_LOCKED


def test_the_next_turn_is_the_lowest_place_still_waiting():
    order = {11: 2, 12: 3, 13: 1}
    assert rules.next_in_order(order, [11, 12, 13]) == 13
    assert rules.next_in_order(order, [11, 12]) == 11
    assert rules.next_in_order(order, [12]) == 12
    assert rules.next_in_order(order, []) is None
    assert rules.next_in_order({11: None, 12: None, 13: None}, SLOTS) is None  # not agreed


@given(st.permutations([*SLOTS, 14, 15]))
def test_following_the_order_gives_each_name_its_turn_in_place(agreed):
    order = {slot: place for place, slot in enumerate(agreed, 1)}
    waiting, turns = list(order), []
    while (slot := rules.next_in_order(order, waiting)) is not None:
        turns.append(slot)
        waiting.remove(slot)
    assert turns == list(agreed)
    assert rules.order_problem(order, order, turns_given=0) is None
