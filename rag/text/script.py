"""Which scripts a text is written in, and the language of a block's prose."""

from __future__ import annotations

import re

HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
LATIN_RE = re.compile(r"[A-Za-z\u00c0-\u024f]")
LATIN_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'\-]*")
# letters of scripts we don't handle (Cyrillic, Arabic, Hebrew, Greek, Devanagari, Thai, Hangul, Kana ...)
OTHER_LETTER_RE = re.compile(
    r"[\u0370-\u03ff\u0400-\u04ff\u0590-\u05ff\u0600-\u06ff\u0900-\u097f\u0e00-\u0e7f"
    r"\u3040-\u30ff\uac00-\ud7af]"
)

HAN_WEIGHT = 2.5  # a Han character says about as much as two and a half Latin letters


def latin_length(text: str) -> float:
    """The length of a text in Latin letters: a Han character counts ``HAN_WEIGHT``."""
    han = len(HAN_RE.findall(text))
    return len(text) - han + HAN_WEIGHT * han


def count_scripts(text: str) -> tuple[int, int, int]:
    """(han characters, latin letters, letters of other scripts)."""
    return len(HAN_RE.findall(text)), len(LATIN_RE.findall(text)), len(OTHER_LETTER_RE.findall(text))


GLOSS_RE = re.compile(r"[(（][^()（）]*[)）]")


def prose_lang(text: str, neutral: bool = False) -> str | None:
    """The language of a block's prose (code, URLs and markup already set aside): 'zh', 'en',
    'other', or None when the block cannot tell (no letters; or a short Latin-only fragment such as
    a name, an acronym or a heading like "API"; or a table, figure or code block without Han). A
    gloss in brackets, "Tuosheng Zhang (張沱生)", "阿里云灵积（DashScope）", does not count unless
    nothing else is left."""
    unglossed = GLOSS_RE.sub(" ", text)
    if any(count_scripts(unglossed)):
        text = unglossed
    han, latin, other = count_scripts(text)
    if han == latin == other == 0:
        return None
    if other > han and other > latin:
        return "other"
    if han >= 2 and han >= 0.1 * (han + latin) or (han and not latin):
        return "zh"
    if neutral or len(LATIN_WORD_RE.findall(text)) < 4:
        return None
    return "en"
