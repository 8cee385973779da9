"""The question: validation, its language, and a follow-up rewritten to stand alone (one short model
call, with history only)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Sequence

from rag.answer import prompts
from rag.answer.markers import strip_markers
from rag.errors import InputError
from rag.text.chinese import to_simplified
from rag.text.language import answer_language, detect_language
from rag.text.script import HAN_RE

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


def question_language(text: str, forced_lang: str | None = None) -> tuple[str, str]:
    """(detected language, the answer's language) of a question."""
    detected = detect_language(text)
    lang = forced_lang or answer_language(detected)
    if lang not in ("en", "zh", "zh-Hant"):
        raise InputError(f"unknown answer language {lang!r}", hint="use en, zh or zh-Hant")
    return detected, lang


@lru_cache(maxsize=1)
def _taiwan_to_mainland():
    import opencc

    return opencc.OpenCC("tw2sp.json")


def search_forms(text: str) -> tuple[str, ...]:
    """The question in simplified script, then, where it differs, in mainland words too (OpenCC's
    phrase table: 軟體 → 软件, 記憶體 → 内存, 伺服器 → 服务器): a question asked in Taiwan's words
    about a document written in the mainland's."""
    simple = to_simplified(text)
    if not HAN_RE.search(text):
        return (simple,)
    return tuple(dict.fromkeys((simple, _taiwan_to_mainland().convert(text))))


_FOLLOWUP_START = re.compile(r"^\s*(and|but|also|so|what about|how about|那么?|还有|那第|而)\b|^\s*(那|还有|而)", re.I)
_FOLLOWUP_ORDINAL = re.compile(
    r"\bthe (first|second|third|fourth|fifth|last|other|next|previous) (one|point|part|obstacle|step)\b|第[一二三四五六七八九十\d]+[点個个条項项]", re.I
)
_PRONOUN = re.compile(r"\b(it|its|they|them|their|that|this|those|these|he|she|him|his|her)\b|[它他她这那其]", re.I)


def is_follow_up(question: str) -> bool:
    """Does the question lean on earlier turns? (then it is rewritten before retrieval)"""
    if _FOLLOWUP_START.search(question) or _FOLLOWUP_ORDINAL.search(question):
        return True
    short = len(re.findall(r"[A-Za-z]+", question)) <= 6 and len(re.findall(r"[\u4e00-\u9fff]", question)) <= 12
    return short and bool(_PRONOUN.search(question))


def rewrite(chat, question: str, history: Sequence[tuple[str, str]], lang: str) -> str:
    """A follow-up as a standalone question, from the last two (question, answer) turns (one short
    model call)."""
    p = prompts.load(lang)
    who_u, who_a = ("User", "Assistant") if lang == "en" else ("用户", "助手")
    lines = []
    for u, a in list(history)[-2:]:
        lines.append(f"{who_u}: {u}")
        lines.append(f"{who_a}: {strip_markers(a)[:400]}")
    out = chat.complete("", p["rewrite"].format(history="\n".join(lines), question=question), max_tokens=80)
    out = out.strip().strip('"“”').splitlines()[0].strip() if out.strip() else ""
    return out if 3 <= len(out) <= 400 else f"{history[-1][0]} {question}"
