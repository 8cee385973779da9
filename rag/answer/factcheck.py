"""Repairs the claim check (``rag.answer.support``) makes before it judges each sentence: years no
source states, cut with the words that attach them; romanisations the model guessed; the prompt's own
names for its parts ("from the SOURCES"), which mean nothing to a reader.

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


_ATTRIBUTION = r"(?i:according to|based on|as stated in|as given in|from|in)"


def prompt_labels(*templates: str) -> list[str]:
    """The words a prompt writes in capitals to name its parts ("SOURCES", "QUESTION"): the model
    sometimes repeats them, and a reader who never saw the prompt cannot tell what they are."""
    return sorted({w for t in templates for w in re.findall(r"\b[A-Z]{4,}\b", t)})


def drop_prompt_labels(answer: str, labels: Iterable[str]) -> tuple[str, list[str]]:
    """(answer without the phrases that attribute a fact to a prompt part, the phrases cut):
    "began on May 13, from the SOURCES [EN ¶1]" → "began on May 13 [EN ¶1]" and "According to the
    SOURCES, the visit …" → "The visit …" (the marker says where a fact comes from). A label written
    in lower case is an ordinary word ("the sources say") and is kept."""
    names = "|".join(re.escape(w) for w in labels)
    if not names:
        return answer, []
    phrase = rf"{_ATTRIBUTION}\s+the\s+(?:{names})\b(?:\s+above)?"
    opening = re.compile(rf"(?:^|(?<=[.!?]\s)|(?<=\n))\s*{phrase}\s*,\s*(\w?)")
    inside = re.compile(rf"(?<=[^\s.!?]),?\s+{phrase}(?=\s*[\[.,;:!?)]|\s*$)")
    cut = [m.group(0)[: m.start(1) - m.start(0)].strip(" ,") for m in opening.finditer(answer)]
    text = opening.sub(lambda m: m.group(1).upper(), answer)
    cut += [m.group(0).strip(" ,") for m in inside.finditer(text)]
    return inside.sub("", text), cut
