"""A word and its rendering in the other language, as a bilingual text writes them side by side.

Chinese technical writing glosses names and terms in brackets, and English writing glosses Chinese
ones: "我们开源了Qwen（通义千问）", "大家好，我是 Redjue（红果汁）", "通过色相（Hue）、饱和度（Saturation）",
"WeChat (微信)". Such a pair answers a translator's question exactly ("What Chinese name does the
Chinese README give Qwen?", "“接受”对应的英文是什么？"), in the document's own words.

One side is Latin (a name or term of at most five words that starts with a letter), the other Han
(2–8 characters, no digits: "18亿（1.8B）" is a number, "（入口见文档开头部分）" a note). Where the
Han words stand before the bracket, where they begin is a guess: about two characters per English
word, by jieba's words ("在魔搭社区（ModelScope）" → 魔搭社区), and the reply quotes the whole phrase
so the reader sees it as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.text.chinese import fold, tagged_words

_BRACKET = re.compile(r"[（(]([^()（）\n]{1,60})[)）]")
_HAN_SIDE = re.compile(r"[\u3400-\u9fff·・]{2,8}")
_LATIN_SIDE = re.compile(r"[A-Za-z][A-Za-z0-9.'’+\-_/]*(?: [A-Za-z0-9][A-Za-z0-9.'’+\-_/]*){0,4}")
_LATIN_BEFORE = re.compile(r"(?<![A-Za-z0-9.'’+\-_/])[A-Za-z][A-Za-z0-9.'’+\-_/]*(?: [A-Za-z][A-Za-z0-9.'’+\-_/]*){0,3}$")
_HAN_BEFORE = re.compile(r"[\u3400-\u9fff]{2,}$")
_HUMP = re.compile(r"[a-z][A-Z]")


@dataclass(frozen=True)
class Rendering:
    """``latin`` and ``han`` name one thing; ``han_run`` is all the Han text before a Latin gloss (the
    Han term is its end); ``phrase`` is how the text writes the pair. ``whole``: each side is named
    only whole (a heading and its twin heading)."""

    latin: str
    han: str
    phrase: str
    han_run: str = ""
    whole: bool = False

    def side(self, lang: str) -> str:
        return self.han if lang == "zh" else self.latin


def _english_words(latin: str) -> int:
    """How many words an English term counts for: "ModelScope" 2, "CBM" 3, "Function Calling" 2."""
    words = latin.replace("-", " ").split() if " " in latin else [latin]
    n = 0
    for w in words:
        if w.isupper() and w.isalpha() and 2 <= len(w) <= 5:
            n += min(len(w), 4)  # an acronym: a word per letter
        else:
            n += 1 + len(_HUMP.findall(w))
    return n


def _han_term(run: str, latin: str) -> str:
    """The end of a Han run that a Latin gloss renders: jieba's words, from the last, until about two
    characters per English word."""
    words = [w for w, _ in tagged_words(run)]
    need, term = 2 * _english_words(latin), ""
    for w in reversed(words):
        term = w + term
        if len(term) >= need:
            break
    return term


def renderings(text: str) -> list[Rendering]:
    """Every Latin–Han pair the text writes as a word and its bracketed gloss, in order."""
    found: list[Rendering] = []
    for m in _BRACKET.finditer(text):
        inner, before = m.group(1).strip(), text[: m.start()].rstrip(" \t")
        if _HAN_SIDE.fullmatch(inner):
            latin = _LATIN_BEFORE.search(before)
            if latin:
                found.append(Rendering(latin.group(0), inner, text[latin.start() : m.end()]))
        elif _LATIN_SIDE.fullmatch(inner):
            run = _HAN_BEFORE.search(before)
            if run:
                han = _han_term(run.group(0), inner)
                found.append(Rendering(inner, han, text[len(before) - len(han) : m.end()], run.group(0)))
    return found


def named_side(r: Rendering, q: str, lang: str) -> str | None:
    """The side of ``r`` in ``lang`` as the question ``q`` (``fold``ed once by the caller) names it, or
    None. A bracketed side must be named whole (Latin as whole words, any case); of the words before a
    bracket, the longest end the question holds will do ("并至少有一个维护人员接受（Approve）" and "“接受”对应的英文"
    → 接受)."""
    if lang == "en":
        words = r.latin.split(" ")
        for start in range(1 if r.han_run or r.whole else len(words)):  # "the Qwen series（…）": "Qwen series" will do
            part = " ".join(words[start:])
            if len(part) < 3 and not part.isupper():
                break
            if re.search(rf"(?<![a-z0-9\-_]){re.escape(fold(part))}(?![a-z0-9\-_])", q):
                return part
        return None
    run = r.han_run or r.han
    for start in range(len(run) - 1 if r.han_run else 1):
        if fold(run[start:]) in q:
            return run[start:]
    return None
