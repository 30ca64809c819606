"""One lexicon per language; Simplified and Traditional Chinese share one (both scripts)."""

from __future__ import annotations

from agentcheck.speech.lexicon import Lexicon
from agentcheck.speech.lexicons import de, en, es, fr, ja, ko, pt, zh

LEXICONS: dict[str, Lexicon] = {
    "en": en.LEXICON, "zh-Hans": zh.LEXICON, "zh-Hant": zh.LEXICON, "ja": ja.LEXICON,
    "ko": ko.LEXICON, "es": es.LEXICON, "pt": pt.LEXICON, "de": de.LEXICON, "fr": fr.LEXICON,
}
LATIN = ("en", "es", "pt", "de", "fr")
