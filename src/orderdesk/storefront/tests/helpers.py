"""Walk the storefront's pages with Django's test client, as a visitor does."""

from __future__ import annotations

from django.urls import reverse

from orderdesk.catalog.models import PickupSlot


def quote_and_verify(client, catalog, codes, *, phone="9812345678", name="Asha Rao"):
    """Device → condition → estimate → code → verified. Returns the last response."""
    variant = catalog["v128"]
    r = client.post(
        reverse("storefront:device", args=[variant.pk]), {"screen": "scratched", "body": "good"}
    )
    assert r.status_code == 302, r.content[:500]
    client.get(reverse("storefront:estimate"))
    r = client.post(reverse("storefront:estimate"), {"name": name, "phone": phone})
    assert r.status_code == 302, r.content[:800]
    r = client.post(reverse("storefront:verify"), {"code": codes[-1]})
    assert r.status_code == 302 and r.url == reverse("storefront:pincode"), r.content[:800]
    return r


def fill_pickup(client, slot: PickupSlot, **changes):
    r = client.post(reverse("storefront:pincode"), {"pincode": "560034"})
    assert r.status_code == 302, r.content[:800]
    data = {
        "slot_id": slot.pk,
        "line1": "14, 3rd Cross, 5th Block",
        "line2": "",
        "landmark": "Opposite Forum Mall",
        "payment_method": "upi",
        "upi_id": "asha.rao@okaxis",
    } | changes
    return client.post(reverse("storefront:details"), data)


def place(client):
    client.get(reverse("storefront:review"))
    return client.post(reverse("storefront:review"), {"consent": "yes"})
