"""The storefront speaks English and Hindi alike; every message about an order carries the
tracking link."""

from __future__ import annotations

import pytest

from orderdesk.messaging.models import MessageKind
from orderdesk.storefront.text import EN, HI, STATUS


@pytest.mark.django_db  # the package's autouse fixture empties the shared (database) cache
def test_every_storefront_string_exists_in_english_and_hindi():
    assert set(EN) == set(HI)
    assert set(STATUS["en"]) == set(STATUS["hi"])
    assert all(HI[key].strip() for key in HI)


@pytest.mark.django_db
def test_every_message_kind_about_an_order_carries_the_tracking_link_in_every_template():
    kinds = [k for k in MessageKind.objects.all() if "order_number" in k.variables]
    assert len(kinds) >= 9
    for kind in kinds:
        assert "tracking_url" in kind.variables, kind.key
        for template in kind.templates.all():
            assert "{{ tracking_url }}" in template.body, (kind.key, template.language)
            assert template.problems() == []


@pytest.mark.django_db
def test_the_phone_code_kind_is_sms_only_in_english_and_hindi():
    kind = MessageKind.objects.get(key="phone_verification")
    assert (kind.default_channels, kind.category) == (["sms"], "transactional")
    assert set(kind.templates.values_list("language", flat=True)) == {"en", "hi"}


@pytest.mark.django_db
def test_the_hindi_device_page_shows_the_questions_in_hindi_and_english_where_none_is_kept(
    client, catalog
):
    """Issue 19: the catalogue's questions and options follow the page's language; a text the
    catalogue keeps no Hindi for ("Cracked", "Dents" in the factory) shows in English."""
    from django.urls import reverse

    url = reverse("storefront:device", args=[catalog["v128"].pk])
    hindi = client.get(url + "?lang=hi").content.decode()
    for text in ("स्क्रीन की हालत?", "बेदाग़", "मामूली खरोंचें", "बॉडी की हालत?", "कोई डेंट नहीं"):
        assert text in hindi, text
    assert "Cracked" in hindi and "Dents" in hindi  # the English fallback
    assert "Screen condition?" not in hindi and "Minor scratches" not in hindi

    english = client.get(url + "?lang=en").content.decode()
    assert "Screen condition?" in english and "Minor scratches" in english
    assert "स्क्रीन की हालत?" not in english


@pytest.mark.django_db  # the package's autouse fixture empties the shared (database) cache
def test_in_language_falls_back_to_english():
    from orderdesk.catalog.rules import in_language

    assert in_language("Yes", "हाँ", "hi") == "हाँ"
    assert in_language("Yes", "", "hi") == "Yes"
    assert in_language("Yes", "  ", "hi") == "Yes"
    assert in_language("Yes", "हाँ", "en") == "Yes"
