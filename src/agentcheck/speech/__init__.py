"""Speech acts: what a vendor's reply says it did, read sentence by sentence, in the language
it was written in.

Scoring never trusts these words as evidence of success; it uses them to catch a vendor that
claims work it did not do, hands the work back to the user, declines, or asks the user for
something. One reader serves scoring, the flags and the scripted user, so they cannot drift.

Kinds:
- claim: asserts that the task, or a named action, is done ("All set!", "Refund issued",
  "退款已完成"); `scope` is "task" for the whole request, "action" for one named action;
- handback: tells the user to do it, or to go elsewhere ("please contact billing");
- refusal: declines, or reports that something could not be done ("I can't refund it");
- question: asks the user something, with or without a question mark (full-width ones too;
  "Please send me your order number", "ご注文番号をお送りください");
- info: anything else.

Conditional, future and hypothetical statements ("once approved it will be refunded", "if I
had access it would have been refunded"), reports of what the user asked, text in quotation
marks and text the vendor merely copies from the user's turns or tool results are not claims.
Languages: English, Simplified and Traditional Chinese, Japanese, Korean, Spanish, Portuguese,
German, French. Measured on tests/data/speech_acts (bench/speech_acts.py).
"""

from __future__ import annotations

from agentcheck.speech.acts import KINDS, Kind, Scope, SpeechAct
from agentcheck.speech.language import LANGUAGES
from agentcheck.speech.lexicon import Lexicon
from agentcheck.speech.lexicons import LEXICONS
from agentcheck.speech.reader import classify, first, language_of, read
from agentcheck.speech.text import sentences

__all__ = ["KINDS", "LANGUAGES", "Kind", "Lexicon", "Scope", "SpeechAct", "classify", "first",
           "language_of", "lexicon", "read", "sentences"]


def lexicon(code: str) -> Lexicon:
    """One language's words for negation, modality and the rest (`language_of` names it), for
    judging rules that read a scenario's own phrases in the vendor's language."""
    return LEXICONS[code]
