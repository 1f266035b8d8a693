"""Issue 15, item 15 (Consumer Protection (E-Commerce) Rules 2020, rule 4(4)): every customer
page shows the grievance officer's name, designation and contact, from the setting, in the
visitor's language, with the 48-hour / one-month promise."""

from __future__ import annotations

import pytest


@pytest.fixture
def officer(settings):
    settings.ORDERDESK = {
        **settings.ORDERDESK,
        "GRIEVANCE_OFFICER": {
            "name": "Kavya Menon",
            "designation": "Grievance Officer",
            "email": "grievance@sellit.example",
            "phone": "+91 80 4111 2222",
            "address": "12 MG Road, Bengaluru 560001",
        },
    }


@pytest.mark.django_db
def test_ecommerce_rule_4_4_grievance_officer_is_on_every_customer_page(client, officer):
    html = client.get("/sell/").content.decode()
    footer = html[html.index('data-testid="grievance-officer"') :]
    for shown in (
        "Kavya Menon",
        "Grievance Officer",
        "grievance@sellit.example",
        "+91 80 4111 2222",
        "12 MG Road",
    ):
        assert shown in footer
    assert "acknowledged within 48 hours and resolved within one month" in footer
    # a tracking link gone wrong is a customer page too
    refused = client.get("/t/not-a-token/").content.decode()
    assert "Kavya Menon" in refused


@pytest.mark.django_db
def test_ecommerce_rule_4_4_grievance_officer_in_hindi(client, officer):
    html = client.get("/sell/?lang=hi").content.decode()
    assert "शिकायत अधिकारी" in html and "Kavya Menon" in html
