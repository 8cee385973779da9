"""`rag ask` and `rag chat` as a user runs them (fake models, temp data dir)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest


def run(args, home, stdin=None):
    env = {**os.environ, "RAG_HOME": str(home), "RAG_EMBEDDING_MODEL": "fake", "RAG_LLM_MODEL": "fake"}
    return subprocess.run([sys.executable, "-m", "rag", *args], input=stdin, capture_output=True, text=True, env=env, timeout=300)


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    h = tmp_path_factory.mktemp("ask-home")
    assert run(["ingest"], h).returncode == 0
    return h


def test_ask_json(home):
    p = run(["ask", "When are the APEC and G20 summits held?", "--json"], home)
    assert p.returncode == 0, p.stderr
    obj = json.loads(p.stdout)
    assert set(obj) == {"question", "answer", "answer_language", "refused", "citations", "retrieved", "timings_ms", "decided_by", "checks", "standalone_question", "evidence"}
    assert obj["citations"][0]["paragraph"] == 3 and obj["citations"][0]["lang"] in ("en", "zh")


def test_ask_prints_answer_and_cited_paragraphs(home):
    p = run(["ask", "APEC和G20峰会在哪里举行？"], home)
    assert p.returncode == 0, p.stderr
    assert "[ZH ¶3]" in p.stdout and "今年9月,习近平主席将应邀对美国进行国事访问" in p.stdout


def test_ask_lang_override(home):
    obj = json.loads(run(["ask", "APEC和G20峰会在哪里举行？", "--json", "--lang", "en"], home).stdout)
    assert obj["answer_language"] == "en"


def test_chat_keeps_history(home):
    p = run(["chat"], home, stdin="What does the article say about Track II dialogues?\nAnd what about them in the nuclear field?\n\n")
    assert p.returncode == 0, p.stderr
    assert p.stdout.count("[EN ¶") >= 2


def test_chat_is_kept_resumed_exported_and_deleted(tmp_path_factory):
    h = tmp_path_factory.mktemp("chat-home")
    assert run(["ingest"], h).returncode == 0
    p = run(["chat"], h, stdin="When will Xi Jinping visit the United States?\n\n")
    assert p.returncode == 0, p.stderr
    [conv] = [json.loads(line) for line in run(["conversations", "list", "--json"], h).stdout.splitlines()]
    assert conv["turns"] == 1 and f"rag chat --resume {conv['id']}" in p.stderr
    # a new process continues it: the follow-up is read against the kept turn
    p = run(["chat", "--resume", conv["id"]], h, stdin="And the APEC and G20 summits?\n\n")
    assert p.returncode == 0, p.stderr
    assert "When will Xi Jinping visit the United States?" in p.stdout  # the kept turns are shown first
    shown = json.loads(run(["conversations", "show", conv["id"], "--json"], h).stdout)
    assert [m["n"] for m in shown["messages"]] == [1, 2] and shown["messages"][1]["answer"]["citations"]
    md = run(["export", conv["id"]], h).stdout
    assert md.count("## ") == 2 and "[^1]: **EN ¶3" in md
    out = h / "conv.html"
    assert run(["export", conv["id"], "--format", "html", "--turn", "1", "--out", str(out)], h).returncode == 0
    assert '<section class="footnotes">' in out.read_text(encoding="utf-8")
    assert run(["conversations", "rm", conv["id"]], h).returncode == 0
    assert run(["conversations", "list", "--json"], h).stdout == ""


@pytest.mark.parametrize("args", [["chat", "--resume", "nope"], ["export", "nope"], ["conversations", "rm", "nope"],
                                  ["conversations", "show", "nope"]])
def test_unknown_conversation_is_a_clear_error(home, args):
    p = run(args, home, stdin="\n")
    assert p.returncode == 1 and "no conversation 'nope'" in p.stderr and "rag conversations list" in p.stderr


def test_ask_prints_the_evidence_before_the_answer(home):
    p = run(["ask", "When are the APEC and G20 summits held?"], home)
    assert p.returncode == 0, p.stderr
    out = p.stdout
    assert out.startswith("evidence (answer coming):")
    # the candidate unit, its twin, then the answer quoting the unit
    assert out.index("[EN ¶3] In September, Chinese President") < out.index("今年9月") < out.index("on the sidelines. [EN ¶3]")


def test_ask_json_stream_is_evidence_tokens_then_the_answer(home):
    p = run(["ask", "APEC和G20峰会在哪里举行？", "--json", "--stream"], home)
    assert p.returncode == 0, p.stderr
    events = [json.loads(line) for line in p.stdout.splitlines()]
    kinds = [e["event"] for e in events]
    assert kinds[0] == "evidence" and kinds[-1] == "answer" and set(kinds[1:-1]) == {"token"}
    assert events[0]["evidence"][0]["lang"] == "zh" and events[0]["evidence"][0]["twins"][0]["lang"] == "en"
    answer = events[-1]
    assert answer["timings_ms"]["evidence"] < answer["timings_ms"]["first_token"]
    assert {k for k in answer if k != "event"} >= {"answer", "citations", "evidence", "decided_by"}
