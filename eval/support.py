"""Is every line of an answer stated by a paragraph it cites? A checker that shares no code with the
composer (``rag/answer/compose.py``): it reads only the answer text and the cited paragraphs' text.

An answer line, with its citation markers, its list bullet and the prompts' fixed note lines ("Only
the Chinese version states this:") taken out and code fences skipped, is supported when it occurs
verbatim in a cited paragraph's text, whitespace, character width (ＡＢＣ = ABC) and script (通義 = 通义)
aside; a line that does not occur whole is supported when each of its sentences does (sentences of one
paragraph quoted together, with one left out between them). A line on where the versions disagree
(the prompts' ``differs_*`` templates: "The Chinese version says 45 [ZH ¶5]; …") is supported when
every value it quotes occurs in a cited paragraph (a quoted sentence whole). A line that writes a
quoted paragraph in the asker's language (the prompts' ``rendered`` template: "中文大意：…") cannot
occur verbatim; it is supported when each of its numbers and Latin words occurs in a cited paragraph.
``unsupported`` returns the lines that are not.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources

from rag.text.chinese import folded

_MARKER = re.compile(r"\s*\[(?:EN|ZH) ¶\d+\]")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
_FENCE = re.compile(r"^\s*(```|~~~)")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|(?<=[。！？；])")


def plain(text: str) -> str:
    """Width and script folded, whitespace removed."""
    return re.sub(r"\s+", "", folded(text))


def _prompts() -> list[dict]:
    files = resources.files("rag.answer.prompts")
    return [tomllib.loads(files.joinpath(name).read_text(encoding="utf-8")) for name in ("en.toml", "zh.toml")]


@lru_cache(maxsize=1)
def note_lines() -> frozenset[str]:
    """The fixed lines the prompts put in an answer (``only_other_version``, ``refusal``), folded."""
    return frozenset(plain(data[key]) for data in _prompts() for key in ("only_other_version", "refusal") if key in data)


_FIELD = re.compile(r"\{(\w+)\}")
CAPTURED = ("first", "second", "quote")  # the fields whose text a cited paragraph must hold


@lru_cache(maxsize=1)
def differs_patterns() -> tuple[re.Pattern, ...]:
    """The prompts' ``differs_*`` templates as patterns over a line without its markers: the version
    names match anything, each quoted value (``first``, ``second``, ``quote``) is captured."""
    out = []
    for data in _prompts():
        for key, template in data.items():
            if not key.startswith("differs_"):
                continue
            bare = re.sub(r"\s*\[\{\w+_label\}\]|\s*\[\{label\}\]", "", template)
            bare = folded(bare)
            parts = _FIELD.split(bare)  # text, field, text, field, …
            rx = "".join(re.escape(p) if i % 2 == 0 else (f"(?P<{p}>.+?)" if p in CAPTURED else ".+?")
                         for i, p in enumerate(parts))
            out.append(re.compile(f"^{rx}$"))
    return tuple(out)


_LIST_SEP = re.compile(r", |、|，")  # how a line lists several values ("5月13日, 15"); "1,350" stays one


def _differs_stated(line: str, texts: list[str]) -> bool:
    line = folded(line)  # a traditional answer's line too
    for rx in differs_patterns():
        m = rx.match(line)
        if m:
            values = [v for name, group in m.groupdict().items()
                      for v in ([group] if name == "quote" else _LIST_SEP.split(group)) if v.strip()]
            return all(any(plain(v) in t for t in texts) for v in values)
    return False


@lru_cache(maxsize=1)
def rendered_patterns() -> tuple[re.Pattern, ...]:
    """The prompts' ``rendered`` templates ("中文大意：{text} [{label}]") as patterns over a line without
    its marker, ``text`` captured."""
    out = []
    for data in _prompts():
        if "rendered" in data:
            head, _, tail = folded(re.sub(r"\s*\[\{label\}\]", "", data["rendered"])).partition("{text}")
            out.append(re.compile(f"^{re.escape(head)}(?P<text>.+?){re.escape(tail)}$"))
    return tuple(out)


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9_.+#-]*[A-Za-z0-9]")
_NAMEISH = re.compile(r"[A-Z].*[A-Z]|\d|_")  # an acronym, an inner capital, a digit, an underscore


def _kept_as_written(text: str) -> list[str]:
    """What a translation keeps as written: numbers; in Chinese every Latin word, in English the words
    spelt like names (API, DashScope, Qwen-7B), a plural "s" off."""
    han = re.search(r"[\u4e00-\u9fff]", text)
    words = [w for w in _LATIN.findall(text) if han or _NAMEISH.search(w)]
    return _NUMBER.findall(text) + [w[:-1] if w.endswith("s") and len(w) > 3 else w for w in words]


def _rendered_stated(line: str, texts: list[str]) -> bool:
    """A line that writes a cited paragraph in the other language: each number and name it keeps as
    written occurs in a cited paragraph."""
    line = folded(line)
    for rx in rendered_patterns():
        m = rx.match(line)
        if m:
            return all(any(plain(w).lower() in t.lower() for t in texts) for w in _kept_as_written(m.group("text")))
    return False


def answer_lines(answer: str) -> list[str]:
    """The lines of an answer that state something: markers and bullets off; empty lines, code fences
    and the prompts' note lines left out."""
    out = []
    for raw in answer.splitlines():
        if _FENCE.match(raw):
            continue
        line = _BULLET.sub("", _MARKER.sub("", raw)).strip()
        if line and plain(line) not in note_lines():
            out.append(line)
    return out


def _stated(line: str, texts: list[str]) -> bool:
    if any(plain(line) in t for t in texts) or _differs_stated(line, texts) or _rendered_stated(line, texts):
        return True
    sentences = [s for s in _SENTENCE_END.split(line) if s.strip()]
    return len(sentences) > 1 and all(any(plain(s) in t for t in texts) for s in sentences)


def unsupported(answer: str, cited_texts: list[str]) -> list[str]:
    """The answer's lines that no cited paragraph states (verbatim, as above)."""
    texts = [plain(t) for t in cited_texts]
    return [line for line in answer_lines(answer) if not _stated(line, texts)]
