"""An answer sentence ending in a colon gets the block it announces (the complete stage)."""

from __future__ import annotations

from tests.answer.test_leadin import _app


def _answer(settings, tmp_path, reply: str, **update):
    app = _app(settings, tmp_path, ["YES", reply], **update)
    return app.pipeline.answer("How do I install FastChat?", docs=["deploy"])


def test_a_copied_lead_in_gets_its_command_fenced_and_cited(settings, tmp_path):
    """The model copied the lead-in and stopped; the command follows it, verbatim, cited to its
    paragraph. Switched off, the answer ends at the colon (so the test can fail)."""
    ans = _answer(settings, tmp_path, "First, install FastChat: [EN ¶2]")
    assert '```\npip install "fschat[model_worker,webui]"\n```\n[EN ¶3]' in ans.text
    assert ans.text.index("install FastChat:") < ans.text.index("pip install")
    assert {(c.lang, c.paragraph) for c in ans.citations} >= {("en", 2), ("en", 3)}
    off = _answer(settings, tmp_path, "First, install FastChat: [EN ¶2]", complete_leadins=False)
    assert "pip install" not in off.text.split("\n\n>")[0]


def test_list_items_one_per_line_and_nothing_for_a_sentence_that_ends_otherwise(settings, tmp_path):
    app = _app(settings, tmp_path, ["YES", "You will be assigned some additional rights, such as: [EN ¶4]"])
    ans = app.pipeline.answer("What additional rights does a collaborator get?", docs=["deploy"])
    assert "\n- Tag the issue [EN ¶5]\n- Close the issue [EN ¶6]\n- Create branches [EN ¶7]" in ans.text
    ans = _answer(settings, tmp_path, "You can use FastChat to launch a web demo [EN ¶2].", quotes=False)
    assert "```" not in ans.text


def test_a_quoted_lead_in_is_not_completed(settings, tmp_path):
    """The answer says something else; the quote under it is the lead-in ("…“First, install FastChat:”
    [EN ¶2]"). The quote stays a quote: the block a quoted lead-in announces was about something else
    than the question in the answers measured (docs/eval.md)."""
    ans = _answer(settings, tmp_path, "You can use FastChat to launch a web demo [EN ¶2].")
    quote = next(line for line in ans.text.splitlines() if line.startswith(">"))
    assert quote.endswith("install FastChat:” [EN ¶2]") and "```" not in ans.text
