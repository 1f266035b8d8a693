"""Issue 18: an address reads "near Forum Mall", never "near Near Forum Mall"."""

import pytest

from orderdesk.core.places import landmark_phrase
from orderdesk.customers.models import Address


@pytest.mark.parametrize(
    ("typed", "reads"),
    [
        ("Forum Mall", "near Forum Mall"),
        ("Near Forum Mall", "Near Forum Mall"),
        ("near forum mall", "near forum mall"),
        ("Opposite Forum Mall", "Opposite Forum Mall"),
        ("Opp. Ganesh temple", "Opp. Ganesh temple"),
        ("Behind the bus depot", "Behind the bus depot"),
        ("Nearby Bakery", "near Nearby Bakery"),  # a word starting "near" is not the preposition
        ("", ""),
        (None, ""),
    ],
)
def test_a_landmark_gets_near_only_when_it_has_no_preposition(typed, reads):
    assert landmark_phrase(typed) == reads


def test_an_address_with_a_near_landmark_reads_once():
    address = Address(
        line1="14, 3rd Cross", landmark="Near Forum Mall", city="Bengaluru", pincode="560034"
    )
    assert str(address) == "14, 3rd Cross, Near Forum Mall, Bengaluru, 560034"
