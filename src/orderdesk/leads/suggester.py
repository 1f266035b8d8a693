"""D2: suggest a disposition from the customer's words, in English and Hinglish.

Transparent on purpose: a table of weighted phrase patterns per disposition, applied to a
normalised text. No model download, no network; the agent sees which phrases matched.

1. ``normalise``: lower-case, expand English contractions ("I'll" → "i will"), drop
   punctuation, and map the many Hinglish spellings to one ("kr diya", "krdiya",
   "kar dia" → "kar diya"; "nhi", "nahin", "nai" → "nahi"; "dunga", "doonga" → "dunga").
2. ``PATTERNS``: every disposition has regular expressions with weights. A pattern may
   carry a negative weight (a cue *against* a disposition, e.g. "not yet" against
   Already Placed an Order).
3. The highest total wins. ``confidence`` grows with the winning total and shrinks with
   the runner-up's: ``(1 - e^(-top/1.5)) * top / (top + runner_up)``.
   No pattern → no suggestion (``disposition`` is ``None``, confidence 0).

The labelled set ``data/disposition_statements.csv`` (text, label, split) measures it:
the patterns were tuned against the ``train`` rows only; ``test`` rows are held out;
``probe`` rows were written after the patterns were frozen, the harder measure (see
``docs/suggester.md`` and ``orderdesk suggester_report``). On real calls the stored
suggestion beside the agent's choice measures it (``selectors.suggester_agreement``).
"""

from __future__ import annotations

import csv
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

DATA_FILE = Path(__file__).with_name("data") / "disposition_statements.csv"

# --- 1. Normalisation --------------------------------------------------------------------------

_CONTRACTIONS = [
    (r"\bwon'?t\b", "will not"),
    (r"\bcan'?t\b", "cannot"),
    (r"\bdon'?t\b", "do not"),
    (r"\bdoesn'?t\b", "does not"),
    (r"\bdidn'?t\b", "did not"),
    (r"\bhaven'?t\b", "have not"),
    (r"\bhasn'?t\b", "has not"),
    (r"\bisn'?t\b", "is not"),
    (r"\bwasn'?t\b", "was not"),
    (r"\bi'?ll\b", "i will"),
    (r"\bwe'?ll\b", "we will"),
    (r"\bi'm\b", "i am"),
    (r"\bim\b", "i am"),
    (r"\bi'?ve\b", "i have"),
    (r"\bit'?s\b", "it is"),
    (r"\blet'?s\b", "let us"),
    (r"\byou'?re\b", "you are"),
    (r"'s\b", ""),
]

# One spelling for each Hinglish (and SMS-English) word, token by token.
_SPELLINGS = {
    "kr": "kar",
    "kra": "kar",
    "krna": "karna",
    "krte": "karte",
    "krta": "karta",
    "krunga": "karunga",
    "karoonga": "karunga",
    "krdiya": "kar diya",
    "kardiya": "kar diya",
    "krdia": "kar diya",
    "kardia": "kar diya",
    "krdo": "kar do",
    "kardo": "kar do",
    "krdijiye": "kar dijiye",
    "dia": "diya",
    "diyaa": "diya",
    "doonga": "dunga",
    "dunga": "dunga",
    "dungaa": "dunga",
    "doongi": "dungi",
    "loonga": "lunga",
    "loongi": "lungi",
    "nhi": "nahi",
    "nahin": "nahi",
    "nai": "nahi",
    "nahee": "nahi",
    "ni": "nahi",
    "hogaya": "ho gaya",
    "hogya": "ho gaya",
    "gya": "gaya",
    "hogyi": "ho gayi",
    "gyi": "gayi",
    "hua": "hua",
    "hai": "hai",
    "h": "hai",
    "hain": "hai",
    "mene": "maine",
    "maine": "maine",
    "mai": "main",
    "mei": "main",
    "abi": "abhi",
    "abhee": "abhi",
    "plz": "please",
    "pls": "please",
    "plzz": "please",
    "ordr": "order",
    "oder": "order",
    "ordered": "ordered",
    "alredy": "already",
    "allready": "already",
    "alrdy": "already",
    "alreday": "already",
    "pikup": "pickup",
    "pickup": "pickup",
    "bhai": "bhai",
    "bhaiya": "bhai",
    "bandh": "band",
    "swich": "switch",
    "switchoff": "switch off",
    "swichoff": "switch off",
    "switched": "switch",
    "dialed": "dialled",
    "thnx": "thanks",
    "thx": "thanks",
    "u": "you",
    "ur": "your",
    "r": "are",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "2mrw": "tomorrow",
    "tonite": "tonight",
    "whatsap": "whatsapp",
    "watsapp": "whatsapp",
    "wp": "whatsapp",
}
_PHRASES = [
    (r"\bpick(?:ed)?[\s-]+up\b", "pickup"),
    (r"\bswitch(?:ed)?[\s-]*off\b", "switch off"),
    (r"\border\s*id\b", "order id"),
    (r"\bout\s*of\s*coverage\b", "out of coverage"),
]


