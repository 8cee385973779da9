"""Chinese scripts and words: OpenCC conversion between simplified and traditional, jieba."""

from __future__ import annotations

import logging
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
