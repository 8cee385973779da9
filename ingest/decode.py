"""Bytes → text: UTF-8 (with or without BOM), UTF-16 with BOM, GB18030 and Big5."""

from __future__ import annotations

import codecs
import re

from rag.errors import DocumentError

_CTRL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if b"\x00" in head:
        return True
    ctrl = sum(1 for b in head if b < 9 or 13 < b < 32)
    return ctrl > max(4, len(head) // 50)


def _zh_score(text: str) -> float:
    """How much of the Han text segments into known multi-character words (real text scores high)."""
    from rag.text.chinese import jieba_lib, to_simplified
    from rag.text.script import HAN_RE

    han = "".join(HAN_RE.findall(text))[:4000]
    if not han:
        return 0.0
    words = jieba_lib().lcut(to_simplified(han), HMM=False)
    in_words = sum(len(w) for w in words if len(w) > 1)
    return in_words / len(han)


def decode_bytes(data: bytes, name: str = "document") -> str:
    if not data.strip():
        raise DocumentError(f"{name} is empty")
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(enc)
            except UnicodeDecodeError as e:
                raise DocumentError(f"{name} has a {enc} byte-order mark but is not valid {enc}: {e.reason}") from None
    if _looks_binary(data):
        raise DocumentError(f"{name} looks like a binary file, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    candidates: list[tuple[float, str]] = []
    for enc in ("gb18030", "big5"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        candidates.append((_zh_score(text), text))
    if not candidates:
        raise DocumentError(f"{name} is not UTF-8, GB18030 or Big5 text; save it as UTF-8 and try again")
    candidates.sort(key=lambda c: c[0], reverse=True)
    score, text = candidates[0]
    if score < 0.2:
        raise DocumentError(f"{name}: could not tell its encoding (not UTF-8; GB18030/Big5 give no readable Chinese)")
    return text


def check_text(text: str, name: str) -> str:
    if _CTRL_RE.search(text[:20000]) and len(_CTRL_RE.findall(text)) > max(4, len(text) // 100):
        raise DocumentError(f"{name} contains control characters; it does not look like a text document")
    return text
