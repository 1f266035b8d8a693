"""M7: order numbers are short, unambiguous and self-checking."""

from hypothesis import given, settings
from hypothesis import strategies as st

from orderdesk.orders.rules import (
    ALPHABET,
    BODY_LENGTH,
    ORDER_PREFIX,
    canonical_order_number,
    check_character,
    display_order_number,
    new_order_number,
    order_number_problem,
)

bodies = st.text(alphabet=ALPHABET, min_size=BODY_LENGTH, max_size=BODY_LENGTH)


def test_m7_alphabet_has_no_look_alikes():
    assert not set("ILOU01S") & set(ALPHABET)
    assert len(set(ALPHABET)) == len(ALPHABET) == 29


def test_m7_new_numbers_are_valid_and_read_in_groups():
    for _ in range(200):
        number = new_order_number()
        assert number.startswith(ORDER_PREFIX) and len(number) == 10
        assert order_number_problem(number) is None
    assert display_order_number("OD7K4M9QXR") == "OD-7K4M-9QXR"


@settings(max_examples=300)
@given(bodies)
def test_m7_every_single_substitution_is_caught(body):
    number = ORDER_PREFIX + body + check_character(body)
    chars = number[len(ORDER_PREFIX) :]
    for position in range(len(chars)):
        for replacement in ALPHABET:
            if replacement == chars[position]:
                continue
            typo = ORDER_PREFIX + chars[:position] + replacement + chars[position + 1 :]
            assert order_number_problem(typo) == "bad_check_character", typo


@settings(max_examples=300)
@given(bodies)
def test_m7_every_adjacent_swap_is_caught(body):
    chars = body + check_character(body)
    for i in range(len(chars) - 1):
        if chars[i] == chars[i + 1]:
            continue  # swapping equal characters changes nothing
        swapped = chars[:i] + chars[i + 1] + chars[i] + chars[i + 2 :]
        assert order_number_problem(ORDER_PREFIX + swapped) == "bad_check_character"


def test_m7_typed_forms_are_accepted_and_wrong_shapes_named():
    number = ORDER_PREFIX + "7K4M9QX" + check_character("7K4M9QX")
    spaced = f"od-{number[2:6].lower()} {number[6:]}"
    assert canonical_order_number(spaced) == number and order_number_problem(spaced) is None
    assert order_number_problem("OD123") == "bad_format"
    assert order_number_problem("XX7K4M9QXR") == "bad_format"
    assert order_number_problem("OD7K4M9QXI") == "bad_format"  # I is not in the alphabet
