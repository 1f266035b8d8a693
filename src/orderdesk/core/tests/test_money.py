import pytest

from orderdesk.core.money import format_inr, round_to


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (0, "₹0"),
        (999, "₹999"),
        (1000, "₹1,000"),
        (45000, "₹45,000"),
        (123456, "₹1,23,456"),
        (12345678, "₹1,23,45,678"),
        (-1500, "-₹1,500"),
    ],
)
def test_rupees_use_indian_grouping(amount, shown):
    assert format_inr(amount) == shown


def test_round_to_nearest_ten_half_up():
    assert round_to(44994.9) == 44990
    assert round_to(44995) == 45000
