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
