"""The names a paragraph writes, and whether another paragraph writes them too, in any form.

Two kinds of name, told apart by their spelling:

- ``code`` names a translation keeps as they are: addresses (https://…, www.…), identifiers with
  code punctuation (``@ant-design/cssinjs``, ``show_source``, ``Regexp::new``, ``#60376``,
  ``package.json``), and words mixing letters and digits (``Qwen-7B``, ``x86_64``, ``internlm2_5-1_8b``);
- ``word`` names a translation may write in its own language: acronyms (MDN, CLA), words with an
  inner capital (DashScope, GitHub, WeChat) and, in the English version, capitalised words that do not
  open a sentence or a cell (Docker) and are not everyday English words (Internet, Japanese, Note:
  frequent in pyspellchecker's English word list). In a Chinese paragraph every Latin word that is not
  plain lower case is one (Web, APP, LLM).

A name is written by another text when its letters and digits appear there whatever the case,
spacing, hyphens or a plural "s" (x86-64 = x86_64, Long Context = LongContext, annotations =
annotation), as its initials (JavaScript = JS), as its numeronym (K8s = Kubernetes), as the pinyin of its Han characters (Weibo = 微博), or
as a rendering listed in ``rag/text/data/names.toml`` (WeChat = 微信).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rag.text import data_lines
from rag.text.script import HAN_RE

DATA = Path(__file__).resolve().parent / "data" / "names.toml"

# an address ends at a space, a closing bracket or quote, or Chinese text (…/Qwen中的源代码: no Han in a URL)
_URL = re.compile(rf"(?:https?://|www\.)[^\s)）\]>\"'\u3000-\u303f\uff00-\uffef{HAN_RE.pattern[1:-1]}]+")
_TOKEN = re.compile(r"(?:[@#$]|(?<![\w.])/)?[A-Za-z0-9_][A-Za-z0-9_$.\-/:+#@]*[A-Za-z0-9_$]|[A-Za-z]")
_CODE_MARK = re.compile(r"[_@#$]|::|[A-Za-z0-9]{2}\.[A-Za-z]{2}|[A-Za-z]\.[A-Za-z0-9]{2}|[A-Za-z]\d|\d[A-Za-z]|[a-z][A-Z]")
_BOUNDARY = re.compile(r"[.!?:;|\n。！？：；]")  # where a sentence (or a table cell, a label's value) starts
_WORDISH = re.compile(r"[A-Za-z0-9\u4e00-\u9fff]")
_CELL_LABEL = re.compile(r"(?:^|(?<=\| ))[^|:\n]{1,40}: ")  # "Global Config: " of a table row's cell
_VOCAB = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-_.][A-Za-z0-9]+)*")
_FLAT = re.compile(r"[^0-9a-z\u4e00-\u9fff]+")
_SENTENCE_GLUE = re.compile(r"([a-z][a-z-]*[a-z])\.([A-Z][A-Za-z]*)")  # "field.PaddlePaddle" in prose
_NUMERONYM = re.compile(r"([A-Za-z])(\d{1,2})([A-Za-z]{1,2})")  # K8s, i18n, a11y


@dataclass(frozen=True)
class Name:
    text: str
    kind: str  # code | word


@lru_cache(maxsize=1)
def _renderings() -> dict[str, tuple[str, ...]]:
    d = tomllib.loads(DATA.read_text(encoding="utf-8"))
    return {k.lower(): tuple(v) for k, v in d["renderings"].items()}


def flat(text: str) -> str:
    """Lower case, NFKC, simplified script, without spaces and punctuation: how names are compared."""
    from rag.text.chinese import folded

    return _FLAT.sub("", folded(text).lower())


def _is_number(token: str) -> bool:
    return bool(re.fullmatch(r"[\d.,:/\-+]+[A-Za-z]{0,3}|v?\d+(?:\.\d+)+|\d+(?:st|nd|rd|th)", token, re.I))


def _is_code(token: str) -> bool:
    """Code punctuation (show_source, @scope/pkg, Regexp::new, package.json), letters and digits mixed
    (Qwen-7B, x86); a path (/acme/new-order, nodejs/security-wg). Words joined by a slash (and/or,
    dev/prod) are words; an inner capital alone (DashScope) is a word name, not code."""
    if "/" in token:
        parts = [p for p in token.split("/") if p]
        return token.startswith("/") or any(_is_code(p) or re.search(r"[-.]", p) for p in parts)
    return bool(_CODE_MARK.search(token)) and not re.fullmatch(r"[A-Z][a-z]+(?:[A-Z][a-z]+)+", token)


def _word_name(token: str, text: str, start: int, lang: str) -> bool:
    """An acronym, a word with an inner capital, or a capitalised word that does not open a sentence
    (English); in Chinese text any Latin word that is not plain lower case."""
    if len(token) < 2:
        return False
    letters = re.sub(r"[^A-Za-z]", "", token)
    if not letters or letters.islower():
        return False
    if letters.isupper() or re.search(r"[a-z][A-Z]", token):
        return True
    if lang == "zh":
        return True
    if _opens(text, start) or _title_cased(text, start):
        return False
    return not _everyday(token) or _in_run(text, start, start + len(token))


def _in_run(text: str, start: int, end: int) -> bool:
    """Is the word at ``start:end`` one of capitalised words in a row ("Hugging Face": a name of
    everyday words)?"""
    before = re.search(r"(?<![A-Za-z])[A-Z][\w-]* $", text[max(0, start - 40) : start])
    after = re.match(r" [A-Z]", text[end : end + 2])
    return bool(before or after)


COMMON_FREQUENCY = 1000  # how often a word must occur in the English word list to be an everyday word
EVERYDAY = "data/everyday_en.txt"  # those words, written out once (``everyday_words``), under rag/text


def everyday_words(min_frequency: int = COMMON_FREQUENCY) -> list[str]:
    """The English words of pyspellchecker's list (MIT; word counts of OpenSubtitles) that occur at
    least ``min_frequency`` times, in the list's order: what ``EVERYDAY`` holds. Reading the list itself
    takes a quarter of a second, so it is read only to write the file again:
    ``python -m rag.text.names > rag/text/data/everyday_en.txt``."""
    from spellchecker import SpellChecker

    counts = SpellChecker(language="en", distance=1).word_frequency.dictionary
    return [w for w, n in counts.items() if n >= min_frequency]


@lru_cache(maxsize=1)
def _everyday_words() -> frozenset[str]:
    return frozenset(data_lines("rag.text", EVERYDAY))


def _everyday(token: str) -> bool:
    """A capitalised everyday English word (Internet, Japanese, Foundation, License): on its own, a
    translation writes it in its own language. A rarer one (Docker, Wikipedia) may be a name it keeps."""
    return bool(re.fullmatch(r"[A-Z][a-z]+", token)) and token.lower() in _everyday_words()


def _title_cased(text: str, start: int) -> bool:
    """Is the sentence or cell of the word at ``start`` written in Title Case ("V5 Validation,
    Sanitization and Encoding"): at least three words of four letters or more, all of them capitalised?
    There a capital says nothing of a name."""
    begin = max((m.end() for m in _BOUNDARY.finditer(text, 0, start)), default=0)
    after = _BOUNDARY.search(text, start)
    words = re.findall(r"(?<![A-Za-z])[A-Za-z]{4,}(?![A-Za-z])", text[begin : after.end() if after else len(text)])
    capital = sum(w[0].isupper() for w in words)
    return capital >= 3 and capital == len(words)


def _opens(text: str, start: int) -> bool:
    """Is the word at ``start`` the first word of its sentence, cell or label (only symbols before it)?"""
    before = text[max(0, start - 80) : start]
    cut = max((m.end() for m in _BOUNDARY.finditer(before)), default=0)
    return not _WORDISH.search(before[cut:]) and (cut > 0 or start <= 80)


@dataclass(frozen=True)
class Vocabulary:
    """The words of a document's two versions (addresses left out): which of them it writes in lower
    case somewhere (a common word, however capitalised elsewhere), and the words of each version."""

    lower: frozenset[str]
    words: dict[str, frozenset[str]]

    @classmethod
    def of(cls, texts: dict[str, str]) -> Vocabulary:
        words = {lang: [w for m in _VOCAB.finditer(_URL.sub(" ", unicodedata.normalize("NFKC", t)))
                        for w in {m.group(0), *re.split(r"[-_.]", m.group(0))} if w]
                 for lang, t in texts.items()}
        lower = frozenset(w for ws in words.values() for w in ws if w.islower())
        return cls(lower, {lang: frozenset(w.lower() for w in ws) for lang, ws in words.items()})

    def common(self, name: Name) -> bool:
        """A capitalised word the document also writes in lower case (Color beside color)."""
        w = name.text
        return name.kind == "word" and w[:1].isupper() and w[1:].islower() and (
            w.lower() in self.lower or w.lower().rstrip("s") in self.lower)

    def has(self, lang: str, name: Name) -> bool:
        """Does version ``lang`` write ``name`` as a word of its own somewhere?"""
        low = name.text.lower()
        ws = self.words.get(lang, frozenset())
        return low in ws or low.rstrip("s") in ws or low + "s" in ws


def names(text: str, lang: str, kind: str = "prose") -> list[Name]:
    """The names ``text`` (a paragraph of version ``lang`` and ``kind``) writes, in order, each once.
    A table row's cell labels ("Global Config: ×") are its columns' headers, not names."""
    text = unicodedata.normalize("NFKC", text)
    if kind == "table":
        text = _CELL_LABEL.sub(" | ", text)
    found: dict[str, Name] = {}
    for m in _URL.finditer(text):
        url = m.group(0).rstrip(".,;:!?")
        found.setdefault(url, Name(url, "code"))
    rest = _URL.sub(lambda m: " " + m.group(0)[len(m.group(0).rstrip(".,;:!?")):], text)  # its full stop stays
    for m in _TOKEN.finditer(rest):
        token = m.group(0).rstrip(".-/:+").lstrip(".-:+")
        if not token or _is_number(token):
            continue
        glued = _SENTENCE_GLUE.fullmatch(token) if kind != "code" else None
        if glued:  # "letter-case.By convention": a sentence end the source glued to the next sentence
            tail = m.start() + glued.start(2)
            if _word_name(glued.group(2), rest, tail, lang):
                found.setdefault(glued.group(2), Name(glued.group(2), "word"))
            continue
        if _is_code(token):
            found.setdefault(token, Name(token, "code"))
        elif "/" in token:
            for part in token.split("/"):
                if part and _word_name(part, rest, m.start() + 1, lang):
                    found.setdefault(part, Name(part, "word"))
        elif _word_name(token, rest, m.start(), lang):
            found.setdefault(token, Name(token, "word"))
    return list(found.values())


def is_acronym(name: Name) -> bool:
    """API, SFT, LLMs (and a word in capitals, VERSION): capitals only, a plural "s" aside."""
    return bool(re.fullmatch(r"[A-Z]{2,}s?", name.text))


def _initials(name: str) -> str:
    return "".join(re.findall(r"[A-Z]", name))


def _abbreviated(name: Name, text: str) -> bool:
    """``name`` and ``text`` abbreviate one another: JavaScript = JS (its capitals), JS = JavaScript,
    NPM = Node Package Manager (the initials of capitalised words in a row)."""
    initials = _initials(name.text)
    if len(initials) >= 2 and initials != name.text and re.search(rf"(?<![A-Za-z]){initials}(?![A-Za-z])", text):
        return True
    if not re.fullmatch(r"[A-Z]{2,6}", name.text):
        return False
    spelled = {_initials(w) for w in re.findall(r"[A-Z][a-z]+(?:[A-Z][a-z]*)+", text)}
    spelled |= {"".join(w[0] for w in run.split()) for run in re.findall(r"(?:[A-Z][a-z]+ ){1,5}[A-Z][a-z]+", text)}
    return name.text in spelled


def _glued(name: Name, text: str) -> bool:
    """Words the parser glued together ("avatarWe have…" after an image's alt text, "join us onDiscord",
    "has aScope field" before a bold field name):
    the other text writes the lower-case head or the capitalised tail as a word of its own."""
    m = re.fullmatch(r"([a-z]+)([A-Z][A-Za-z]*(?:-[A-Za-z]+)*)", name.text)
    return bool(m) and any(re.search(rf"(?<![A-Za-z]){part}(?![a-z])", text) is not None for part in m.groups())


def _numeronym(name: str, text: str) -> bool:
    """``name`` and a word of ``text`` are one another's numeronym: the first letter, the count of the
    letters between, the last (K8s = Kubernetes, i18n = internationalization, a11y = accessibility)."""
    m = _NUMERONYM.fullmatch(name)
    if m:
        head, count, tail = m.groups()
        return re.search(rf"(?<![A-Za-z]){head}[a-z]{{{count}}}{tail}(?![A-Za-z])", text, re.I) is not None
    if not re.fullmatch(r"[A-Za-z]{5,}", name):
        return False
    short = {f"{name[0]}{len(name) - 1 - k}{name[-k:]}" for k in (1, 2)}
    return any(re.search(rf"(?<![A-Za-z0-9]){s}(?![A-Za-z0-9])", text, re.I) for s in short)


def written(name: Name, text: str, flat_text: str | None = None) -> bool:
    """Does ``text`` write ``name`` in any of the forms the module doc lists?"""
    ft = flat(text) if flat_text is None else flat_text
    fn = flat(name.text)
    if not fn:
        return True
    forms = {fn, fn[:-1] if fn.endswith("s") and len(fn) > 3 else fn, fn + "s"}
    if len(fn) <= 3:  # a short name must stand as a word of its own (C.17, s2: letters and digits
        # joined by punctuation are one word, as the name is)
        low = unicodedata.normalize("NFKC", text).lower()
        words = set(re.findall(r"[0-9a-z]+", low)) | {flat(w) for w in re.findall(r"[0-9a-z]+(?:[._/-][0-9a-z]+)+", low)}
        if forms & words:
            return True
    elif any(f in ft for f in forms):
        return True
    if _abbreviated(name, text) or _glued(name, text) or _numeronym(name.text, text):
        return True
    if any(flat(r) in ft for r in _renderings().get(name.text.lower(), ())):
        return True
    if name.kind == "word" and re.search(r"[\u4e00-\u9fff]", text):
        from rag.text.chinese import romanises

        return romanises(name.text, text)
    return False


if __name__ == "__main__":
    print(f"# English words of frequency >= {COMMON_FREQUENCY} in pyspellchecker's list (MIT), one per line;")
    print("# written by `python -m rag.text.names` (rag.text.names.everyday_words). Read by rag.text.names.")
    print("\n".join(everyday_words()))
