import pytest

from orderdesk.core.errors import ValidationFailed
from orderdesk.core.phones import display_phone, mask_phone, normalise_phone


@pytest.mark.parametrize(
    "typed",
    [
        "98765 43210",
        "+91-98765-43210",
        "09876543210",
        "9876543210",
        "+91 98765 43210",
        "919876543210",
        " 98765-43210 ",
    ],
)
def test_every_indian_way_of_typing_a_number_is_one_e164(typed):
    assert normalise_phone(typed) == "+919876543210"


@pytest.mark.parametrize(
    "typed", ["", "12345", "0000000000", "98765", "not a phone", "+91 12345 67890"]
)
def test_invalid_numbers_are_refused_naming_field_and_rule(typed):
    with pytest.raises(ValidationFailed) as err:
        normalise_phone(typed, field="customer.phone")
    assert err.value.field == "customer.phone"
    assert err.value.code in {"phone_invalid", "required"}


def test_foreign_numbers_with_country_code_are_kept():
    assert normalise_phone("+44 20 7946 0958") == "+442079460958"


def test_s2_mask_keeps_country_code_and_last_five_digits():
    assert mask_phone("+919876543210") == "+91•••••43210"
    assert mask_phone("") == ""


def test_display_phone_groups_digits_for_reading_out():
    assert display_phone("+919876543210") == "+91 98765 43210"