def normalise(text: str) -> str:
    """Lower-case, contractions expanded, punctuation dropped, Hinglish spellings unified."""
    s = (text or "").lower().replace("\u2019", "'").replace("\u2018", "'")
    for pattern, repl in _CONTRACTIONS:
        s = re.sub(pattern, repl, s)
    s = re.sub(r"[^a-z0-9\u0900-\u097f\s]", " ", s)
    s = re.sub(r"(.)\1{2,}", r"\1\1", s)  # "plzzzz" → "plzz", "nooo" → "noo"
    words = [_SPELLINGS.get(w, w) for w in s.split()]
    s = " ".join(words)
    for pattern, repl in _PHRASES:
        s = re.sub(pattern, repl, s)
    return f" {s} "


# --- 2. Patterns ------------------------------------------------------------------------------------

# Shared pieces.
_ORDER = r"(?:order|book(?:ing)?|pickup|place)"
_DONE_HI = r"(?:kar|ho|daal|de|laga|book kar|place kar)\s+(?:diya|di|liya|li|gaya|gayi|chuka|chuki|chuke|dala|diye)"
_FUTURE_HI = r"(?:dunga|dungi|denge|lunga|lungi|lenge|karunga|karungi|karenge|karta hoon|karti hoon|kar lete|daal dunga|karte hai)"
_REQUEST_HI = r"(?:kar do|kar dijiye|kar dena|kar de|kar dijie|laga do|bana do|daal do|book kar do|place kar do)"

