"""Issue 15 item 16: a model is named with its brand once ("Redmi Note 13", not "Redmi Redmi
Note 13"), through one helper (catalog.rules.model_display) used by the model, the console
templates and the exports."""

from pathlib import Path

import pytest

from orderdesk.catalog.models import Brand, DeviceModel
from orderdesk.catalog.rules import model_display


@pytest.mark.parametrize(
    ("brand", "model", "shown"),
    [
        ("Redmi", "Redmi Note 13 5G", "Redmi Note 13 5G"),
        ("redmi", "Redmi 13C 5G", "Redmi 13C 5G"),
        ("Apple", "iPhone 15", "Apple iPhone 15"),
        ("Samsung", "Galaxy S24", "Samsung Galaxy S24"),
        ("Nothing", "Nothing", "Nothing"),
        ("OnePlus", "OnePlusX", "OnePlus OnePlusX"),  # a brand-like prefix, not the brand word
        ("", "Pixel 8", "Pixel 8"),
    ],
)
def test_model_display_names_the_brand_once(brand, model, shown):
    assert model_display(brand, model) == shown


def test_device_model_str_and_display_name_do_not_repeat_the_brand():
    m = DeviceModel(brand=Brand(name="Redmi"), name="Redmi Note 13 5G")
    assert str(m) == "Redmi Note 13 5G"
    assert m.display_name == "Redmi Note 13 5G"


def test_templates_do_not_join_brand_and_model_by_hand():
    """Every template (console, storefront) names a model through ``display_name``."""
    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(p.relative_to(root))
        for p in root.rglob("templates/**/*.html")
        if ".brand.name }} {{" in p.read_text(encoding="utf-8")
    ]
    assert offenders == []
