"""The will-place-order / already-ordered SOP's words and data (SPEC §3).

The scripts agents say, the default disposition tree, the training card's summary,
the decision guide and the prohibited list, kept apart from the rules that enforce
them (``leads.rules`` re-exports these names so callers keep working).

Source: ``shared/sops/will-place-order-vs-already-ordered.txt`` (quoted as "SOP §n").
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from orderdesk.leads.choices import DispositionGroup, DispositionKey

K = DispositionKey

# --- The SOP's words ---------------------------------------------------------------

# For the agent, so in the agent's language (the console translates it; gettext_noop marks it).
GOLDEN_RULE = gettext_noop("If the customer is acting independently, support—don't interfere.")
GOLDEN_RULE_SHORT = gettext_noop("Support independence. Don't duplicate effort.")

# The default disposition tree (SPEC §3), with the SOP's scripts and steps. The data
# migration 0002 seeds a frozen copy of this table; a test keeps the two in step.
# ``script`` is what the agent says; ``guidance`` what the agent does; both are quoted
# from the SOP where it has words for the outcome (marked "SOP §n").
DEFAULT_DISPOSITIONS: list[dict] = [
    {
        "key": K.WILL_PLACE_ORDER,
        "label": "Customer Will Place Order",
        "group": DispositionGroup.CONNECTED,
        "requires_notes": True,
        "agent_selectable": True,
        "position": 1,
        "script": (
            "Perfect 👍 If you need any help, I'm here.\n"
            "If anything blocks you, just reply or I can assist."
        ),
        "guidance": (
            "SOP §4. Acknowledge & support. Set a light follow-up: ask permission for a "
            "follow-up time (same day/next day). Do not push manual creation: offer help, not "
            "pressure. 1 gentle follow-up only (call or WhatsApp). If still not placed → move "
            "to Waiting for Quote or close politely. If placed → update to Already Ordered."
        ),
        "notes_example": (
            "Customer will place order themselves today. Asked for follow-up tomorrow 11 AM "
            "(if not placed)."
        ),
    },
    {
        "key": K.ALREADY_ORDERED,
        "label": "Already Placed an Order",
        "group": DispositionGroup.CONNECTED,
        "requires_notes": True,
        "agent_selectable": True,
        "position": 2,
        "script": "Great! Thanks for confirming.\nCould you share your Order ID, if you have it?",
        "guidance": (
            "SOP §5. Congratulate & confirm. Verify lightly: ask for the Order ID (if available) "
            "or confirm pickup details. Stop selling: no upsell, no re-creation, no additional "
            "persuasion. Sales hands off; Ops/CX owns the journey. Sales should not follow up "
            "again unless asked. If no order is found: ask the customer to wait; the system "
            "escalates to CX (SOP §7 case 1)."
        ),
        "notes_example": "Customer confirmed order placed. Pickup scheduled.",
    },
    {
        "key": K.CREATE_ORDER,
        "label": "Create Order",
        "group": DispositionGroup.CONNECTED,
        "requires_notes": True,
        "agent_selectable": False,
        "position": 3,
        "script": "",
        "guidance": (
            "SOP §6: Do not mark Create Order without creating one. The system sets this "
            "disposition when you create the order from this lead; you never pick it."
        ),
        "notes_example": "",
    },
    {
        "key": K.WAITING_FOR_QUOTE,
        "label": "Waiting for Quote",
        "group": DispositionGroup.CONNECTED,
        "requires_notes": True,
        "agent_selectable": True,
        "position": 4,
        "script": "No problem. I'll share the estimate so you can decide in your own time.",
        "guidance": (
            "The customer wants or is waiting on a price before deciding. Also the outcome "
            "when a Will Place Order has had its one follow-up and is still not placed "
            "(SOP §4, §7 case 2). Do not re-pitch or renegotiate (SOP §6)."
        ),
        "notes_example": "Wants the estimate for the 256 GB variant on WhatsApp before deciding.",
    },
    {
        "key": K.NOT_INTERESTED,
        "label": "Not Interested",
        "group": DispositionGroup.CONNECTED,
        "requires_notes": True,
        "agent_selectable": True,
        "position": 5,
        "script": "Thank you for your time. If you change your mind, we're one call away.",
        "guidance": "Close politely. Do not re-pitch or renegotiate (SOP §6).",
        "notes_example": "Sold the phone to a local shop last week; does not want to sell now.",
    },
    {
        "key": K.WRONG_PERSON,
        "label": "Wrong Person",
        "group": DispositionGroup.CONNECTED,
        "requires_notes": True,
        "agent_selectable": True,
        "position": 6,
        "script": "Sorry to have disturbed you. Have a good day.",
        "guidance": "The person who answered is not the customer. Do not share the quote.",
        "notes_example": "Person said the number belongs to him for 2 years; no such customer.",
    },
    {
        "key": K.NO_ANSWER,
        "label": "No Answer",
        "group": DispositionGroup.NOT_CONNECTED,
        "requires_notes": False,
        "agent_selectable": True,
        "position": 1,
        "script": "",
        "guidance": "Rang out. Try again later within calling hours and the daily attempt limit.",
        "notes_example": "",
    },
    {
        "key": K.BUSY,
        "label": "Busy",
        "group": DispositionGroup.NOT_CONNECTED,
        "requires_notes": False,
        "agent_selectable": True,
        "position": 2,
        "script": "",
        "guidance": "Line busy or call rejected. Try again later, within the contact policy.",
        "notes_example": "",
    },
    {
        "key": K.SWITCHED_OFF,
        "label": "Switched Off",
        "group": DispositionGroup.NOT_CONNECTED,
        "requires_notes": False,
        "agent_selectable": True,
        "position": 3,
        "script": "",
        "guidance": "Phone off or not reachable. Try again later, within the contact policy.",
        "notes_example": "",
    },
    {
        "key": K.INVALID_NUMBER,
        "label": "Invalid Number",
        "group": DispositionGroup.NOT_CONNECTED,
        "requires_notes": False,
        "agent_selectable": True,
        "position": 4,
        "script": "",
        "guidance": "The number does not exist or is not in service. The lead is closed.",
        "notes_example": "",
    },
]

# SOP §9 "One-Page Quick Summary (Training Card)", word for word.
TRAINING_CARD_SUMMARY = [
    (
        "Customer Will Place Order",
        ["Intent yes, action pending", "One gentle follow-up", "No manual creation"],
    ),
    ("Already Ordered", ["Action done", "Verify & stop selling", "Handoff to Ops/CX"]),
]
# SOP §3 decision guide (the suggester must get all five right).
DECISION_GUIDE = [
    ("I'll place it myself", K.WILL_PLACE_ORDER),
    ("I'll do it later today", K.WILL_PLACE_ORDER),
    ("I already booked", K.ALREADY_ORDERED),
    ("Pickup is fixed", K.ALREADY_ORDERED),
    ("Help me place now", K.CREATE_ORDER),
]
# SOP §6, word for word.
PROHIBITED = [
    "Do not create a new order “just to be safe”",
    "Do not re-pitch or renegotiate",
    "Do not mark Create Order without creating one",
    "Do not keep calling after confirmation",
]
ORDER_NOT_FOUND_SCRIPT = (
    "I can't see the order yet. Please give us a little time: our customer care team will "
    "check and get back to you."  # SOP §7 case 1: "ask customer to wait; escalate to CX"
)


# --- The scripts in Hindi (issue 18: "the SOP scripts in Hindi") ---------------------------

# What the agent says aloud follows the *customer's* language (Customer.language), not the
# agent's console language: a Hindi-speaking agent reads English to an English-speaking
# customer, and the other way round (docs/decisions.md). Keyed by disposition key, so an
# admin's edit of the English script (Disposition.script) does not silently change the Hindi;
# a disposition without a Hindi script shows its English one. Spoken, floor Hindi: English
# words customers use (order, pickup, ID) stay as they are said.
SCRIPTS_HI: dict[str, str] = {
    K.WILL_PLACE_ORDER: (
        "बहुत बढ़िया 👍 कोई भी मदद चाहिए तो मैं यहीं हूँ।\n"
        "कहीं भी अटकें तो बस रिप्लाई कर दीजिए, या मुझसे मदद ले लीजिए।"
    ),
    K.ALREADY_ORDERED: (
        "बहुत बढ़िया! कन्फ़र्म करने के लिए धन्यवाद।\nअगर आपके पास ऑर्डर ID है, तो क्या आप बता सकते हैं?"
    ),
    K.WAITING_FOR_QUOTE: (
        "कोई बात नहीं। अनुमानित कीमत हम आपको भेज देते हैं, ताकि आप आराम से सोचकर फ़ैसला कर सकें।"
    ),
    K.NOT_INTERESTED: ("आपके समय के लिए धन्यवाद। अगर आपका इरादा बदले, तो हम बस एक कॉल की दूरी पर हैं।"),
    K.WRONG_PERSON: "माफ़ कीजिए, आपको परेशान किया। आपका दिन शुभ हो।",
}
ORDER_NOT_FOUND_SCRIPT_HI = (
    "मुझे अभी ऑर्डर दिख नहीं रहा है। कृपया हमें थोड़ा समय दीजिए: हमारी कस्टमर केयर टीम "
    "इसे चेक करके आपसे संपर्क करेगी।"
)
HINDI = "hi"  # customers.choices.Language.HINDI


def script_language(customer_language: str) -> str:
    """The language the scripts are read in for a customer: Hindi for a Hindi speaker, else
    English (the other Indian languages have no scripts yet; English is the floor's second
    language)."""
    return HINDI if customer_language == HINDI else "en"


def script_for(key: str, english: str, customer_language: str) -> str:
    """The script of disposition ``key`` in the customer's language (English when there is
    no Hindi one, or the English script is empty: nothing to say)."""
    if script_language(customer_language) == HINDI and english:
        return SCRIPTS_HI.get(key, english)
    return english


def order_not_found_script(customer_language: str) -> str:
    """D6's "ask the customer to wait" in the customer's language."""
    if script_language(customer_language) == HINDI:
        return ORDER_NOT_FOUND_SCRIPT_HI
    return ORDER_NOT_FOUND_SCRIPT
