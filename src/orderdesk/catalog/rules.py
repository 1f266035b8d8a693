"""Pricing and serviceability as pure rules (SPEC §2, M2, M3). No database writes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from orderdesk.core.errors import FieldError
from orderdesk.core.money import round_to

PRICE_STEP = 10  # estimates are quoted in round tens of rupees


@dataclass(frozen=True)
class Adjustment:
    question: str
    option: str
    percent: int
    flat: int


def estimate_price(base_price: int, adjustments: Iterable[Adjustment], floor: int) -> int:
    """M3: the estimate the customer is quoted.

    1. Start from the variant's base price (a flawless unit).
    2. Apply every answer's percentage, one after another (so two 10% cuts take 19%).
    3. Add every answer's flat amount (negative for deductions).
    4. Round to the nearest ₹10.
    5. Never below the device type's floor: we always pay something for a device we take.
    """
    price = float(base_price)
    adjustments = list(adjustments)
    for adj in adjustments:
        price *= (100 + adj.percent) / 100
    price += sum(adj.flat for adj in adjustments)
    return max(round_to(price, PRICE_STEP), floor)


def check_answers(
    questions: Mapping[str, Mapping[str, Adjustment]], answers: Mapping[str, str]
) -> list[FieldError]:
    """M3: every condition question answered with one of its options; nothing unknown."""
    errors: list[FieldError] = []
    for key, options in questions.items():
        answer = answers.get(key)
        if answer in (None, ""):
            errors.append(
                FieldError(
                    f"answers.{key}",
                    "condition_incomplete",
                    f"The question {key!r} is not answered.",
                )
            )
        elif answer not in options:
            errors.append(
                FieldError(
                    f"answers.{key}",
                    "option_invalid",
                    f"{answer!r} is not an answer to {key!r}; choose one of {', '.join(sorted(options))}.",
                )
            )
    for key in answers:
        if key not in questions:
            errors.append(
                FieldError(
                    f"answers.{key}",
                    "question_unknown",
                    f"There is no question {key!r} for this device.",
                )
            )
    return errors


def model_display(brand: str, model: str) -> str:
    """The one way a device model is named to people: brand and model once.

    Catalog names often carry the brand already ("Redmi" + "Redmi Note 13"); then the model
    name alone says both. Otherwise the brand goes first ("Apple" + "iPhone 15").
    """
    brand, model = brand.strip(), model.strip()
    if not brand:
        return model
    if model.casefold() == brand.casefold() or model.casefold().startswith(brand.casefold() + " "):
        return model
    return f"{brand} {model}".strip()


def in_language(english: str, hindi: str, lang: str) -> str:
    """A catalogue text in the visitor's language: Hindi when asked for and kept, otherwise
    English (a question or option without a Hindi text still shows, in English)."""
    if lang == "hi" and (hindi or "").strip():
        return hindi
    return english
