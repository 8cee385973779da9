"""A question asking a kind of quantity is refused when the answer states none (the asked stage)."""

from __future__ import annotations

from tests.answer.test_leadin import _app


def _asked(settings, tmp_path, question: str, reply: str, **update):
    app = _app(settings, tmp_path, ["YES", reply], quotes=False, **update)
    return app.pipeline.answer(question, docs=["deploy"])


def test_an_answer_that_states_no_quantity_of_the_kind_asked_is_refused(settings, tmp_path):
    """"How many days …?" answered with a true, cited sentence that gives no number of days is refused,
    and the verdict says why; switched off (asked_kinds), the same answer is shown (so the test can fail)."""
    q, reply = "How many days does it take to install FastChat?", "You can use FastChat to launch a web demo [EN ¶2]."
    ans = _asked(settings, tmp_path, q, reply)
    assert ans.refused and ans.verdict.rule == "kind-missing" and "a duration" in ans.verdict.reason
    off = _asked(settings, tmp_path, q, reply, asked_kinds=False)
    assert not off.refused and "FastChat" in off.text


def test_an_answer_that_states_the_kind_asked_is_kept(settings, tmp_path):
    """A yes/no question and a question that asks no kind are not judged; a duration stated is kept."""
    ans = _asked(settings, tmp_path, "Does installing FastChat take long?", "You can use FastChat to launch a web demo [EN ¶2].")
    assert not ans.refused
    ans = _asked(settings, tmp_path, "What can FastChat launch?", "You can use FastChat to launch a web demo [EN ¶2].")
    assert not ans.refused


def test_a_quantity_of_the_kind_that_no_cited_paragraph_states_is_refused(settings, tmp_path):
    """"需要数个小时" ("several hours": no number for the claim check) cited to a paragraph that states no
    duration is refused too."""
    ans = _asked(settings, tmp_path, "How many hours does it take to install FastChat?",
                 "Installing FastChat takes several hours [EN ¶2].")
    assert ans.refused and ans.verdict.rule == "kind-missing" and "no paragraph it cites" in ans.verdict.reason
