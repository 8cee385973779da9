"""Chinese scripts and words: OpenCC conversion between simplified and traditional, jieba, pinyin."""

from __future__ import annotations

import logging
import re
from functools import lru_cache

from rag.text.script import HAN_RE


@lru_cache(maxsize=1)
def jieba_lib():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


@lru_cache(maxsize=4)
def _opencc(config: str):
    import opencc

    return opencc.OpenCC(config)


@lru_cache(maxsize=1)
def _posseg():
    import jieba.posseg as pseg

    jieba_lib()  # quiet logging, one initialisation
    return pseg


def tagged_words(text: str) -> list[tuple[str, str]]:
    """jieba's words of the simplified text with their part-of-speech flags (n, v, d, nr, ns …)."""
    return [(w, f) for w, f in _posseg().lcut(to_simplified(text))]


_PERSON_FLAGS = frozenset({"nr", "nrfg", "nrt"})
NAME_FLAGS = _PERSON_FLAGS | {"ns", "nt", "j"}  # jieba's persons, places, organisations, abbreviations


@lru_cache(maxsize=1)
def mistagged_persons(min_compounds: int = 3) -> frozenset[str]:
    """Words jieba's dictionary tags as a person's name although they are common words: each occurs
    inside at least ``min_compounds`` other dictionary words that are not names (许可 in 未经许可,
    行政许可 …; 文明, 卫星, 顾问). A real name rarely does (特朗普 0, 毛泽东 0, 孔子 2). One pass over
    the dictionary, ~0.3 s, once per process."""
    tags = _posseg().dt.word_tag_tab
    persons = {w for w, f in tags.items() if f in _PERSON_FLAGS and 2 <= len(w) <= 4}
    counts: dict[str, int] = {}
    for word, flag in tags.items():
        if flag in NAME_FLAGS or len(word) < 3:
            continue
        for size in (2, 3, 4):
            for i in range(len(word) - size + 1):
                part = word[i:i + size]
                if part in persons:
                    counts[part] = counts.get(part, 0) + 1
    return frozenset(w for w, n in counts.items() if n >= min_compounds)


def to_simplified(text: str) -> str:
    return _opencc("t2s.json").convert(text)


def fold(text: str) -> str:
    """Simplified script, lower case: how a question, a name and a text are compared."""
    return to_simplified(text).lower()


def to_mainland(text: str) -> str:
    """Taiwan's words as the mainland writes them (OpenCC tw2sp: 紐西蘭 → 新西兰, 軟體 → 软件)."""
    return _opencc("tw2sp.json").convert(text)


def to_traditional(text: str) -> str:
    """Simplified → traditional, one jieba word at a time: OpenCC's phrase table otherwise reads
    across word boundaries ("三方核对话" = 三方/核/对话 became "三方覈對話", as if it held 核对 "to check")."""
    cc = _opencc("s2t.json")
    if not HAN_RE.search(text):
        return text
    return "".join(cc.convert(w) for w in jieba_lib().lcut(text, HMM=False))


def is_traditional(text: str) -> bool:
    """True when the Han text uses more traditional-only than simplified-only characters."""
    han = "".join(HAN_RE.findall(text))
    if not han:
        return False
    simp = to_simplified(han)
    trad = to_traditional(han)
    n_trad = sum(1 for a, b in zip(han, simp) if a != b)  # chars that change when simplified
    n_simp = sum(1 for a, b in zip(han, trad) if a != b)  # chars that change when made traditional
    return n_trad > n_simp


def in_script(text: str, lang: str) -> str:
    """``text`` (written in simplified Chinese or English) in the script of answer language ``lang``."""
    return to_traditional(text) if lang == "zh-Hant" else text


_HAN_RUN = re.compile(f"(?:{HAN_RE.pattern})+")


@lru_cache(maxsize=1)
def _pinyin():
    from pypinyin import Style, lazy_pinyin

    return lambda run: [syl.replace("v", "u") for syl in lazy_pinyin(run, style=Style.NORMAL)]


@lru_cache(maxsize=4096)
def _syllable_runs(text: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(_pinyin()(m.group(0))) for m in _HAN_RUN.finditer(text))


def romanises(word: str, text: str, min_syllables: int = 2) -> bool:
    """Is ``word`` the toneless pinyin of ``min_syllables`` or more consecutive Han characters of
    ``text``: a romanised form of a name the text writes in Han ("Qianwen" of 千问, "Tongyi" of 通義)?
    Case, ü/v/u and a syllable split inside the word aside; pypinyin reads each character in context."""
    w = word.lower().replace("ü", "u").replace("v", "u")
    if not (w.isascii() and w.isalpha()):
        return False
    for run in _syllable_runs(text):
        for i in range(len(run)):
            acc = ""
            for j in range(i, len(run)):
                acc += run[j]
                if not w.startswith(acc):
                    break
                if acc == w and j - i + 1 >= min_syllables:
                    return True
    return False


@lru_cache(maxsize=1)
def _syllables() -> frozenset[str]:
    """Every toneless pinyin syllable pypinyin reads a CJK unified ideograph as (about 400), read once."""
    chars = "".join(chr(c) for c in range(0x4E00, 0x9FA6))
    return frozenset(s for s in _pinyin()(chars) if s.isascii() and s.isalpha())


def looks_like_pinyin(text: str) -> bool:
    """Is every word of ``text`` a run of pinyin syllables ("goukou konggong", "Tongyi Qianwen"; not
    "check conduction")? A word of one short syllable alone ("a", "he") is not enough to tell."""
    words = [w for w in re.split(r"[\s'’-]+", text.lower().replace("ü", "u")) if w]
    if not words or all(len(w) <= 2 for w in words):
        return False
    syll = _syllables()

    def splits(w: str) -> bool:
        ok = [True] + [False] * len(w)  # ok[i]: w[:i] is a run of syllables
        for i in range(1, len(w) + 1):
            ok[i] = any(ok[j] and w[j:i] in syll for j in range(max(0, i - 6), i))
        return ok[-1]

    return all(w.isascii() and w.isalpha() and splits(w) for w in words)