PATTERNS: dict[str, list[tuple[str, float]]] = {
    "will_place_order": [
        (r"\bi will (?:\w+ ){0,3}(?:place|do|book|order|complete|try)\b", 2.5),
        (r"\b(?:i am|we are) (?:going to|planning to) (?:\w+ ){0,2}(?:place|book|order|do)\b", 2.5),
        (r"\b(?:myself|my own|on my own|by myself)\b", 1.5),
        (rf"\b{_FUTURE_HI}\b", 2.5),
        (r"\bkhud\b|\bapne aap\b", 1.5),
        (r"\b(?:tonight|later|tomorrow|evening|weekend|after lunch|some time|a day)\b", 1.0),
        (r"\b(?:kal|raat|shaam|subah|baad mein)\b", 0.7),
        (r"\b(?:from|on|through) the (?:app|website)\b|\bapp se\b|\bapp pe\b", 1.0),
        (r"\bthen (?:i will )?place\b|\bphir place\b", 1.0),
        (r"\bwill do it\b", 1.5),
        (r"\bno need to help\b|\btension mat\b", 1.0),
    ],
    "already_ordered": [
        (r"\balready\b", 1.5),
        (rf"\b{_ORDER}\w*\s+(?:\w+\s+)?{_DONE_HI}\b", 3.0),
        (rf"\b{_DONE_HI}\b", 1.5),
        (r"\b(?:placed|booked|ordered)\b", 2.0),
        (r"\b(?:did|done) it\b|\bbooking done\b|\bit is done\b|\balready done\b", 1.5),
        (
            r"\bpickup (?:is |has been |was )?(?:fixed|scheduled|booked|confirmed|fix|schedule)\b",
            3.0,
        ),
        (r"\b(?:fix|schedule|book|confirm)\w* ho (?:gaya|gayi|chuka|chuki)\b", 2.5),
        (r"\b(?:got|have|received|aa gaya|mil gaya)\b.{0,20}\border (?:id|number)\b", 3.0),
        (r"\border (?:id|number)\b.{0,20}\b(?:aa gaya|mil gaya|aaya|received)\b", 3.0),
        (
            r"\bconfirm(?:ed|ation)?\b.{0,30}\b(?:hua|ho gaya|message|aaya|pickup)\b|\border confirm",
            1.5,
        ),
        (r"\b(?:executive|vendor|agent) is coming\b|\bcoming for pickup\b", 2.5),
        (r"\bho chuk[ai]\b|\bho gaya hai\b", 1.0),
        # Against: not done yet, or "already" about selling elsewhere.
        (r"\b(?:not yet|abhi tak nahi|have not|did not|nahi mila|nahi aaya|nahi hua)\b", -2.5),
        (r"\b(?:sold|bech|exchange|gift)\w*\b", -2.5),
        (r"\bquote\b", -1.5),
        (r"\bband\b|\bpermanently\b", -2.0),
    ],
    "create_order": [
        (r"\bhelp me (?:\w+ ){0,2}(?:place|book|order)\b", 3.5),
        (r"\bfor me\b|\bon my behalf\b|\bfrom your side\b", 2.0),
        (rf"\b{_REQUEST_HI}\b", 2.5),
        (r"\baap (?:hi )?(?:\w+ ){0,2}(?:kar|place|book|laga|bana|daal)\b", 1.5),
        (r"\b(?:please|go ahead and|yes) (?:\w+ ){0,2}(?:place|book|create)\b", 2.0),
        (r"\b(?:place|book|create)\w* (?:it|the order|the pickup)?\s*(?:now|right now)\b", 2.0),
        (r"\babhi\b.{0,25}\b(?:kar do|place kar|book kar)|\babhi ke abhi\b", 1.5),
        (
            r"\b(?:not comfortable|do not know how|cannot do it|not working|crash|otp nahi|app nahi chal)\w*",
            1.5,
        ),
        (r"\byou do it\b|\bplease do it\b|\bdo the booking\b|\bcan you do\b", 2.0),
        (r"\bi agree\b|\bokay with the price\b|\bi am ready\b|\bconfirm karo\b", 2.0),
        (r"\blet us do it now\b|\bbook it\b", 1.5),
        (r"\bcreate the order\b", 2.0),
    ],
    "waiting_for_quote": [
        (r"\b(?:price|quote|quotation|rate|estimate|value|amount)\b", 2.0),
        (r"\bkitna\b|\bhow much\b", 2.0),
        (r"\b(?:compare|comparing|compared|olx|cashify|other sites)\b", 2.0),
        (r"\bwaiting for\b|\bintezaar\b", 1.5),
        (r"\b(?:first|pehle)\b", 0.5),
        (r"\b(?:too low|kam hai|badha|better|best price|revised|thoda aur)\b", 1.5),
        (r"\b(?:decide|deciding|sochenge|thinking)\b", 1.0),
        (r"\b(?:send|bhej)\w*\b", 0.5),
        (r"\b(?:agree|okay|ok|fine) with the price\b", -2.5),
    ],
    "not_interested": [
        (r"\bnot interested\b|\binterest nahi\b|\bkoi interest\b", 3.5),
        (
            r"\b(?:do not|will not|not) (?:want to |going to |planning to |looking to )?sell\w*\b",
            3.0,
        ),
        (
            r"\bnot selling\b|\bnahi bech\w*\b|\bbech\w* (?:nahi|ka plan nahi)\b|\bnahi de raha\b",
            3.0,
        ),
        (r"\b(?:sold|bech diya|exchange|gift kar diya|gave it)\b", 3.0),
        (r"\b(?:changed my mind|mann badal|keep(?:ing)? the|decided to keep)\b", 3.0),
        (r"\b(?:do not call|stop calling|call mat|remove my number)\b", 2.5),
        (
            r"\bnahi chahiye\b|\brehne do\b|\bnahi karna\b|\bno thanks\b|\bno need\b(?! to help)",
            2.5,
        ),
        (r"\bdo not want to\b", 2.0),
    ],
    "wrong_person": [
        (r"\bwrong (?:number|person|guy|contact)\b", 3.5),
        (r"\bgalat (?:number|banda|jagah|insaan|hai)\b|\bgalat\b", 2.0),
        (r"\b(?:who is this|who are you|kaun bol|kaun ho|kisko call)\b", 2.5),
        (
            r"\b(?:never (?:asked|requested|enquired|registered)|did not register|koi request nahi)\b",
            2.5,
        ),
        (
            r"\bno (?:such person|one by that name)\b|\bkoi \w+ nahi (?:hai|rehti|rehta)\b|\bnaam ka koi\b",
            3.0,
        ),
        (r"\b(?:not (?:me|rahul|the owner)|woh insaan nahi|mera number nahi|naam nahi)\b", 2.5),
        (r"\b(?:his|her) (?:driver|phone)\b|\bdoes not use this number\b|\bkisi aur ka\b", 2.0),
        (r"\bwho gave you my number\b|\bbelongs to me\b|\bdo not (?:own|know) any\b", 2.0),
    ],
    "no_answer": [
        (r"\bno answer\b|\bnot answer\w*\b|\bunanswered\b|\buttar nahi\b", 3.0),
        (
            r"\b(?:not|nahi|did not|nobody|no one|kisi ne (?:call )?nahi)\b.{0,12}\b(?:pick|picked|pickup|uthaya|answer\w*|lifting|receive)\b",
            3.0,
        ),
        (r"\b(?:pickup|uthaya|receive|lifting)\b.{0,10}\b(?:nahi|not)\b", 2.0),
        (r"\bno (?:pickup|pick|response|reply)\b|\bkoi response nahi\b|\bnot responding\b", 2.5),
        (r"\b(?:ring\w*|rang|bell)\b", 1.5),
        (r"\buthaya nahi\b|\bnahi hua\b", 1.0),
    ],
    "busy": [
        (r"\bbusy\b|\bvyast\b|\bengaged\b", 3.0),
        (r"\bcall waiting\b|\banother call\b|\bdoosri call\b", 2.5),
        (r"\b(?:cut|kaat|declined|rejected|disconnected)\w*\b", 2.5),
    ],
    "switched_off": [
        (r"\bswitch off\b", 3.5),
        (r"\b(?:not reachable|unreachable|cannot be reached|could not reach|sampark nahi)\b", 3.0),
        (r"\bout of (?:coverage|network)\b|\bcoverage\b|\bnetwork se bahar\b|\bnetwork\b", 2.5),
        (
            r"\b(?:phone|mobile|number|device)\b.{0,12}\b(?:off|band)\b|\bband (?:aa raha|hai)\b",
            2.5,
        ),
        (r"\bphone off\b|\bis off\b|\boff hai\b", 1.5),
        (r"\bpermanently\b", -3.0),
    ],
    "invalid_number": [
        (r"\binvalid\b|\bnot (?:a )?valid\b", 3.5),
        (
            r"\b(?:does not|doesn|not) exist\b|\bexist nahi\b|\bmaujood nahi\b|\bupalabdh nahi\b",
            3.5,
        ),
        (r"\bnot in (?:service|use)\b|\bout of service\b", 3.5),
        (r"\b(?:check the number|jaanch|number ki jaanch)\b", 3.0),
        (r"\b(?:incomplete|digits|incorrect|permanently|lagta hi nahi|dialled number is)\b", 2.0),
        (r"\bnumber\b.{0,10}\b(?:wrong|galat)\b", 1.0),
    ],
}

