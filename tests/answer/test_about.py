"""Questions about the document itself: header fields answer themselves (the gate's header rule)."""

from __future__ import annotations

import pytest

from tests.conftest import make_app


@pytest.mark.parametrize(
    "q, fields",
    [("作者的名字用英文怎么写？", ["author"]), ("Who wrote the article?", ["author"]), ("這篇文章是誰寫的？", ["author"]),
     ("What is the author's position?", ["affiliation"]), ("作者在哪个机构工作？", ["affiliation"]),
     ("作者所在机构叫什么？", ["affiliation"]),
     ("這篇文章的英文標題是什麼？", ["title"]), ("What is the title of the article?", ["title"]),
     ("When was the article published?", ["date"]), ("文章是什么时候发表的？", ["date"]),
     # one version of the document
     ("What is the title of the Chinese version of the article about the build?", ["title"]),
     ("Who wrote the English version?", ["author"]), ("中文版的标题是什么？", ["title"]),
     # about something else that has an author, a title or a date
     ("作者的妻子是谁？", []), ("Who is the author of the proposal?", []), ("联合公报是谁写的？", []),
     ("What is the title of Xi Jinping?", []), ("联合声明什么时候发布？", []), ("What did the author say about Taiwan?", []),
     ("What position did Beijing reiterate during the summit?", []), ("哪些机构参与了对话？", [])],
)
def test_questions_that_ask_for_a_header_field(q, fields):
    from rag.answer.about import header_fields_asked, is_about_article

    assert header_fields_asked(q) == fields
    if fields:
        assert is_about_article(q)  # so the context carries the byline and date
    elif q.startswith(("What position", "哪些机构")):
        assert not is_about_article(q)  # a body question: no byline, and quotes under the answer


def test_header_answers_only_fields_the_document_has():
    from rag.answer.about import header_answers, header_fields_asked
    from rag.types import DocumentMeta

    assert header_answers(header_fields_asked("Who wrote the article?"), DocumentMeta(title="T", author="Tuosheng Zhang")) == ["author"]
    assert header_answers(header_fields_asked("When was the article published?"), DocumentMeta(title="T", author="A")) == []


def test_author_and_title_questions_are_answered_with_the_headers_words(settings):
    q = "作者的名字用英文怎么写？"
    app = make_app(settings, replies=["NO", "作者的名字是张沱生。"])
    ans = app.pipeline.answer(q)
    assert not ans.refused and ans.text == "本文的作者是 Tuosheng Zhang (張沱生)[EN ¶0]。"
    assert [(c.lang, c.paragraph) for c in ans.citations] == [("en", 0)] and "Tuosheng Zhang" in ans.citations[0].text
    assert app.chat_backend.llm.calls == []  # no model call
    ans = make_app(settings).pipeline.answer("What is the title of the article?")
    assert ans.text.startswith("The document is titled “What the New Developments Mean")
    off = make_app(settings.model_copy(update={"answer_header_fields": False}), replies=["NO"])
    assert off.pipeline.answer(q).refused  # the model's NO stands


def test_model_no_is_overruled_when_the_header_states_the_date_or_position(settings):
    strict = settings.model_copy(update={"trust_retrieval_above": 2.0})
    q = "文章是什么时候发表的？"
    app = make_app(strict, replies=["NO", "文章发表于2026年6月22日[EN ¶0]。"])
    ans = app.pipeline.answer(q)
    assert not ans.refused and "6月22日" in ans.text and ans.verdict.rule == "header-states"
    assert "June 22, 2026" in app.chat_backend.llm.calls[0][0].content  # the date was in the context
    off = make_app(strict.model_copy(update={"answer_header_fields": False}), replies=["NO"])
    assert off.pipeline.answer(q).refused
    # a question about something else the author has stays with the model's verdict
    assert make_app(strict, replies=["NO"]).pipeline.answer("作者的妻子是谁？").refused
