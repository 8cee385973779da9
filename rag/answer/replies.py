"""The answers the pipeline settles on: a refusal, a
reply in the header's own words, and the finished answer; and citations with the stored paragraph."""

from __future__ import annotations

from typing import ClassVar, Iterator

from rag.answer import prompts
from rag.answer.citations import exact
from rag.answer.differs import Differences, with_note
from rag.answer.state import AnswerState, Event, Tools
from rag.text.chinese import in_script
from rag.types import Answer, Citation, Verdict


def _answer(state: AnswerState, text: str, refused: bool, citations=(), quotes=()) -> Answer:
    state.timer.mark("total")
    return Answer(
        state.question, text, state.q.lang, refused, tuple(citations), tuple(state.ranked), dict(state.timer.marks),
        state.prompt_question, tuple(quotes), state.verdict, tuple(state.checks), state.evidence, state.q.version,
    )


def refuse(state: AnswerState, verdict: Verdict) -> None:
    """Settle on the refusal in the answer's language."""
    state.verdict = verdict
    text = prompts.load(state.q.prompt_lang)["refusal"]
    state.answer = _answer(state, in_script(text, state.q.lang), True)


def header_reply(state: AnswerState, verdict: Verdict) -> None:
    """Author and title questions answered with the header's own words, cited as ¶0 (no model call)."""
    state.verdict = verdict
    state.timer.mark("first_token")
    p = prompts.load(state.q.prompt_lang)
    doc = next(iter(state.fields.values()))  # the first document whose header answers the question
    m = doc.meta
    v = state.q.version  # "the title of the Chinese version": that version's front matter and title
    front = doc.front_of(v)
    p0 = front.lang  # type: ignore[union-attr]
    label = f"{p0.upper()} ¶0"
    title = {"en": m.title, "zh": m.title_zh}.get(v or "") or m.full_title
    values = {"author": m.author, "title": title}
    text = " ".join(p[f"header_answer_{f}"].format(value=values[f], label=label) for f in state.fields if values.get(f))
    cit = exact(Citation(doc.doc_id, p0, 0, ""), state.lookup)  # type: ignore[arg-type]
    state.answer = _answer(state, in_script(text, state.q.lang), False, (cit,))


def rendering_reply(state: AnswerState, verdict: Verdict) -> None:
    """A question asking one language's word for another's, answered with the pair a paragraph writes
    side by side, quoted verbatim and cited (no model call)."""
    state.verdict = verdict
    state.timer.mark("first_token")
    f = state.rendering
    assert f is not None, "the rule rendering found the pair"
    p = prompts.load(state.q.prompt_lang)
    words = {"phrase": f.rendering.phrase, "label": f.paragraph.label, "known": f.known, "asked": f.asked}
    words |= {"asked_lang": p[f"lang_name_{f.asked_lang}"], "asked_version": p[f"version_name_{f.asked_lang}"]}
    cited = [f.paragraph] if f.twin is None else [f.twin, f.paragraph]
    text = p["rendering_answer" if f.twin is None else "heading_answer"].format(known_label=cited[0].label, **words)
    cits = [exact(Citation(c.doc, c.lang, c.n, ""), state.lookup) for c in cited]
    state.answer = _answer(state, in_script(text, state.q.lang), False, cits)


class FinishStage:
    """The answer as the stages left it, in the script of the question (traditional Chinese included)."""

    name: ClassVar[str] = "finish"
    setting: ClassVar[str | None] = None  # the bool setting that switches it on; None: always on

    def __init__(self, tools: Tools) -> None:
        self.tools = tools
        self.differences = Differences()

    def run(self, state: AnswerState) -> Iterator[Event]:
        from rag.answer.verdict import decide  # the rules settle answers with this module's replies

        decide(state, self.tools, "finished")  # nothing left to show: the refusal
        if state.answer is not None:
            return iter(())
        if state.verdict is None:
            state.verdict = Verdict(False, "no-rule-refused", "no rule refused and none was asked to vouch for the answer")
        note = self.differences.note(state.citations, state.lookup, state.q.lang)  # where the versions disagree
        if note is not None:
            state.text, state.citations = with_note(state.text, state.citations, note)
            state.checks.append(note.check)
        text = in_script(state.text, state.q.lang)
        state.answer = _answer(state, text, False, state.citations, state.quotes)
        return iter(())
