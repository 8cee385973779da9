"""The claims of an answer a reader can check against the paragraph it cites: numbers (dates,
quantities, versions, ports) and names (words written with a capital or a digit: Qwen-7B, FastChat,
GPU, Tuosheng Zhang; file names and dotted identifiers: style.css, column.shouldCellUpdate). A claim is supported when the cited text states it, whatever the format:
NFKC (full-width digits), thousands separators (1,350 = 1350), simplified/traditional script, case,
a plural "s", English month names as their numbers ("June 22" supports 6月22日), and a Latin name as
the pinyin of a name the text writes in Han ("Tongyi Qianwen" supports 通义千问).

Used by the claim check (``rag.answer.support``) and the eval's ``unsupported claims`` count."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from rag.answer.citations import MARKER_RE, parse_markers, strip_markers
from rag.text.chinese import romanises, to_simplified
from rag.text.script import HAN_RE
from rag.text.sentences import split_sentences

_NUM = re.compile(r"(?<![A-Za-z0-9_.-])\d+(?:,\d{3})*(?:\.\d+)?")  # 8000, 1,350, 16.2 (in 16.2GB), 2026 (in 2026年)
_NAME = re.compile(r"(?<![\w])(?:[A-Z][A-Za-z0-9]*(?:[-.+][A-Za-z0-9]+)*|[a-z]+[A-Z0-9][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*)")
# file names and dotted identifiers: style.css, package.json, column.shouldCellUpdate (not U.S., e.g.)
_CODE = re.compile(r"(?<![\w.])[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)+")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")
# words an answer puts in quotation marks are given as the source's own: “红果汁”, "check conduction"
_QUOTED = re.compile(r"[“\"「『]([^“”\"「」『』\n]{2,80})[”\"」』]")
_FLAT = re.compile(r"[\W_]+")
# capitalised words that are not names: sentence openers and function words the models start with
_NOT_NAMES = frozenset(
    "a an the this that these those it its they their there he she we you i yes no not and but or so if when "
    "while as in on at to for from by with of about after before according however also both each every "
    "in addition first second third finally then".split()
)


@dataclass(frozen=True)
class Claim:
    text: str  # as the answer writes it
    kind: str  # number | name | code (a file name or dotted identifier) | quote (words in quotation marks)
    sentence: str  # the answer sentence that states it


def _norm(text: str) -> str:
    return to_simplified(unicodedata.normalize("NFKC", text)).lower()


def _flat(text: str) -> str:
    """Normalised, without spaces or punctuation: a quotation is compared word for word, not by its commas."""
    return _FLAT.sub("", _norm(text))


def _number(token: str) -> str:
    return token.replace(",", "")


def claims(sentence: str) -> list[Claim]:
    """The numbers and names one answer sentence states (its citation markers set aside). A
    capitalised plain word that opens the sentence is not taken for a name ("Besides", "One")."""
    whole = unicodedata.normalize("NFKC", strip_markers(sentence))
    plain = whole.lstrip(" >“\"'")  # an opening quotation mark is not part of a name
    found = [Claim(_number(m.group(0)), "number", sentence) for m in _NUM.finditer(plain)]
    found += [Claim(q.strip(), "quote", sentence) for q in _QUOTED.findall(whole) if _flat(q)]
    code = [m.group(0) for m in _CODE.finditer(plain) if max(map(len, m.group(0).split("."))) >= 2]
    found += [Claim(c, "code", sentence) for c in code]
    for m in _NAME.finditer(plain):
        word = m.group(0)
        if any(word in c for c in code):  # a part of a file name or identifier, already a claim
            continue
        opener = m.start() == 0 and word[1:].islower()
        if opener or word.lower() in _NOT_NAMES or (len(word) == 1 and not word.isdigit()):
            continue
        found.append(Claim(word, "name", sentence))
    return found


_ZH_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2, "兩": 2}
_ZH_NUM = re.compile(r"[零一二两兩三四五六七八九十百]+")


def _zh_number(run: str) -> int | None:
    """一 … 九百九十九 as a number (九 = 9, 十三 = 13, 二十 = 20, 一百零五 = 105); None when not a number."""
    total, digit = 0, None
    for ch in run:
        if ch in _ZH_DIGITS:
            digit = _ZH_DIGITS[ch]
        elif ch in "十百":
            total += (1 if digit is None else digit) * (10 if ch == "十" else 100)
            digit = None
    return total + (digit or 0) if run else None


def _numbers(text: str) -> set[str]:
    norm = unicodedata.normalize("NFKC", text)
    nums = {_number(m.group(0)) for m in _NUM.finditer(norm)}
    nums |= {str(n) for n in map(_zh_number, _ZH_NUM.findall(norm)) if n is not None}
    low = norm.lower()
    nums |= {str(i + 1) for i, month in enumerate(_MONTHS) if re.search(rf"\b{month[:3]}", low)}
    return nums


@dataclass(frozen=True)
class _Cited:
    """What a sentence's cited texts state, read once per sentence: their numbers, their normalised
    text, and whether they write Latin names at all."""

    numbers: frozenset[str]
    text: str
    latin: bool
    raw: tuple[str, ...] = ()
    han: bool = False  # the texts write Han characters
    flat: str = ""  # the normalised texts without spaces or punctuation (for quotations)

    @classmethod
    def of(cls, texts: Iterable[str]) -> _Cited:
        texts = tuple(texts)
        numbers = frozenset(n for t in texts for n in _numbers(t))
        latin = any(len(LATIN_WORD.findall(t)) >= 3 or (LATIN_WORD.search(t) and not HAN_RE.search(t)) for t in texts)
        han = any(HAN_RE.search(t) for t in texts)
        norms = [_norm(t) for t in texts]
        return cls(numbers, " ".join(norms), latin, texts, han, "|".join(_FLAT.sub("", n) for n in norms))

    def states(self, claim: Claim) -> bool:
        if claim.kind == "number":
            return claim.text in self.numbers
        if claim.kind == "quote":
            return _flat(claim.text) in self.flat
        word = _norm(claim.text)
        if word in self.text or (word.endswith("s") and len(word) > 3 and word[:-1] in self.text):
            return True
        return claim.kind == "name" and any(romanises(claim.text, t) for t in self.raw)

    def can_check(self, claim: Claim, question: str) -> bool:
        """A name the question itself uses (``question`` normalised) is the question's, not the
        answer's claim; a Latin-script name can only be checked against text that writes Latin names
        (a Chinese paragraph calls Trump 特朗普, an English heading of two words is Latin text). A file
        name or identifier is written the same in every language."""
        if claim.kind == "number":
            return True
        if claim.kind == "quote":  # Han words against a text that writes Han, Latin ones against Latin text
            han = bool(HAN_RE.search(claim.text))
            return _flat(claim.text) not in _flat(question) and (self.han if han else self.latin)
        return _norm(claim.text) not in question and (self.latin or claim.kind == "code")


LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_LEADING_MARKERS = re.compile(rf"^(?:{MARKER_RE.pattern})+")


def with_own_markers(sentences: list[str]) -> list[str]:
    """A marker that opens a sentence belongs to the one before it ("… years.” [EN ¶1]\n> …")."""
    out: list[str] = []
    for s in sentences:
        m = _LEADING_MARKERS.match(s)
        if m and out:
            out[-1] += m.group(0)
            s = s[m.end():]
        if s.strip():
            out.append(s)
    return out


def stated(found: Sequence[Claim], texts: Iterable[str]) -> bool:
    """Does ``texts`` state every one of the claims (not merely fail to contradict them)?"""
    evidence = _Cited.of(texts)
    return all(evidence.states(c) for c in found)


def assess(sentence: str, texts: Iterable[str], question: str = "") -> tuple[list[Claim], list[Claim]]:
    """(the claims of one sentence that ``texts`` state, the checkable ones they do not state: what
    cannot be checked, ``_Cited.can_check``, is in neither list unless stated)."""
    evidence = _Cited.of(texts)
    asked = _norm(question)
    found = claims(sentence)
    missing = [c for c in found if evidence.can_check(c, asked) and not evidence.states(c)]
    # a quotation the texts hold anchors nothing by itself (it may be the question's own words)
    return [c for c in found if c.kind != "quote" and evidence.states(c)], missing


def unsupported_claims(answer: str, cited: Mapping[tuple[str, int], str], question: str = "") -> list[Claim]:
    """The checkable claims of ``answer`` that the paragraphs its sentences cite do not state. ``cited``:
    the text of each cited paragraph by (lang, n); a sentence without a marker is checked against all."""
    out: list[Claim] = []
    for sentence in with_own_markers(split_sentences(answer)):
        labels = parse_markers(sentence)
        out += assess(sentence, [cited[k] for k in labels if k in cited] or cited.values(), question)[1]
    return out
