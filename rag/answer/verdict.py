"""Refuse or answer: every rule that decides it, in order, in one place.

Rules are asked phase by phase as the answer is built. In each phase the first rule that fires
decides; its name and reason are recorded in the answer (``rag ask --json``: ``decided_by``).

- ``retrieved`` (after retrieval, before any model call): refuse when nothing was retrieved, when no
  paragraph is even ``refuse_below`` similar, or when the question names something no document
  mentions; answer author/title questions with the header's own words, and a question asking one
  language's word for another's with the pair a paragraph writes side by side ("Qwen（通义千问）").
- ``checked`` (after the model's YES/NO check): answer when the model says YES, or when evidence
  overrules its NO (a paragraph at least ``trust_retrieval_above`` similar, the header
  stating the field asked for); otherwise refuse.
- ``drafted`` (after generation): refuse when the model's answer is itself a refusal.
- ``claimed`` (after the claim and language checks): refuse when no sentence of the answer is left.
- ``stated`` (after the completion of lead-ins): refuse when the question asks a kind of quantity (a
  duration, a percentage, a size, a price) and the answer, or the paragraphs it cites, state none of
  that kind.
- ``finished`` (before the answer is settled): refuse when nothing of it is left to show (a draft of
  bare labels, emptied by the citation or language stage, whatever checks are switched on).

A rule with a setting runs only when that setting is on; ``eval/ablate.py`` switches them off one by one.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Callable, ClassVar, Iterator

from rag.answer.citations import strip_markers
from rag.answer.grounding import name_variants, ungrounded_terms
from rag.answer.glossary import find
from rag.answer.replies import header_reply, refuse, rendering_reply
from rag.answer.state import AnswerState, Event, Tools
from rag.text.quantities import KIND_NAMES, states_kind
from rag.types import Verdict

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rule:
    name: str
    phase: str  # retrieved | checked | drafted | claimed | stated | finished
    outcome: str  # refuse | answer | header (answered with the header's words) | rendering (with a pair of words)
    test: Callable[[AnswerState, Tools], str | None]  # the reason when the rule fires, else None
    setting: str | None = None  # the bool setting that switches the rule on; None: always on


def _no_passages(s: AnswerState, t: Tools) -> str | None:
    return None if s.pairs else "nothing was retrieved"


def _similarity_floor(s: AnswerState, t: Tools) -> str | None:
    floor = t.settings.refuse_below
    if any(h.dense is not None for h in s.hits) and s.best_similarity < floor and not s.fields:
        return f"the best paragraph is {s.best_similarity:.2f} similar (< {floor:.2f})"
    return None


def _ungrounded_terms(s: AnswerState, t: Tools) -> str | None:
    q = s.q
    missing = ungrounded_terms(q.standalone, s.paragraphs + s.labels, terms=q.terms)
    if missing and t.settings.name_variants:
        near = [h.text for h in s.context] + [s.header]  # the names to compare: those of the context
        s.variants = name_variants(missing, s.paragraphs, t.embedder, t.settings.name_variant_min_similarity, near)
        missing = [m for m in missing if m not in s.variants]
    return f"the documents never mention {', '.join(missing)}" if missing else None


def _header_names(s: AnswerState, t: Tools) -> str | None:
    if s.fields and set(s.fields) <= {"author", "title"}:
        return f"the header states the {'/'.join(s.fields)} asked for"
    return None


def _p_yes(s: AnswerState) -> str:
    return "" if s.check_yes is None else f" (P(yes) {s.check_yes:.2f})"


def _rendering(s: AnswerState, t: Tools) -> str | None:
    s.rendering = find(s)
    if s.rendering is None:
        return None
    f = s.rendering
    return f"{f.paragraph.label} writes “{f.rendering.phrase}”, the word asked for beside the one the question names"


def _model_yes(s: AnswerState, t: Tools) -> str | None:
    return f"the model's check said YES (or was unclear){_p_yes(s)}" if s.model_says_yes else None


def _trusted_paragraph(s: AnswerState, t: Tools) -> str | None:
    if s.best_similarity >= t.settings.trust_retrieval_above:
        return f"the model said NO{_p_yes(s)}, but a paragraph is {s.best_similarity:.2f} similar"
    return None


def _header_states(s: AnswerState, t: Tools) -> str | None:
    return f"the model said NO{_p_yes(s)}, but the header states the {'/'.join(s.fields)} asked for" if s.fields else None


def _model_no(s: AnswerState, t: Tools) -> str | None:
    return f"the model's check said NO{_p_yes(s)} and nothing overruled it"


_REFUSAL_RE = re.compile(
    r"(does not|doesn't|do not|don't) (contain|mention|provide|say|state|specify|include)|no information|not mentioned|"
    r"cannot (be )?(answer|determine|find)|没有(提到|提及|相关|说明|信息)|未(提及|提到|说明)|无法(回答|确定)",
    re.I,
)


def _model_refused(s: AnswerState, t: Tools) -> str | None:
    if not s.text or (len(strip_markers(s.text)) < 160 and _REFUSAL_RE.search(s.text)):
        return "the model's answer says the sources do not answer it"
    return None


def _nothing_supported(s: AnswerState, t: Tools) -> str | None:
    if s.text.strip():
        return None
    removed = [c.reason for c in s.checks if c.outcome == "removed"]
    return "no sentence of the answer is supported by what it cites: " + "; ".join(dict.fromkeys(removed))


def _kind_missing(s: AnswerState, t: Tools) -> str | None:
    said, cited = strip_markers(s.text), "\n".join(c.text for c in s.citations)
    for kind in s.q.asks:
        if not states_kind(said, kind):
            return f"the question asks for {KIND_NAMES[kind]}, and the answer states none"
        if not states_kind(cited, kind):
            return f"the question asks for {KIND_NAMES[kind]}; the answer states one, but no paragraph it cites does"
    return None


def _empty_answer(s: AnswerState, t: Tools) -> str | None:
    if strip_markers(s.text).strip(" \n\t“”\"'「」『』.。…"):
        return None
    return "nothing of the model's answer was left to show (it held only labels or punctuation)"


RULES: tuple[Rule, ...] = (
    Rule("no-passages", "retrieved", "refuse", _no_passages),
    Rule("similarity-floor", "retrieved", "refuse", _similarity_floor),
    Rule("ungrounded-terms", "retrieved", "refuse", _ungrounded_terms, "grounding_check"),
    Rule("header-names", "retrieved", "header", _header_names, "answer_header_fields"),
    Rule("rendering", "retrieved", "rendering", _rendering, "answer_renderings"),
    Rule("model-yes", "checked", "answer", _model_yes),
    Rule("trusted-paragraph", "checked", "answer", _trusted_paragraph),
    Rule("header-states", "checked", "answer", _header_states, "answer_header_fields"),
    Rule("model-no", "checked", "refuse", _model_no),
    Rule("model-refused", "drafted", "refuse", _model_refused),
    Rule("nothing-supported", "claimed", "refuse", _nothing_supported),
    Rule("kind-missing", "stated", "refuse", _kind_missing, "asked_kinds"),
    Rule("empty-answer", "finished", "refuse", _empty_answer),
)


def decide(state: AnswerState, tools: Tools, phase: str) -> None:
    """Ask the phase's rules in order; the first that fires settles the answer (a refusal, a header
    reply) or records why the pipeline goes on to answer."""
    for rule in RULES:
        if rule.phase != phase or (rule.setting and not getattr(tools.settings, rule.setting)):
            continue
        reason = rule.test(state, tools)
        if reason is None:
            continue
        log.info("%s (%s): %s", rule.outcome, rule.name, reason)
        verdict = Verdict(rule.outcome == "refuse", rule.name, reason)
        if rule.outcome == "refuse":
            refuse(state, verdict)
        elif rule.outcome == "header":
            header_reply(state, verdict)
        elif rule.outcome == "rendering":
            rendering_reply(state, verdict)
        else:
            state.verdict = verdict
        return


class GateStage:
    """The rules of the ``retrieved`` phase: refuse, or answer from the header, before any model call."""

    name: ClassVar[str] = "gate"
    setting: ClassVar[str | None] = None  # the bool setting that switches it on; None: always on
    phase: ClassVar[str] = "retrieved"

    def __init__(self, tools: Tools) -> None:
        self.tools = tools

    def run(self, state: AnswerState) -> Iterator[Event]:
        decide(state, self.tools, self.phase)
        if state.answer is not None and not state.answer.refused:
            yield Event("token", state.answer.text)
