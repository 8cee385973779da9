"""Negation check for yes/no questions: the answer must not drop the "not" of the sentence it rests on.

A 1.5B model asked "特朗普總統在台灣問題上做出明確承諾了嗎？" answered "是的，…做出了明確承諾" from a
sentence that says he "并未…做出明确承诺". Code finds the sentence of the context that best matches
the question; when that sentence is negated and the answer affirms without a negation, the answer
is replaced by "No" and the sentence itself, verbatim and cited. The other direction (the answer says
no where the sentence has no negation word) is left alone: "Is the improvement enough?" is rightly
answered "No" from "the improvement remains limited"."""

from __future__ import annotations

import logging
import re
from typing import ClassVar, Iterator, Sequence

from rag.answer import prompts
from rag.answer.citations import cite, strip_markers
from rag.answer.quotes import pick_quotes
from rag.answer.state import AnswerState, Event, Tools
from rag.text.chinese import tagged_words
from rag.text.script import HAN_RE
from rag.text.sentences import split_sentences
from rag.types import Hit, Quote, doc_lang

log = logging.getLogger(__name__)

# "without" is a preposition, not a negation of the sentence ("works without a server")
_EN_NEG = re.compile(r"\b(not|no|never|neither|nor|cannot|none|nothing)\b|n['’]t\b", re.I)
# Chinese negation is read word by word (jieba), so that words which merely contain a negator
# (不断 "constantly", 未来 "future", 无障碍 "accessible", 未成年 "minor") are not read as negations:
# a word negates when it is a negator or a negator with its verb fused (不能, 并未, 没有, 无法).
_ZH_NEGATORS = frozenset("不 没 没有 未 无 非 别 勿 莫 否 否认 并非 并未 并不 并没有 从未 从不 尚未 未曾 不曾 毫无 绝不 决不".split())
_ZH_FUSED = re.compile(r"^(不|没|未|无)(能|会|可|要|用|必|再|应|该|得|是|愿|肯|敢|法|须|需|曾|足以|准)$")
_YES = re.compile(r"^\s*(yes|yeah|correct|indeed|是的|是|对|對|有的|会的|會的)\b|^\s*(是的|是|对|對)[，,。！]", re.I)
_NO = re.compile(r"^\s*(no)\b|^\s*(不|没有|沒有|否|并没有|並沒有|并未|並未)", re.I)


def negated(text: str) -> bool:
    """Does the text contain a negation (English or Chinese)?"""
    if _EN_NEG.search(text):
        return True
    han = "".join(ch if HAN_RE.match(ch) else " " for ch in text)
    return bool(han.strip()) and any(w in _ZH_NEGATORS or _ZH_FUSED.match(w) for w, _ in tagged_words(han))


def first_sentence(text: str) -> str:
    sents = split_sentences(strip_markers(text).strip())
    return sents[0] if sents else ""


def contradiction(question: str, answer: str, hits: Sequence[Hit], lang: str, min_share: float = 0.5) -> Quote | None:
    """The source sentence a yes/no answer contradicts by affirming what it negates, else None.

    ``lang`` is 'en' or 'zh' (the answer's document language); the sentence must carry at least
    ``min_share`` of the question's term weight, so that it speaks of what the question asks."""
    if negated(question):  # "Didn't they…?": yes and no are ambiguous
        return None
    best = pick_quotes(question, "", hits, lang, max_quotes=1, min_share=min_share, extend=False)
    if not best or not negated(best[0].sentence):
        return None
    first = first_sentence(answer)
    if not first or _NO.search(first):
        return None
    if _YES.search(first) or not negated(first):
        return best[0]
    return None


class NegationStage:
    """A yes/no answer that affirms what its best-matching sentence negates becomes "No" and that sentence."""

    name: ClassVar[str] = "negation"
    setting: ClassVar[str | None] = "negation_check"  # the bool setting that switches it on; None: always on

    def __init__(self, tools: Tools) -> None:
        pass

    def run(self, state: AnswerState) -> Iterator[Event]:
        q = state.q
        wrong = contradiction(state.prompt_question, state.text, state.context, doc_lang(q.lang)) if q.polar else None
        if wrong is not None:
            log.info("the answer drops the negation of %s: answering no with the sentence", wrong.label)
            state.text = prompts.load(q.prompt_lang)["polar_contradicted"].format(sentence=wrong.sentence, label=wrong.label)
            state.citations = (cite(wrong, state.lookup),)
        return iter(())
