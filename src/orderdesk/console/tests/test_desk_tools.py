"""The quote calculator (M3: the server computes the estimate), the serviceability
check (M2) and customer search (S2: masked phones)."""

import html as htmllib

import pytest

from orderdesk.catalog.models import Quote
from orderdesk.customers.actions import get_or_create_customer

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def text_of(response) -> str:
    return htmllib.unescape(response.content.decode())


def test_model_search_lists_matching_models_and_their_variants(client_for, catalog):
    response = client_for("sales").get("/console/tools/quote/models/", {"q": "iphone"}, **HX)
    assert response.status_code == 200
    html = text_of(response)
    assert "iPhone 15" in html
    assert f"variant_id={catalog['v128'].pk}" in html
    assert f"variant_id={catalog['v256'].pk}" in html
    assert "MacBook" not in html
    assert "<html" not in html  # a fragment for HTMX


def test_model_search_without_htmx_is_a_whole_page(client_for, catalog):
    response = client_for("sales").get("/console/tools/quote/models/", {"q": "macbook"})
    html = text_of(response)
    assert "<html" in html
    assert "MacBook Air M2" in html
    assert 'id="model-q"' in html  # the search form is on the page too


def test_questions_for_a_variant_are_its_device_types_questionnaire(client_for, catalog):
    response = client_for("sales").get(
        "/console/tools/quote/questions/", {"variant_id": catalog["v128"].pk}, **HX
    )
    html = text_of(response)
    assert "Screen condition?" in html
    assert "Body condition?" in html
    assert 'name="answers.screen" value="scratched"' in html
    assert "Does it power on?" not in html  # the laptop's question


def test_quote_is_computed_by_the_server(cast, client_for, catalog):
    # Given iPhone 15 128 GB (base ₹50,000), screen scratched (-10%), body good (0%)
    response = client_for("sales").post(
        "/console/tools/quote/",
        {
            "variant_id": catalog["v128"].pk,
            "answers.screen": "scratched",
            "answers.body": "good",
            "estimated_price": "1",  # a typed price is ignored: nobody types a price
        },
        **HX,
    )
    assert response.status_code == 200
    assert "The estimated price showing is ₹45,000. Final price depends on inspection." in text_of(
        response
    )
    quote = Quote.objects.get()
    assert quote.estimated_price == 45000
    assert quote.answers == {"screen": "scratched", "body": "good"}
    assert quote.created_by == cast["sales"]


def test_unanswered_question_is_named_beside_its_field_and_nothing_is_quoted(client_for, catalog):
    response = client_for("sales").post(
        "/console/tools/quote/",
        {"variant_id": catalog["v128"].pk, "answers.screen": "cracked"},
        **HX,
    )
    assert response.status_code == 422
    html = text_of(response)
    assert (
        '<div class="field__error" id="q-body-error"><p>The question \'body\' is not answered.</p></div>'
        in html
    )
    assert 'id="q-screen-error"' not in html
    assert 'value="cracked" checked' in html  # the agent's answers are kept
    assert "The estimated price showing" not in html
    assert not Quote.objects.exists()


def test_pincode_not_served_for_the_device_is_shown_beside_the_pincode(client_for, catalog):
    response = client_for("sales").post(
        "/console/tools/quote/",
        {"variant_id": catalog["mac_variant"].pk, "answers.powers_on": "yes", "pincode": "560034"},
        **HX,
    )
    assert response.status_code == 422
    assert (
        '<div class="field__error" id="quote-pincode-error"><p>We do not pick up laptops at 560034 yet.</p></div>'
        in text_of(response)
    )
    assert not Quote.objects.exists()


def test_unknown_variant_is_refused(client_for, catalog):
    response = client_for("sales").post("/console/tools/quote/", {"variant_id": "999999"}, **HX)
    assert response.status_code == 422
    assert "Variant 999999 is not in the catalog." in text_of(response)


def test_quote_tools_need_a_get_or_post_as_designed(client_for, catalog):
    assert client_for("sales").get("/console/tools/quote/").status_code == 405


def test_serviceable_pincode_shows_city_and_open_slots(client_for, catalog):
    response = client_for("cx").get(
        "/console/tools/serviceability/", {"pincode": "560034", "device_type": "phone"}, **HX
    )
    assert response.status_code == 200
    html = text_of(response)
    assert "Serviceable: 560034 is in <strong>Bengaluru</strong> · Phone" in html
    assert "10:00-13:00" in html
    assert "16:00-19:00" in html
    assert "2 of 2" in html


def test_pincode_served_but_not_for_the_device_type(client_for, catalog):
    html = text_of(
        client_for("sales").get(
            "/console/tools/serviceability/", {"pincode": "560034", "device_type": "laptop"}, **HX
        )
    )
    assert "Not serviceable: 560034 (Bengaluru)" in html
    assert "We pick up in Bengaluru, but not this device type at this pincode." in html


def test_unserved_pincode_says_why(client_for, catalog):
    html = text_of(
        client_for("sales").get("/console/tools/serviceability/", {"pincode": "110001"}, **HX)
    )
    assert "Not serviceable: 110001" in html
    assert "We do not pick up at this pincode yet." in html


def test_malformed_pincode_is_named_beside_the_field(client_for, catalog):
    response = client_for("sales").get("/console/tools/serviceability/", {"pincode": "01234"}, **HX)
    assert response.status_code == 422
    assert 'id="svc-pincode-error"' in text_of(response)
    assert "must be 6 digits" in text_of(response)


def test_customer_search_by_phone_and_name_shows_masked_phones(client_for, db):
    get_or_create_customer(name="Ravi Kumar", phone="98765 43210")
    get_or_create_customer(name="Meena Iyer", phone="+91 91234 56789")
    client = client_for("sales")

    by_phone = text_of(client.get("/console/tools/customers/", {"q": "098765-43210"}, **HX))
    assert "Ravi Kumar" in by_phone
    assert "+91•••••43210" in by_phone
    assert "9876543210" not in by_phone
    assert "Meena" not in by_phone

    by_name = text_of(client.get("/console/tools/customers/", {"q": "meena"}, **HX))
    assert "Meena Iyer" in by_name
    assert "+91•••••56789" in by_name

    nobody = text_of(client.get("/console/tools/customers/", {"q": "zebra"}, **HX))
    assert "No customer matches “zebra”." in nobody
