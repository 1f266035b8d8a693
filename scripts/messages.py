"""`make messages`: bring the Hindi catalogue up to date with the source, then compile it.

    .venv/bin/python scripts/messages.py           # add new msgids (empty msgstr), write the .mo
    .venv/bin/python scripts/messages.py --check   # exit 1 if the .po lacks a msgid or a
                                                   # translation, or the .mo is stale

No GNU gettext needed (orderdesk.core.catalog). A translated msgid the source no longer marks
is kept (commented as unused) rather than deleted, so a translation is not lost to a typo.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "orderdesk.config.settings")
django.setup()

from orderdesk.core.catalog import Entry, compile_mo, parse_po, source_msgids  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent / "src" / "orderdesk"
PO = ROOT / "locale" / "hi" / "LC_MESSAGES" / "django.po"
HEADER = (
    "Project-Id-Version: orderdesk\n"
    "Language: hi\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=UTF-8\n"
    "Content-Transfer-Encoding: 8bit\n"
    "Plural-Forms: nplurals=2; plural=(n != 1);\n"
)


def quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def write_po(entries: list[Entry], sources: dict) -> str:
    lines = [
        "# Hindi for the orderdesk console and customer pages (docs/decisions.md).",
        "# Edit msgstr here, then `make messages` (scripts/messages.py) compiles the .mo.",
        'msgid ""',
        'msgstr ""',
    ]
    lines += [quote(line + "\n") for line in HEADER.rstrip("\n").split("\n")]
    for entry in entries:
        if entry.msgid == "":
            continue
        where = sources.get((entry.msgctxt, entry.msgid))
        lines.append("")
        lines.append(f"#: {where}" if where else "# unused: no longer marked in the source")
        if entry.flags:
            lines.append("#, " + ", ".join(sorted(entry.flags)))
        if entry.msgctxt is not None:
            lines.append(f"msgctxt {quote(entry.msgctxt)}")
        lines.append(f"msgid {quote(entry.msgid)}")
        lines.append(f"msgstr {quote(entry.msgstr)}")
    return "\n".join(lines) + "\n"


def updated_entries(sources: dict) -> list[Entry]:
    entries = parse_po(PO.read_text(encoding="utf-8")) if PO.exists() else []
    known = {(e.msgctxt, e.msgid) for e in entries}
    for ctx, msgid in sorted(sources, key=lambda k: (sources[k], k[1])):
        if (ctx, msgid) not in known:
            entries.append(Entry(msgid=msgid, msgctxt=ctx))
    header = Entry(msgid="", msgstr=HEADER)
    # An unmarked msgid without a translation is dropped; a translated one is kept (unused).
    kept = [e for e in entries if e.msgid and (e.msgstr or (e.msgctxt, e.msgid) in sources)]
    return [header, *kept]


def main(argv: list[str]) -> int:
    sources = source_msgids(ROOT)
    if "--check" in argv:
        entries = parse_po(PO.read_text(encoding="utf-8"))
        known = {(e.msgctxt, e.msgid) for e in entries}
        missing = sorted(set(sources) - known, key=lambda k: k[1])
        empty = [e.msgid for e in entries if e.msgid and (not e.msgstr or "fuzzy" in e.flags)]
        stale = PO.with_suffix(".mo").read_bytes() != compile_mo(entries)
        for ctx, msgid in missing:
            print(f"missing from the .po: {msgid!r} ({sources[(ctx, msgid)]})")
        for msgid in empty:
            print(f"not translated (or fuzzy): {msgid!r}")
        if stale:
            print("the .mo is stale: run `make messages`")
        return 1 if missing or empty or stale else 0
    entries = updated_entries(sources)
    PO.parent.mkdir(parents=True, exist_ok=True)
    PO.write_text(write_po(entries, sources), encoding="utf-8")
    PO.with_suffix(".mo").write_bytes(compile_mo(parse_po(PO.read_text(encoding="utf-8"))))
    untranslated = sum(1 for e in entries if e.msgid and not e.msgstr)
    print(
        f"{PO.relative_to(ROOT.parent.parent)}: {len(entries) - 1} messages, "
        f"{untranslated} untranslated"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
