"""Mark a template's plain English for translation (a helper for issue 18's Hindi; run by hand).

    .venv/bin/python scripts/mark_templates.py src/orderdesk/console/templates/console/x.html …

Wraps each run of text between HTML tags that holds no template code in
``{% translate "…" %}`` (whitespace inside the run collapsed to one space, the run's edges
kept), and the static values of ``aria-label``, ``placeholder``, ``title`` and ``alt``; adds
``{% load i18n %}``. It leaves alone: text that mixes in ``{{ … }}`` (mark those by hand with
``{% blocktranslate %}``), ``<script>``/``<style>``/``<kbd>``/``<code>`` content, comments,
``{% comment %}``/``{% verbatim %}`` blocks and text already inside ``{% blocktranslate %}``.
Review the diff: a sentence split by a tag becomes two msgids.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from django.template.base import DebugLexer, TokenType

SKIP_ELEMENTS = ("script", "style", "kbd", "code")
ATTRIBUTES = re.compile(r'\b(aria-label|placeholder|title|alt)="([^"{}<>]*[A-Za-z]{2}[^"{}<>]*)"')
WORDS = re.compile(r"[A-Za-z]{2}")


def _translate(text: str) -> str:
    quote = "'" if '"' in text else '"'
    return "{% translate " + quote + text + quote + " %}"


def mark_text(text: str, state: dict) -> str:
    """Mark one TEXT token; ``state`` carries "inside a tag" and the skipped element across
    tokens."""
    out: list[str] = []
    i = 0
    while i < len(text):
        if state["in_tag"]:
            end = text.find(">", i)
            chunk = text[i:] if end < 0 else text[i : end + 1]
            if not state["skip"]:
                chunk = ATTRIBUTES.sub(lambda m: f'{m[1]}="{_translate(m[2])}"', chunk)
            out.append(chunk)
            if end < 0:
                break
            state["in_tag"] = False
            i = end + 1
            continue
        start = text.find("<", i)
        run = text[i:] if start < 0 else text[i:start]
        if run:
            stripped = run.strip()
            both_quotes = '"' in stripped and "'" in stripped  # no literal can hold both
            if stripped and WORDS.search(stripped) and not state["skip"] and not both_quotes:
                lead = run[: len(run) - len(run.lstrip())]
                trail = run[len(run.rstrip()) :]
                out.append(lead + _translate(" ".join(stripped.split())) + trail)
            else:
                out.append(run)
        if start < 0:
            break
        tag = re.match(r"<(/?)([a-zA-Z0-9]+)", text[start:])
        if tag:
            name = tag[2].lower()
            if name in SKIP_ELEMENTS:
                state["skip"] = None if tag[1] else name
        state["in_tag"] = True
        i = start
        end = text.find(">", i)
        chunk = text[i:] if end < 0 else text[i : end + 1]
        if not state["skip"] or (tag and tag[2].lower() in SKIP_ELEMENTS):
            chunk = ATTRIBUTES.sub(lambda m: f'{m[1]}="{_translate(m[2])}"', chunk)
        out.append(chunk)
        if end < 0:
            break
        state["in_tag"] = False
        i = end + 1
    return "".join(out)


def mark(source: str) -> str:
    state = {"in_tag": False, "skip": None}
    out: list[str] = []
    held = None  # inside {% comment %}, {% verbatim %} or {% blocktranslate %}
    for token in DebugLexer(source).tokenize():
        raw = source[token.position[0] : token.position[1]]
        if token.token_type == TokenType.TEXT:
            out.append(raw if held else mark_text(raw, state))
            continue
        if token.token_type == TokenType.BLOCK:
            word = token.contents.split()[0] if token.contents.split() else ""
            if word in ("comment", "verbatim", "blocktranslate", "blocktrans"):
                held = word
            elif held and word in (
                "endcomment",
                "endverbatim",
                "endblocktranslate",
                "endblocktrans",
            ):
                held = None
        out.append(raw)
    marked = "".join(out)
    if marked != source and "{% load i18n" not in marked and " i18n" not in marked.split("\n")[0]:
        if marked.startswith("{% extends"):
            first, _, rest = marked.partition("\n")
            marked = first + "\n{% load i18n %}\n" + rest
        else:
            marked = "{% load i18n %}" + marked
    return marked


def main(paths: list[str]) -> None:
    for name in paths:
        path = Path(name)
        before = path.read_text(encoding="utf-8")
        after = mark(before)
        if after != before:
            path.write_text(after, encoding="utf-8")
            print(f"marked {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
