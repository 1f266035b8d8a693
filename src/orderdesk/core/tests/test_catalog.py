"""The Hindi catalogue stays whole and compiled (docs/decisions.md, "Hindi in the console"):
the committed .mo is exactly the .po compiled, no msgstr is empty or fuzzy, and every msgid
the source marks has its entry. Pure Python: a fresh machine has no GNU gettext."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

from orderdesk.core.catalog import Entry, compile_mo, parse_po, source_msgids

SRC = Path(__file__).resolve().parents[2]  # src/orderdesk
PO = SRC / "locale" / "hi" / "LC_MESSAGES" / "django.po"


def entries() -> list[Entry]:
    return parse_po(PO.read_text(encoding="utf-8"))


def test_the_committed_mo_is_the_po_compiled():
    assert PO.with_suffix(".mo").read_bytes() == compile_mo(entries()), (
        "django.mo is stale: run `make messages` and commit both files"
    )


def test_no_msgstr_is_empty_or_fuzzy():
    bad = [e.msgid for e in entries() if e.msgid and (not e.msgstr.strip() or "fuzzy" in e.flags)]
    assert bad == []


def test_every_marked_msgid_has_an_entry():
    known = {(e.msgctxt, e.msgid) for e in entries()}
    missing = {key: where for key, where in source_msgids(SRC).items() if key not in known}
    assert missing == {}, "run `make messages` and translate the new entries"


def test_placeholders_survive_translation():
    """A named placeholder (``%(name)s``, from blocktranslate's variables) in a msgid is in its
    msgstr too, or the page would raise or lose the value."""
    placeholder = re.compile(r"%\(\w+\)s")
    for e in entries():
        assert sorted(placeholder.findall(e.msgid)) == sorted(placeholder.findall(e.msgstr)), (
            e.msgid
        )


def test_the_compiled_catalogue_reads_back_through_python_gettext(tmp_path):
    po = "\n".join(
        [
            'msgid ""',
            'msgstr ""',
            '"Content-Type: text/plain; charset=UTF-8\\n"',
            "",
            "#, fuzzy",
            'msgid "Draft"',
            'msgstr "मसौदा"',
            "",
            'msgctxt "navigation"',
            'msgid "Main"',
            'msgstr "मुख्य"',
            "",
            'msgid "Two "',
            '"lines"',
            'msgstr "दो "',
            '"पंक्तियाँ"',
        ]
    )
    mo = tmp_path / "x.mo"
    mo.write_bytes(compile_mo(parse_po(po)))
    with mo.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    assert catalogue.pgettext("navigation", "Main") == "मुख्य"
    assert catalogue.gettext("Two lines") == "दो पंक्तियाँ"
    assert catalogue.gettext("Draft") == "Draft"  # fuzzy: left out, as msgfmt does
