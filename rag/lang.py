"""CJK-aware text handling: scripts, question language, OpenCC, sentences, tokens."""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import lru_cache

HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
LATIN_RE = re.compile(r"[A-Za-z\u00c0-\u024f]")
LATIN_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'\-]*")
# letters of scripts we don't handle (Cyrillic, Arabic, Hebrew, Greek, Devanagari, Thai, Hangul, Kana ...)
OTHER_LETTER_RE = re.compile(
    r"[\u0370-\u03ff\u0400-\u04ff\u0590-\u05ff\u0600-\u06ff\u0900-\u097f\u0e00-\u0e7f"
    r"\u3040-\u30ff\uac00-\ud7af]"
)

ZH_SENT_END = "。！？；!?"
CLOSERS = "”’\"'」』）)】》"


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


# --- OpenCC ---------------------------------------------------------------


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
    return "".join(cc.convert(w) for w in _jieba().lcut(text, HMM=False))


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


# --- question language ----------------------------------------------------

_EN_FRAME = re.compile(
    r"\b(what|who|whom|whose|when|where|why|how|which|does|do|did|is|are|was|were|can|could|"
    r"will|would|should|the|of|and|in|on|about|according|explain|describe|list|tell|name)\b",
    re.I,
)
_ZH_FRAME = re.compile(r"什么|什麼|谁|誰|哪|何时|何時|如何|怎么|怎麼|为什么|為什麼|吗|嗎|呢|是否|多少|几|幾|请|請|根据|根據|的|了|是")


def detect_language(text: str) -> str:
    """'en', 'zh', 'zh-Hant' or 'mixed:<main>' for a question."""
    han, latin, _ = count_scripts(text)
    if han == 0:
        return "en"
    zh = "zh-Hant" if is_traditional(text) else "zh"
    if latin == 0:
        return zh
    words = len(LATIN_WORD_RE.findall(text))
    en_frame = bool(_EN_FRAME.search(text))
    zh_frame = bool(_ZH_FRAME.search(text))
    if en_frame and not zh_frame:
        main = "en"
    elif zh_frame and not en_frame:
        main = zh
    else:
        main = "en" if words * 2 > han else zh
    return f"mixed:{main}"


def answer_language(detected: str) -> str:
    return detected.split(":", 1)[1] if detected.startswith("mixed:") else detected


def text_language(text: str) -> str:
    """Language of a generated answer: 'en', 'zh' or 'zh-Hant' by dominant script."""
    han, latin, _ = count_scripts(text)
    if han == 0 and latin == 0:
        return "en"
    if han * 2 >= latin:  # one Han char carries about as much as 2 latin letters... generously
        return "zh-Hant" if is_traditional(text) else "zh"
    return "en"


# --- sentences ------------------------------------------------------------

_ABBREV = re.compile(r"(?:\b[A-Z]|\b(?:Mr|Mrs|Ms|Dr|St|No|vs|etc|e\.g|i\.e|Jr|Sr|Inc|Ltd|Co))\.$")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Lossless sentence boundaries: spans that tile ``text`` exactly.

    Ends are 。！？； (Chinese) and . ! ? (Latin, not after an initial such as ``U.S.``);
    closing quotes/brackets and the whitespace after an end stay with the sentence.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        cut = None
        if ch in ZH_SENT_END:
            j = i + 1
            while j < n and text[j] in CLOSERS:
                j += 1
            cut = j
        elif ch in ".!?":
            j = i + 1
            while j < n and text[j] in ".!?":
                j += 1
            while j < n and text[j] in CLOSERS:
                j += 1
            nxt = text[j] if j < n else ""
            if ch == "." and _ABBREV.search(text[max(start, i - 6): i + 1]):
                cut = None
            elif nxt == "" or nxt.isspace():
                cut = j
            elif nxt.isupper() and i > 0 and text[i - 1].islower():
                cut = j  # a missing space: "measures.In addition"
        if cut is not None:
            while cut < n and text[cut].isspace():
                cut += 1
            if cut > start:
                spans.append((start, cut))
                start = cut
            i = cut
            continue
        i += 1
    if start < n:
        spans.append((start, n))
    return spans


def split_sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]


# --- tokens for lexical search ---------------------------------------------

_EN_STOP = frozenset(
    "a an the of and or in on at to for from by with as is are was were be been being it its this that "
    "these those what which who whom whose when where why how do does did can could will would should "
    "may might must shall has have had not no but if than then so such into about over after before "
    "according article document text say says said tell me please".split()
)
_ZH_STOP = frozenset("的 了 是 在 和 与 及 也 都 而 就 对 将 其 之 或 等 把 被 这 那 什么 哪些 哪 吗 呢 谁 如何 怎么 为什么 请 文章 根据 中 有 吧".split())
_TOKEN_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-']*|[\u3400-\u4dbf\u4e00-\u9fff]+")


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def tokenize(text: str) -> list[str]:
    """Tokens for BM25: lowercased English words, jieba words for Chinese (simplified), numbers."""
    text = unicodedata.normalize("NFKC", text)
    out: list[str] = []
    for m in _TOKEN_RE.finditer(text):
        tok = m.group(0)
        if HAN_RE.match(tok):
            simp = to_simplified(tok)
            for w in _jieba().lcut_for_search(simp):
                if w not in _ZH_STOP:
                    out.append(w)
        else:
            w = tok.lower().strip(".-'")
            if w and w not in _EN_STOP:
                out.append(w)
    return out
