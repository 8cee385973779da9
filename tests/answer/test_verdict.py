"""The refuse-or-answer rules, each recorded in the answer (rag.answer.verdict)."""

from __future__ import annotations

import pytest

from rag.text.language import text_language
from tests.conftest import make_app

def test_model_verdict_no_refuses(settings):
    app = make_app(settings, replies=["NO"])
    ans = app.pipeline.answer("When are the APEC and G20 summits held?")
    assert ans.refused and ans.citations == ()


def test_model_no_is_overridden_by_a_very_similar_paragraph(settings):
    settings_low = settings.model_copy(update={"trust_retrieval_above": 0.0})
    app = make_app(settings_low, replies=["NO"])
    ans = app.pipeline.answer("When are the APEC and G20 summits held?")
    assert not ans.refused


def test_model_refusing_in_its_answer_is_a_refusal(settings):
    app = make_app(settings, replies=["YES", "The sources do not mention this."])
    ans = app.pipeline.answer("When are the APEC and G20 summits held?")
    assert ans.refused and not ans.citations


def test_unanswerable_is_refused_in_the_question_language(app):
    ans = app.pipeline.answer("What is the capital of France?")
    assert ans.refused and ans.citations == ()
    assert ans.text == "The document does not answer this question."
    zh = app.pipeline.answer("法国的首都是哪里？")
    assert zh.refused and text_language(zh.text) == "zh"


def test_question_naming_someone_the_document_never_mentions_is_refused(app):
    ans = app.pipeline.answer("What did Biden say about the Taiwan question during the summit?")
    assert ans.refused


Q = "When are the APEC and G20 summits held?"
ANSWER = "They are held in the two countries toward the end of the year [EN ¶3]."


@pytest.mark.parametrize(
    "update, replies, question, kw, rule, refused",
    [
        ({}, [], Q, {"docs": ["no-such-document"]}, "no-passages", True),
        ({"refuse_below": 0.99}, [], Q, {}, "similarity-floor", True),
        ({}, [], "What did Biden say about the Taiwan question during the summit?", {}, "ungrounded-terms", True),
        ({}, [], "Who wrote the article?", {}, "header-names", False),
        ({}, ["YES", ANSWER], Q, {}, "model-yes", False),
        ({"trust_retrieval_above": 0.0}, ["NO", ANSWER], Q, {}, "trusted-paragraph", False),
        ({"trust_retrieval_above": 2.0}, ["NO"], Q, {}, "model-no", True),
        ({}, ["YES", "The sources do not mention this."], Q, {}, "model-refused", True),
        ({"check_answerable": False}, [ANSWER], Q, {}, "no-rule-refused", False),
    ],
)
def test_the_deciding_rule_is_recorded_in_the_answer(settings, update, replies, question, kw, rule, refused):
    ans = make_app(settings.model_copy(update=update), replies=replies).pipeline.answer(question, **kw)
    assert (ans.verdict.rule, ans.refused, ans.verdict.refused) == (rule, refused, refused)
    assert ans.verdict.reason and ans.to_json()["decided_by"]["rule"] == rule


def test_rules_before_any_model_call_ask_the_model_nothing(settings):
    app = make_app(settings, replies=["YES", ANSWER])
    for q in ("What did Biden say about the Taiwan question during the summit?", "Who wrote the article?"):
        app.pipeline.answer(q)
    assert app.chat_backend.llm.calls == []


def test_rules_are_ordered_by_phase_and_their_settings_exist():
    from rag.answer.verdict import RULES
    from rag.settings import Settings

    phases = [r.phase for r in RULES]
    assert phases == sorted(phases, key=["retrieved", "checked", "drafted", "claimed", "stated", "finished"].index)
    assert len({r.name for r in RULES}) == len(RULES)
    assert all(r.setting is None or isinstance(getattr(Settings(), r.setting), bool) for r in RULES)
    assert RULES[[r.phase for r in RULES].index("drafted") - 1].name == "model-no"  # the checked phase's last word


def test_an_answer_with_nothing_left_to_show_is_refused(settings):
    """A draft of bare labels (nothing to quote under it either) is not shown as an empty answer."""
    app = make_app(settings.model_copy(update={"quotes": False}), replies=["YES", "[EN ¶3]"])
    ans = app.pipeline.answer("When are the APEC and G20 summits held?")
    assert ans.refused and ans.verdict.rule == "empty-answer" and ans.citations == ()
    assert ans.text == "The document does not answer this question."
