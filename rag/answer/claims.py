"""The claims of an answer a reader can check against the paragraph it cites: numbers (dates,
quantities, versions, ports) and names (words written with a capital or a digit: Qwen-7B, FastChat,
GPU, Tuosheng Zhang). A claim is supported when the cited text states it, whatever the format:
NFKC (full-width digits), thousands separators (1,350 = 1350), simplified/traditional script, case,
a plural "s", and English month names as their numbers ("June 22" supports 6月22日).

Used by the eval's ``unsupported claims`` count; the claim-check stage of issue #17 builds on it."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable, Mapping

from rag.text.chinese import to_simplified
from rag.text.sentences import split_sentences

_MARKER = re.compile(r"\s*\[(EN|ZH) ¶(\d+)\]")
_NUM = re.compile(r"(?<![A-Za-z0-9_.-])\d+(?:,\d{3})*(?:\.\d+)?")  # 8000, 1,350, 16.2 (in 16.2GB), 2026 (in 2026年)
_NAME = re.compile(r"(?<![\w])(?:[A-Z][A-Za-z0-9]*(?:[-.+][A-Za-z0-9]+)*|[a-z]+[A-Z0-9][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*)")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")
# capitalised words that are not names: sentence openers and function words the models start with
_NOT_NAMES = frozenset(
    "a an the this that these those it its they their there he she we you i yes no not and but or so if when "
    "while as in on at to for from by with of about after before according however also both each every "
    "in addition first second third finally then".split()
)


@dataclass(frozen=True)
class Claim:
    text: str  # as the answer writes it
    kind: str  # number | name
    sentence: str  # the answer sentence that states it


def _norm(text: str) -> str:
    return to_simplified(unicodedata.normalize("NFKC", text)).lower()


def _number(token: str) -> str:
    return token.replace(",", "")


def claims(sentence: str) -> list[Claim]:
    """The numbers and names one answer sentence states (its citation markers set aside)."""
    plain = unicodedata.normalize("NFKC", _MARKER.sub("", sentence))
    found = [Claim(_number(m.group(0)), "number", sentence) for m in _NUM.finditer(plain)]
    for m in _NAME.finditer(plain):
        word = m.group(0)
        if word.lower() in _NOT_NAMES or (len(word) == 1 and not word.isdigit()):
            continue
        found.append(Claim(word, "name", sentence))
    return found


def _numbers(text: str) -> set[str]:
    norm = unicodedata.normalize("NFKC", text)
    nums = {_number(m.group(0)) for m in _NUM.finditer(norm)}
    low = norm.lower()
    nums |= {str(i + 1) for i, month in enumerate(_MONTHS) if re.search(rf"\b{month[:3]}", low)}
    return nums


def supported(claim: Claim, texts: Iterable[str]) -> bool:
    texts = list(texts)
    if claim.kind == "number":
        return any(claim.text in _numbers(t) for t in texts)
    hay = " ".join(_norm(t) for t in texts)
    word = _norm(claim.text)
    return word in hay or (word.endswith("s") and len(word) > 3 and word[:-1] in hay)


def unsupported_claims(answer: str, cited: Mapping[tuple[str, int], str]) -> list[Claim]:
    """The claims of ``answer`` that the paragraphs its sentences cite do not state. ``cited``: the
    text of each cited paragraph by (lang, n); a sentence without a marker is checked against all."""
    out: list[Claim] = []
    for sentence in split_sentences(answer):
        labels = [(lang.lower(), int(n)) for lang, n in _MARKER.findall(sentence)]
        texts = [cited[k] for k in labels if k in cited] or list(cited.values())
        out += [c for c in claims(sentence) if not supported(c, texts)]
    return out
