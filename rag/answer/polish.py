"""The draft made into an answer in the question's language: the header line the model copied in
front dropped, sentences in the other language removed (or the answer regenerated, translated, or
given extractively), Chinese and English typesetting tidied, the capitals' glosses taken out."""

from __future__ import annotations

import logging
import re
from typing import ClassVar, Iterator

from rag.answer import prompts
from rag.answer.citations import strip_markers
from rag.answer.grounding import unglossed
from rag.answer.state import AnswerState, Event, Tools
from rag.text.chinese import to_simplified
from rag.text.language import text_language
from rag.text.sentences import split_sentences
from rag.types import Hit, doc_lang

log = logging.getLogger(__name__)


class LanguageStage:
    name: ClassVar[str] = "language"
    setting: ClassVar[str | None] = None  # the bool setting that switches it on; None: always on

    def __init__(self, tools: Tools) -> None:
        self.chat = tools.chat

    def run(self, state: AnswerState) -> Iterator[Event]:
        text = state.text if state.header_only else strip_header_echo(state.text, state.header)
        text = self.fix_language(text, state.system, state.user, state.q.lang, state.context)
        text = tidy_chinese(text) if state.q.lang != "en" else tidy_english(text)
        state.text = unglossed(text, state.glossed)
        return iter(())

    def fix_language(self, text: str, system: str, user: str, lang: str, hits: list[Hit]) -> str:
        """Enforce the answer language: drop stray sentences, regenerate, translate, answer extractively."""
        want = doc_lang(lang)
        text = _drop_other_language(text, want)
        if _in(text, want):
            return text
        p = prompts.load(lang)
        log.info("answer in the wrong language; regenerating")
        text = self.chat.complete(system, user + "\n" + p["retry_language"])
        if _in(text, want):
            return text
        log.info("still the wrong language; translating")
        text = self.chat.complete("", p["translate"].format(text=text))
        if _in(text, want):
            return text
        same = [h for h in hits if h.lang == want and h.paragraph > 0] or [h for h in hits if h.lang == want]
        return same[0].text if same else text


def _in(text: str, want: str) -> bool:
    return doc_lang(text_language(strip_markers(text))) == want


def _drop_other_language(text: str, want: str) -> str:
    """Remove sentences in the other language when the rest of the answer is in the right one."""
    sents = split_sentences(text)
    keep = [s for s in sents if _in(s, want)]
    return "".join(keep).strip() if keep and len(keep) < len(sents) else text


_CJK_GAP = re.compile(r"(?<=[0-9\u3400-\u9fff])[ \t]+(?=[0-9\u3400-\u9fff])")


def tidy_chinese(text: str) -> str:
    """Chinese typesetting: no spaces between Han characters and digits ("5 月 13 日" → "5月13日")."""
    return _CJK_GAP.sub("", text)


_SPACED_INITIALS = re.compile(r"\b([A-Z])\. (?=[A-Z]\.)")


def tidy_english(text: str) -> str:
    """The model spells "U.S." as "U. S."; initials are written closed up ("U. S. side" → "U.S. side")."""
    return _SPACED_INITIALS.sub(r"\1.", text)


_HEADER_TAG = re.compile(r"^\s*\[(EN|ZH) ¶\d+\]\s*")  # the model may put any label in front ("[EN ¶12] 标题: …")


def strip_header_echo(text: str, header: str) -> str:
    """Drop the header line the model sometimes copies in front of an answer about the body
    ("标题: What the New Developments Mean 第三,…"): it is not part of the answer."""
    parts = [p.strip() for line in header.splitlines() for p in _HEADER_TAG.sub("", line).split(" | ") if p.strip()]
    out = text
    changed = True
    while changed and parts:
        changed = False
        body = _HEADER_TAG.sub("", out)
        for part in parts:
            if to_simplified(body[: len(part)]) == to_simplified(part):  # the model may write 標題 for 标题
                out = re.sub(r"^[\s|,，;；:：.。]*(\[(EN|ZH) ¶0\])?[\s|,，;；.。]*", "", body[len(part):])
                changed = True
                break
    return out if out.strip() else text
