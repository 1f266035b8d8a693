import pytest

from orderdesk.testing.factories import agent_order_request


@pytest.fixture
def order_request(catalog):
    """A complete, valid agent order for the catalog fixture (iPhone 15 128 GB, Koramangala, UPI)."""

    def build(**changes):
        return agent_order_request(catalog, **changes)

    return build


@pytest.fixture
def api_order_body(catalog):
    def build(**changes):
        body = {
            "variant_id": catalog["v128"].pk,
            "answers": {"screen": "scratched", "body": "good"},
            "customer": {"name": "Asha Rao", "phone": "98765 43210"},
            "pickup": {
                "line1": "14, 3rd Cross, 5th Block",
                "landmark": "Opposite Forum Mall",
                "city": "Bengaluru",
                "pincode": "560034",
                "slot_id": catalog["morning"].pk,
            },
            "payment": {"method": "upi", "upi_id": "asha.rao@okaxis"},
        }
        body.update(changes)
        return body

    return build


@pytest.fixture
def agent_fields():
    return {
        "reason": "customer_requested_help",
        "consent": {"confirmed": True, "statement": "Yes, please place the order"},
        "price_confirmed": True,
    }
