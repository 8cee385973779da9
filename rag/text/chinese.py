"""Chinese scripts and words: OpenCC conversion between simplified and traditional, jieba, and whether
a Latin word is the pinyin of Han characters (pypinyin: names written both ways)."""

from __future__ import annotations

import logging
import re
import unicodedata
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


def to_simplified(text: str) -> str:
    return _opencc("t2s.json").convert(text)


def folded(text: str) -> str:
    """Width and script folded (NFKC, then simplified: ＡＢＣ = ABC, 通義 = 通义): how texts are compared."""
    return to_simplified(unicodedata.normalize("NFKC", text))


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
