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
