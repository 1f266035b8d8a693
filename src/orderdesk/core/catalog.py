"""The translation catalogue without GNU gettext: read a ``.po``, write its ``.mo``, and find
every message the source marks for translation (docs/decisions.md, "Hindi in the console").

A fresh machine has no ``msgfmt`` or ``xgettext``, and ``make demo``/``make test`` must work
there, so the compiled ``.mo`` is committed and ``make messages`` rebuilds it with
``compile_mo`` below (the GNU format: a header, two tables of (length, offset) pairs, then
the strings; no hash table, which readers do not need). A test compiles the ``.po`` again and
compares it with the committed ``.mo`` byte for byte, so the two cannot drift.

``source_msgids`` is makemessages' extraction in Python: templates go through Django's own
``templatize`` (the function makemessages feeds to xgettext), Python files through ``ast``.
Supported: ``gettext``/``gettext_lazy``/``_``/``gettext_noop`` with one string literal, and
``pgettext``/``pgettext_lazy`` with two; no plurals (the console uses none).
"""

from __future__ import annotations

import ast
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation.template import templatize

MO_MAGIC = 0x950412DE
GETTEXT_NAMES = {"gettext", "gettext_lazy", "_", "gettext_noop"}
PGETTEXT_NAMES = {"pgettext", "pgettext_lazy"}
CONTEXT_SEPARATOR = "\x04"


@dataclass
class Entry:
    msgid: str
    msgstr: str = ""
    msgctxt: str | None = None
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> str:
        """The key the ``.mo`` stores: ``context\\x04msgid`` when there is a context."""
        if self.msgctxt is None:
            return self.msgid
        return f"{self.msgctxt}{CONTEXT_SEPARATOR}{self.msgid}"


def _unquote(text: str) -> str:
    return ast.literal_eval(text)  # a .po string is a C string; these are Python-compatible


def parse_po(text: str) -> list[Entry]:
    """The entries of a ``.po`` file (the header included, as the entry with msgid "").
    Obsolete entries (``#~``) are skipped."""
    entries: list[Entry] = []
    current: Entry | None = None
    flags: set[str] = set()
    target: str | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("#,"):
            flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            continue
        if not line or line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if keyword == "msgctxt":
            current = Entry(msgid="", msgctxt=_unquote(rest), flags=flags)
            flags, target = set(), "msgctxt"
        elif keyword == "msgid":
            if current is None or target != "msgctxt":
                current = Entry(msgid="", flags=flags)
                flags = set()
            current.msgid = _unquote(rest)
            target = "msgid"
        elif keyword == "msgstr":
            assert current is not None, "msgstr without msgid"
            current.msgstr = _unquote(rest)
            entries.append(current)
            target = "msgstr"
        elif line.startswith('"'):
            assert current is not None and target, "a continued string outside an entry"
            setattr(current, target, getattr(current, target) + _unquote(line))
        else:
            raise ValueError(f"unsupported .po line: {raw!r}")
    return entries


def compile_mo(entries: list[Entry]) -> bytes:
    """The GNU ``.mo`` of ``entries`` (fuzzy and untranslated ones left out, as msgfmt does),
    keys sorted, so the same ``.po`` always gives the same bytes."""
    pairs = sorted(
        (e.key.encode(), e.msgstr.encode())
        for e in entries
        if e.msgstr and ("fuzzy" not in e.flags or e.msgid == "")
    )
    count = len(pairs)
    originals_at = 7 * 4
    translations_at = originals_at + count * 8
    strings_at = translations_at + count * 8
    table_o, table_t, blob = [], [], b""
    for original, _ in pairs:
        table_o.append((len(original), strings_at + len(blob)))
        blob += original + b"\0"
    for _, translation in pairs:
        table_t.append((len(translation), strings_at + len(blob)))
        blob += translation + b"\0"
    header = struct.pack("<7I", MO_MAGIC, 0, count, originals_at, translations_at, 0, strings_at)
    tables = b"".join(struct.pack("<2I", *p) for p in table_o + table_t)
    return header + tables + blob


def _python_msgids(source: str) -> set[tuple[str | None, str]]:
    found: set[tuple[str | None, str]] = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        args = node.args
        strings = [a.value for a in args if isinstance(a, ast.Constant)]
        if name in GETTEXT_NAMES and len(args) == 1 and strings and isinstance(strings[0], str):
            found.add((None, strings[0]))
        elif name in PGETTEXT_NAMES and len(args) == 2 and len(strings) == 2:
            found.add((strings[0], strings[1]))
    return found


# templatize writes `gettext(u'…')` / `pgettext(u'ctx', u'…')`: Python literals.
_TEMPLATIZED = re.compile(
    r"""\b(?P<fn>p?gettext)\((?P<args>(?:u?'(?:[^'\\]|\\.)*'|u?"(?:[^"\\]|\\.)*"|\s|,)+)\)"""
)


def _template_msgids(source: str, origin: str) -> set[tuple[str | None, str]]:
    found: set[tuple[str | None, str]] = set()
    for match in _TEMPLATIZED.finditer(templatize(source, origin)):
        literals = ast.literal_eval(f"({match['args']},)")
        if match["fn"] == "gettext" and len(literals) == 1:
            found.add((None, literals[0]))
        elif match["fn"] == "pgettext" and len(literals) == 2:
            found.add((literals[0], literals[1]))
    return found


def source_msgids(root: Path) -> dict[tuple[str | None, str], str]:
    """Every (context, msgid) marked under ``root`` (``*.py`` and ``templates/**/*.html``),
    with the first file that marks it. Tests are left out, as makemessages would be told."""
    found: dict[tuple[str | None, str], str] = {}
    for path in sorted(root.rglob("*")):
        if "tests" in path.parts or "migrations" in path.parts or not path.is_file():
            continue
        rel = str(path.relative_to(root))
        if path.suffix == ".py":
            ids = _python_msgids(path.read_text(encoding="utf-8"))
        elif path.suffix in (".html", ".txt") and "templates" in path.parts:
            text = path.read_text(encoding="utf-8")
            ids = _template_msgids(text, rel) if "{% load" in text and "i18n" in text else set()
        else:
            continue
        for key in ids:
            found.setdefault(key, rel)
    return found


def compile_file(po_path: Path) -> Path:
    """Write ``po_path``'s ``.mo`` beside it; returns its path."""
    mo_path = po_path.with_suffix(".mo")
    mo_path.write_bytes(compile_mo(parse_po(po_path.read_text(encoding="utf-8"))))
    return mo_path