_COMPILED = {label: [(re.compile(p), w) for p, w in pats] for label, pats in PATTERNS.items()}


@dataclass(frozen=True)
class Suggestion:
    disposition: str | None
    confidence: float
    matched: tuple[str, ...] = ()
    scores: dict = field(default_factory=dict)


def suggest(text: str) -> Suggestion:
    """D2: the disposition the customer's words suggest, with a confidence in [0, 1]."""
    norm = normalise(text)
    scores: dict[str, float] = {}
    matched: dict[str, list[str]] = defaultdict(list)
    for label, patterns in _COMPILED.items():
        total = 0.0
        for regex, weight in patterns:
            m = regex.search(norm)
            if m:
                total += weight
                matched[label].append(m.group(0).strip())
        if total > 0:
            scores[label] = round(total, 2)
    if not scores:
        return Suggestion(None, 0.0)
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    top_label, top = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    confidence = (1 - math.exp(-top / 1.5)) * top / (top + runner_up)
    return Suggestion(
        top_label, round(min(confidence, 0.99), 2), tuple(matched[top_label]), dict(ranked)
    )


# --- 3. Measuring it ------------------------------------------------------------------------------


def load_statements(path: Path = DATA_FILE) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@dataclass
class Evaluation:
    split: str
    total: int
    correct: int
    confusion: Counter  # (label, predicted) → count
    errors: list[tuple[str, str, str | None]]

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def per_label(self) -> dict[str, tuple[int, int]]:
        """label → (right, total)."""
        out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for (label, predicted), n in self.confusion.items():
            out[label][1] += n
            if label == predicted:
                out[label][0] += n
        return {k: (v[0], v[1]) for k, v in sorted(out.items())}


def evaluate(split: str = "test", rows: list[dict] | None = None) -> Evaluation:
    rows = [r for r in (rows or load_statements()) if r["split"] == split]
    confusion: Counter = Counter()
    errors = []
    for row in rows:
        predicted = suggest(row["text"]).disposition
        confusion[(row["label"], predicted)] += 1
        if predicted != row["label"]:
            errors.append((row["text"], row["label"], predicted))
    return Evaluation(split, len(rows), len(rows) - len(errors), confusion, errors)
