"""Query analysis: validation, language detection, follow-up rewriting."""

from __future__ import annotations

import re
import unicodedata

from rag.errors import InputError
from rag.text.chinese import to_simplified
from rag.text.language import answer_language, detect_language
from rag.types import Query

MAX_QUESTION_CHARS = 2000
_CTRL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def validate_question(text: str | None) -> str:
    """Clean a question or raise InputError with a clear message."""
    if text is None:
        raise InputError("the question is empty", hint="type a question about the document")
    text = _CTRL.sub(" ", unicodedata.normalize("NFC", text))
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        raise InputError("the question is empty", hint="type a question about the document")
    if len(text) > MAX_QUESTION_CHARS:
        raise InputError(
            f"the question is too long ({len(text):,} characters; the limit is {MAX_QUESTION_CHARS:,})",
            hint="ask a shorter question",
        )
    if not re.search(r"[\w\u3400-\u9fff]", text):
        raise InputError("the question has no words in it", hint="ask in English or Chinese")
    return text


def analyze(text: str, forced_lang: str | None = None, standalone: str | None = None) -> Query:
    detected = detect_language(text)
    lang = forced_lang or answer_language(detected)
    if lang not in ("en", "zh", "zh-Hant"):
        raise InputError(f"unknown answer language {lang!r}", hint="use en, zh or zh-Hant")
    return Query(text=text, lang=lang, detected=detected, search_text=to_simplified(standalone or text))  # type: ignore[arg-type]
