"""Lossless sentence boundaries for English and Chinese."""

from __future__ import annotations

import re

ZH_SENT_END = "。！？；!?"
CLOSERS = "”’\"'」』）)】》"
BLOCK_END = ".!?:;…：" + ZH_SENT_END  # what a paragraph that is not cut off ends with (a lead-in's colon too)


def ends_sentence(text: str) -> bool:
    """The text ends a sentence (or a lead-in), closing quotes and brackets aside."""
    t = text.rstrip().rstrip(CLOSERS)
    return bool(t) and t[-1] in BLOCK_END


_ABBREV = re.compile(r"(?:\b[A-Z]|\b(?:Mr|Mrs|Ms|Dr|St|No|vs|etc|e\.g|i\.e|Jr|Sr|Inc|Ltd|Co))\.$")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Lossless sentence boundaries: spans that tile ``text`` exactly.

    Ends are 。！？； (Chinese), . ! ? (Latin, not after an initial such as ``U.S.``) and a blank line
    (a block under a sentence that ends in a colon: a command, a log); closing quotes/brackets and the
    whitespace after an end stay with the sentence.
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
        elif ch == "\n":
            j = i + 1
            while j < n and text[j] in " \t":
                j += 1
            cut = j + 1 if j < n and text[j] == "\n" else None
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
