"""The answer call that also judges answerability (fold_check): the NOT IN DOCUMENT marker is held
back while it may come, is the model's NO, and evidence may overrule it."""

from __future__ import annotations

import pytest

from rag.answer.generate import could_be_marker, says_not_found
from tests.conftest import make_app

Q = "When are the APEC and G20 summits held?"
ANSWER = "They are held in the two countries toward the end of the year [EN ¶3]."


@pytest.mark.parametrize(
    "text, marker, held",
    [("NOT IN DOCUMENT", True, True), ("not in document.", True, True), ("NOT_IN_DOCUMENT", True, True),
     ("NOT IN DOCUMENT. The sources", True, False), ("NOT", False, True), ("Not in", False, True),
     ("Not all buttons", False, False), ("No.", False, True), ("They are", False, False), ("", False, True)],
)
def test_the_marker_in_any_case_or_spacing(text, marker, held):
    assert says_not_found(text, "NOT IN DOCUMENT") is marker
    assert could_be_marker(text, "NOT IN DOCUMENT") is held


def _tokens(app, question):
    events = list(app.pipeline.stream(question))
    return "".join(e.text for e in events if e.kind == "token"), events[-1].answer


def test_the_marker_is_never_shown_and_a_no_from_the_check_refuses(settings):
    strict = settings.model_copy(update={"trust_retrieval_above": 2.0})
    app = make_app(strict, replies=["NOT IN DOCUMENT.", "NO"])
    shown, ans = _tokens(app, Q)
    assert "NOT" not in shown and ans.refused and ans.verdict.rule == "model-no"
    calls = app.chat_backend.llm.calls
    assert len(calls) == 2 and "NOT IN DOCUMENT" in calls[0][0].content and "YES or NO" in calls[1][-1].content
    assert calls[0][0].content == calls[1][0].content  # the same system text: llama.cpp's cached prefix


def test_a_marker_the_check_does_not_confirm_is_answered(settings):
    app = make_app(settings.model_copy(update={"trust_retrieval_above": 2.0}), replies=["NOT IN DOCUMENT", "YES", ANSWER])
    shown, ans = _tokens(app, Q)
    assert not ans.refused and ans.verdict.rule == "model-yes" and shown.startswith("They are held")
    calls = app.chat_backend.llm.calls
    assert "do state it" in calls[2][-1].content and "check" in ans.timings_ms
    assert "NOT IN DOCUMENT" in calls[0][0].content and "NOT IN DOCUMENT" not in calls[2][0].content  # no marker offered again


def test_a_short_reply_held_back_as_a_possible_marker_is_still_shown(settings):
    app = make_app(settings.model_copy(update={"claim_check": False}), replies=["No"])
    shown, ans = _tokens(app, Q)
    assert shown == "No" and ans.text.startswith("No")


def test_an_answer_that_opens_like_the_marker_streams_whole(settings):
    app = make_app(settings, replies=["Not until the end of the year are the summits held [EN ¶3]."])
    shown, ans = _tokens(app, Q)
    assert shown.startswith("Not until the end") and not ans.refused and ans.verdict.rule == "model-yes"
    assert "did not reply NOT IN DOCUMENT" in ans.verdict.reason and len(app.chat_backend.llm.calls) == 1
    assert "first_token" in ans.timings_ms and "check" not in ans.timings_ms


def test_a_no_overruled_by_evidence_asks_once_more_to_answer(settings):
    trusting = settings.model_copy(update={"trust_retrieval_above": 0.0})
    app = make_app(trusting, replies=["NOT IN DOCUMENT", "NO", ANSWER])
    shown, ans = _tokens(app, Q)
    assert not ans.refused and ans.verdict.rule == "trusted-paragraph" and shown.startswith("They are held")
    calls = app.chat_backend.llm.calls
    assert len(calls) == 3 and "do state it" in calls[2][-1].content


def test_with_the_separate_check_the_answer_prompt_offers_no_marker(settings):
    app = make_app(settings.model_copy(update={"check_answerable": True, "fold_check": False}), replies=["YES", ANSWER])
    ans = app.pipeline.answer(Q)
    system, user = app.chat_backend.llm.calls[1][0].content, app.chat_backend.llm.calls[1][-1].content
    assert not ans.refused and "NOT IN DOCUMENT" not in system + user and "check" in ans.timings_ms
