"""Years no source states, cut from an answer with the words that attach them (used by the claim
check, ``rag.answer.support``, before it judges each sentence).

A 1.5B model fills in a year the article never states ("May 13, 2019", "2017 年 5 月"): the
article says "this year". A year in the answer that occurs in none of the source texts is removed
together with the words that attach it ("in 2019", ", 2019", "2019 年"), so the reader gets the date
the article gives and nothing invented.
"""

from __future__ import annotations

import logging
import re
from typing import Iterable

from rag.text.chinese import looks_like_pinyin, romanises

log = logging.getLogger(__name__)

_YEAR = r"(?:1[89]\d\d|20\d\d)"
_YEAR_RE = re.compile(rf"(?<![\d.,]){_YEAR}(?![\d])")
# the forms an invented year takes, longest first
_ZH_FORM = r"(?<![\d]){y}\s*年\s*"  # 2019 年
_EN_FORMS = (
    r",\s*{y}\b(?=\s*[,.;:)\]\[]|\s|$)",  # May 13, 2019
    r"\s+(?:in|of)\s+{y}\b",  # in 2019
    r"\s+{y}\b(?=\s*[,.;:)\]\[]|$)",  # May 2019.
)


def unsupported_years(answer: str, support: Iterable[str]) -> list[str]:
    """Years the answer states that none of ``support`` contains."""
    hay = "\n".join(support)
    have = set(_YEAR_RE.findall(hay))
    return [y for y in dict.fromkeys(_YEAR_RE.findall(answer)) if y not in have]


def drop_unsupported_years(answer: str, support: Iterable[str]) -> tuple[str, list[str]]:
    """(answer without the invented years, the years removed)."""
    years = unsupported_years(answer, list(support))
    text = answer
    for y in years:
        text = re.sub(_ZH_FORM.replace("{y}", y), "", text)
        for form in _EN_FORMS:
            text = re.sub(form.replace("{y}", y), "", text)
        text = re.sub(rf"(?<![\d]){y}(?![\d])", "", text)  # anything left: the bare number
    if years:
        text = re.sub(r"[ \t]+([,.;:!?])", r"\1", text)
        text = re.sub(r"[ \t]{2,}", " ", text)
    return text, years


# "勾选传导 (goukou konggong)": Latin words in brackets right after Han words (a closing quote between)
_GLOSS_RE = re.compile(r"(?P<han>[\u3400-\u9fff]+)(?P<close>[”\"」』’']?)\s*[(（](?P<gloss>[A-Za-z][A-Za-z\s'’-]*[A-Za-z])[)）]")


def drop_false_romanisations(answer: str, support: Iterable[str]) -> tuple[str, list[tuple[str, str]]]:
    """(answer without the romanisations it invents, the (Han, romanisation) pairs cut). A bracketed
    gloss after Han words is cut when it reads as pinyin (``looks_like_pinyin``) but is not the
    pinyin of those words and no source writes it: the model romanised a term by guesswork. A
    translation ("勾选传导 (check conduction)") and a source's own gloss are left alone."""
    hay = "\n".join(support).lower()
    cut: list[tuple[str, str]] = []

    def judge(m: re.Match) -> str:
        han, gloss = m.group("han"), m.group("gloss")
        flat = re.sub(r"[\s'’-]+", "", gloss)
        if gloss.lower() in hay or not looks_like_pinyin(gloss) or romanises(flat, han, min_syllables=1):
            return m.group(0)
        cut.append((han, gloss))
        return han + m.group("close")

    return _GLOSS_RE.sub(judge, answer), cut
