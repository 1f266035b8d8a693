"""English whatever the request's language (issue 18, "Hindi in the console").

Choice labels are marked for translation (``gettext_lazy``), so a Hindi-speaking agent reads
them in Hindi. The domain's refusal messages, the API and what is written down (audit, logs)
stay English: where such a text quotes a label, it takes the label through ``english``.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation


def english(text) -> str:
    """``text`` (a lazily translated string, e.g. a choice's ``label``) in English."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)


def in_language(text, language: str) -> str:
    """``text`` in ``language`` (a Django language code): a label quoted in a script the agent
    reads aloud follows the customer, not the agent."""
    with translation.override(language):
        return str(text)
