"""A unit only the other version has, written once more in the asker's language, and checked.

Compose quotes a unit the asker's version lacks as written, under the line ``only_other_version``. A
reader who asked in the other language also gets one line in their language (prompt data
``render_system``/``render_user``, shown as ``rendered``), written by the model and shown only when it
states nothing the unit does not:

- every number it states is one a reader can see in the unit (``rag.text.numerals``: 三成 = 30%);
- every name it writes (code, acronyms, capitalised words, Latin words in Chinese) the unit writes in
  some form (``rag.text.names``: spelling, initials, pinyin);
- it means what the unit means: the embedder's cosine between the two is at least ``floor``, the
  similarity that all but the least alike 5% of the document's own aligned pairs reach.

Otherwise the line is dropped and the answer's checks say why (outcome ``dropped``); a kept line is
recorded as ``rendered``. The unit stays quoted as written either way: the line is a reading aid, cited
to the unit it renders.
"""

from __future__ import annotations

import math
import statistics
from typing import Sequence

from rag.answer import prompts
from rag.answer.chat import Chat
from rag.answer.differs import Note
from rag.answer.units import Unit, tokens_estimate
from rag.index.embedder import Embedder
from rag.text.chinese import in_script
from rag.text.names import names, written
from rag.text.numerals import readable, stated
from rag.text.script import HAN_RE
from rag.types import Document, SentenceCheck, doc_lang

MAX_CHARS = 600  # a longer unit (a table, a list under its lead-in) is not rendered
FALLBACK_FLOOR = 0.6  # the floor for a document with fewer than 8 aligned pairs to learn it from


def floor(doc: Document | None) -> float:
    """The cosine all but the least alike 5% of ``doc``'s aligned pairs reach (``FALLBACK_FLOOR`` with
    fewer than 8 pairs)."""
    sims = [s for _, _, s in doc.similarity] if doc is not None else []
    return statistics.quantiles(sims, n=20)[0] if len(sims) >= 8 else FALLBACK_FLOOR


def _cosine(a: Sequence[float], b: Sequence[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b))
    return dot / (math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b)) or 1.0)


def unfaithful(source: str, source_lang: str, line: str, line_lang: str) -> str:
    """Why ``line`` (a rendering of ``source`` into ``line_lang``) may not be shown, "" when it may: it is
    not one line in that language, or states a number or a name ``source`` does not."""
    if not line or "\n" in line:
        return "not one line"
    if bool(HAN_RE.search(line)) != (line_lang == "zh"):
        return f"not written in {'Chinese' if line_lang == 'zh' else 'English'}"
    seen = readable(source)
    extra = [n.text for n in stated(line) if n.value not in seen]
    if extra:
        return f"states {', '.join(extra)}, which the {source_lang.upper()} text does not"
    foreign = [n.text for n in names(line, line_lang) if not written(n, source)]
    return f"writes {', '.join(foreign)}, which the {source_lang.upper()} text does not" if foreign else ""


class Renderer:
    """The model writes a unit in the asker's language; the line is checked before it is shown."""

    def __init__(self, chat: Chat, embedder: Embedder, most: int = 2) -> None:
        self.chat = chat
        self.embedder = embedder
        self.most = most

    def wanted(self, units: Sequence[Unit], answer_lang: str) -> list[Unit]:
        """The shown units only the other version has, short enough to write in one line and not code (a
        reader of either language reads code as it is), at most ``most``."""
        own = doc_lang(answer_lang)
        return [u for u in units if u.lang != own and len(u.shown) <= MAX_CHARS
                and all(p.kind != "code" for p in u.paragraphs)][: self.most]

    def render(self, unit: Unit, answer_lang: str, doc: Document | None) -> Note:
        """The line, its check outcome ``rendered`` (to be shown) or ``dropped`` (not), and why."""
        words = prompts.load(doc_lang(answer_lang))
        budget = min(256, 2 * tokens_estimate(unit.shown) + 16)
        text = self.chat.complete(words["render_system"], words["render_user"].format(text=unit.shown), max_tokens=budget)
        text = " ".join(text.split())
        label = unit.paragraphs[0].label
        line = in_script(words["rendered"].format(text=text, label=label), answer_lang)
        why = unfaithful(unit.shown, unit.lang, text, doc_lang(answer_lang))
        if not why:
            cos, bar = _cosine(*self.embedder.embed_documents([unit.shown, text])), floor(doc)
            if cos >= bar:
                reason = f"renders {label}: numbers and names as written there, similarity {cos:.2f} (document: {bar:.2f})"
                return Note(line, (), SentenceCheck(line, "rendered", reason))
            why = f"similarity {cos:.2f} to {label}, under the document's {bar:.2f}"
        return Note(line, (), SentenceCheck(line, "dropped", why))
