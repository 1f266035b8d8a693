"""M3: the estimate is computed by the server from the catalog; every answer counts; the floor holds."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orderdesk.catalog.actions import create_quote, price_for
from orderdesk.catalog.models import ConditionOption, Quote
from orderdesk.catalog.rules import Adjustment, estimate_price
from orderdesk.core.errors import DomainError, ValidationFailed
from orderdesk.core.models import AuditEvent

PERFECT = {"screen": "flawless", "body": "good"}


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"screen": "flawless", "body": "good"}, 50000),
        ({"screen": "scratched", "body": "good"}, 45000),  # -10%
        ({"screen": "cracked", "body": "good"}, 30000),  # -40%
        ({"screen": "flawless", "body": "dented"}, 47000),  # -5% then -₹500
        ({"screen": "scratched", "body": "dented"}, 42250),  # 50,000 * 0.9 * 0.95 - 500 = 42,250
        ({"screen": "cracked", "body": "dented"}, 28000),  # 50,000 * 0.6 * 0.95 - 500 = 28,000
    ],
)
def test_every_answer_changes_the_estimate_as_configured(catalog, answers, expected):
    assert price_for(catalog["v128"], answers) == expected


def test_each_option_is_priced_by_its_configuration(catalog):
    """Every option of every question moves the price by exactly what the catalog says."""
    for option in ConditionOption.objects.filter(question__device_type=catalog["phone"]):
        answers = dict(PERFECT, **{option.question.key: option.key})
        expected = estimate_price(
            50000, [Adjustment("", "", option.adjustment_percent, option.adjustment_flat)], 500
        )
        assert price_for(catalog["v128"], answers) == expected


def test_changing_the_catalog_changes_the_estimate(catalog):
    option = ConditionOption.objects.get(question__key="screen", key="scratched")
    option.adjustment_percent = -20
    option.save()
    assert price_for(catalog["v128"], {"screen": "scratched", "body": "good"}) == 40000


def test_floor_holds_for_a_wreck(catalog):
    catalog["v128"].base_price = 900
    catalog["v128"].save()
    assert (
        price_for(catalog["v128"], {"screen": "cracked", "body": "dented"}) == 500
    )  # floor of phones


@given(
    base=st.integers(min_value=1, max_value=500_000),
    percents=st.lists(st.integers(min_value=-100, max_value=100), max_size=6),
    flats=st.lists(st.integers(min_value=-20_000, max_value=5_000), max_size=6),
    floor=st.integers(min_value=0, max_value=5_000),
)
def test_estimate_is_never_below_the_floor_and_is_a_round_ten(base, percents, flats, floor):
    adjustments = [Adjustment("q", "o", p, 0) for p in percents] + [
        Adjustment("q", "o", 0, f) for f in flats
    ]
    price = estimate_price(base, adjustments, floor)
    assert price >= floor
    assert price == floor or price % 10 == 0


def test_unanswered_question_is_refused_naming_it(catalog):
    with pytest.raises(ValidationFailed) as err:
        create_quote(variant_id=catalog["v128"].pk, answers={"screen": "flawless"})
    assert (err.value.field, err.value.code) == ("answers.body", "condition_incomplete")
    assert Quote.objects.count() == 0 and AuditEvent.objects.count() == 0


def test_unknown_option_and_unknown_question_are_refused(catalog):
    with pytest.raises(ValidationFailed) as err:
        create_quote(
            variant_id=catalog["v128"].pk,
            answers={"screen": "shattered", "body": "good", "colour": "red"},
        )
    codes = {(e.field, e.code) for e in err.value.errors}
    assert codes == {("answers.screen", "option_invalid"), ("answers.colour", "question_unknown")}
    assert Quote.objects.count() == 0


def test_inactive_model_is_not_in_the_catalog(catalog):
    catalog["iphone"].active = False
    catalog["iphone"].save()
    with pytest.raises(ValidationFailed) as err:
        create_quote(variant_id=catalog["v128"].pk, answers=PERFECT)
    assert (err.value.field, err.value.code) == ("variant_id", "model_not_in_catalog")


def test_quote_is_kept_with_its_price_and_audited(catalog, cast):
    quote = create_quote(
        variant_id=catalog["v256"].pk,
        answers={"screen": "scratched", "body": "good"},
        pincode="560034",
        user=cast["sales"],
    )
    assert (quote.base_price, quote.estimated_price, quote.pincode) == (56000, 50400, "560034")
    assert AuditEvent.objects.filter(action="quote.create", object_id=str(quote.pk)).count() == 1


@pytest.mark.parametrize(
    ("variant", "pincode", "code"),
    [
        ("v128", "110001", "pincode_not_serviceable"),
        ("mac_variant", "560034", "device_not_serviceable"),
    ],
)
def test_quote_for_an_unserved_place_is_refused(catalog, variant, pincode, code):
    answers = PERFECT if variant == "v128" else {"powers_on": "yes"}
    with pytest.raises(DomainError) as err:
        create_quote(variant_id=catalog[variant].pk, answers=answers, pincode=pincode)
    assert (err.value.field, err.value.code) == ("pincode", code)
    assert Quote.objects.count() == 0
