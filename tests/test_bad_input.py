"""Bad input, through the CLI (a real subprocess) and the UI handlers: a clear message, no stack
trace, nothing stored changed unless the input was valid. docs/reliability.md lists these cases."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rag.compose import App
from rag.index.embedder import FakeEmbedder
from rag.errors import RagError
from rag.llm import FakeBackend
from rag.settings import Settings
from ui.app import UIHandlers


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    h = tmp_path_factory.mktemp("bad-input")
    cli(["ingest"], h)
    return h


def cli(args, home: Path, check_ok=False):
    env = {**os.environ, "RAG_HOME": str(home), "RAG_EMBEDDING_MODEL": "fake", "RAG_LLM_MODEL": "fake"}
    p = subprocess.run([sys.executable, "-m", "rag", *args], capture_output=True, text=True, env=env, timeout=300)
    if check_ok:
        assert p.returncode == 0, p.stderr
    return p


def state(home: Path):
    app = App(Settings(home=home, embedding_model="fake", llm_model="fake"), embedder=FakeEmbedder(), chat_backend=FakeBackend())
    return app.store.versions(), len(app.store.chunks())


def write(tmp: Path, name: str, data: bytes) -> str:
    p = tmp / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data)
    return str(p)


LONG = "why " * 25_000  # 100,000 characters

# (id, argv builder, expected exit code, text expected in stderr (or stdout when exit 0))
CLI_CASES = [
    ("ask-empty", lambda t: ["ask", ""], 1, "empty"),
    ("ask-whitespace", lambda t: ["ask", "  \t  "], 1, "empty"),
    ("ask-100k-chars", lambda t: ["ask", LONG], 1, "too long"),
    ("ask-control-chars", lambda t: ["ask", "\x01\x02\x03"], 1, "empty"),
    ("ask-emoji-only", lambda t: ["ask", "🙂🙂🙂"], 1, "no words"),
    ("ask-html-script", lambda t: ["ask", "<script>alert(1)</script>", "--json"], 0, '"refused": true'),
    ("ask-sql", lambda t: ["ask", "'; DROP TABLE embeddings; --", "--json"], 0, '"refused": true'),
    ("ask-bad-lang", lambda t: ["ask", "hello", "--lang", "fr"], 1, "--lang must be"),
    ("ask-bad-k", lambda t: ["ask", "hello", "--k", "0"], 2, "Invalid value"),
    ("search-empty", lambda t: ["search", ""], 1, "empty"),
    ("ingest-missing", lambda t: ["ingest", str(t / "nope.txt")], 1, "no such file"),
    ("ingest-empty", lambda t: ["ingest", write(t, "empty.txt", b"")], 1, "empty"),
    ("ingest-zero-byte-md", lambda t: ["ingest", write(t, "zero.md", b"")], 1, "empty"),
    ("ingest-binary-as-txt", lambda t: ["ingest", write(t, "photo.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)], 1, "binary"),
    ("ingest-undecodable", lambda t: ["ingest", write(t, "latin.txt", "Ça été très différent.\n\nDeuxième paragraphe ici.".encode("latin-1") + b"\x80\x81")], 1, "not UTF-8"),
    ("ingest-utf16-no-bom", lambda t: ["ingest", write(t, "u16.txt", "Hello there.\n\nSecond paragraph.".encode("utf-16-le"))], 1, "binary"),
    ("ingest-third-language", lambda t: ["ingest", write(t, "ru.txt", "Это первый абзац текста.\n\nЭто второй абзац текста.".encode())], 1, "not in English or Chinese"),
    ("ingest-no-paragraph-breaks", lambda t: ["ingest", write(t, "flat.txt", ("a wrapped line of text\n" * 40).encode())], 1, "no paragraph breaks"),
    ("ingest-unsupported-type", lambda t: ["ingest", write(t, "tool.exe", b"MZ\x90\x00")], 1, "unsupported file type"),
    ("ingest-empty-folder", lambda t: ["ingest", str((t / "emptydir").mkdir() or t / "emptydir")], 1, "no supported documents"),
    ("ingest-pair-one-file", lambda t: ["ingest", "--pair", write(t, "one.txt", b"Title\n\nSome prose paragraph here that is long enough.")], 1, "exactly two files"),
    ("paragraphs-unknown-doc", lambda t: ["paragraphs", "--doc", "no-such-doc"], 1, "no document"),
    ("paragraphs-bad-lang", lambda t: ["paragraphs", "--lang", "fr"], 1, "must be en or zh"),
    ("eval-missing-set", lambda t: ["eval", "run", str(t / "none.jsonl"), "--out", str(t / "out")], 1, "no such question set"),
    ("eval-no-set-no-split", lambda t: ["eval", "run"], 1, "or --split dev|test"),
    ("eval-unknown-split", lambda t: ["eval", "run", "--split", "train", "--out", str(t / "out")], 1, "unknown split 'train'"),
    ("eval-replay-missing", lambda t: ["eval", "run", "--split", "dev", "--replay", str(t / "none")], 1, "no such run folder"),
]


@pytest.mark.parametrize("case", CLI_CASES, ids=[c[0] for c in CLI_CASES])
def test_cli_bad_input(home, tmp_path, case):
    _, argv, code, msg = case
    before = state(home)
    p = cli(argv(tmp_path), home)
    assert p.returncode == code, (p.stdout, p.stderr)
    assert msg in (p.stderr if code else p.stdout)
    assert "Traceback" not in p.stderr
    if code == 1:
        assert len(p.stderr.strip().splitlines()) == 1  # one line
    assert state(home) == before


@pytest.mark.parametrize("name, value, msg", [("RAG_SELECT_MIN_COVERAGE", "1.5", "less than or equal to 1"),
                                              ("RAG_SELECT_PAIRS", "abc", "valid integer")])
def test_a_bad_setting_is_one_line_naming_its_variable(home, name, value, msg):
    before = state(home)
    env = {**os.environ, "RAG_HOME": str(home), "RAG_EMBEDDING_MODEL": "fake", "RAG_LLM_MODEL": "fake", name: value}
    p = subprocess.run([sys.executable, "-m", "rag", "ask", "hello"], capture_output=True, text=True, env=env, timeout=300)
    assert p.returncode == 1 and "Traceback" not in p.stderr
    assert p.stderr.strip().splitlines() == [p.stderr.strip()] and f"{name}={value!r}" in p.stderr and msg in p.stderr
    assert state(home) == before


def test_cli_monolingual_document_is_valid_input(home, tmp_path):
    p = cli(["ingest", "--json", write(tmp_path, "mono.txt", "A Note\n\nThis note is written in English only, and it has prose.\n\nA second paragraph follows here.".encode())], home, check_ok=True)
    rep = json.loads(p.stdout.strip().splitlines()[-1])
    assert rep["paragraphs"] == {"en": 2, "zh": 0} and rep["aligned_pairs"] == 0 and rep["unaligned"] == []


def test_cli_document_of_1000_paragraphs(home, tmp_path):
    text = "Long Document\n\n" + "\n\n".join(f"Paragraph number {i} says something short but complete." for i in range(1, 1001))
    p = cli(["ingest", "--json", write(tmp_path, "long.txt", text.encode())], home, check_ok=True)
    rep = json.loads(p.stdout.strip().splitlines()[-1])
    assert rep["paragraphs"]["en"] == 1000


@pytest.fixture
def handlers(seeded_fake_app):
    return UIHandlers(seeded_fake_app)


UI_QUESTIONS = [
    ("ui-empty", "", "empty"),
    ("ui-whitespace", "   ", "empty"),
    ("ui-100k", LONG, "too long"),
    ("ui-emoji", "😀😀", "no words"),
    ("ui-control", "\x00\x07", "empty"),
]


@pytest.mark.parametrize("case", UI_QUESTIONS, ids=[c[0] for c in UI_QUESTIONS])
def test_ui_bad_questions(handlers, case):
    _, q, msg = case
    chat, turns, _, conversation = list(handlers.respond(q, [], [], "Auto", "*"))[-1]
    assert chat[-1]["content"].startswith("⚠") and msg in chat[-1]["content"]
    assert turns == [] and conversation is None and handlers.app.conversations.list() == []  # nothing kept


def test_ui_html_is_escaped_never_executed(handlers):
    chat, _, _, _ = list(handlers.respond('<script>alert("x")</script><img src=x onerror=alert(1)>', [], [], "Auto", "*"))[-1]
    assert "<script>" not in chat[0]["content"] and "&lt;script&gt;" in chat[0]["content"]
    assert "<img" not in json.dumps(chat)


UPLOADS = [
    ("upload-zero-byte", "zero.txt", b"", "empty"),
    ("upload-too-big", "big.txt", b"x" * (6 * 1024 * 1024), "limit"),
    ("upload-binary-as-txt", "bin.txt", b"\x00\xff" * 500, "binary"),
    ("upload-wrong-encoding", "latin.txt", "Ça été.\n\nDeuxième.".encode("latin-1") + b"\x80", "not UTF-8"),
    ("upload-unsupported", "x.exe", b"MZ", "unsupported"),
    ("upload-third-language", "el.txt", "Αυτό είναι ελληνικό κείμενο.\n\nΚαι δεύτερη παράγραφος.".encode(), "not in English or Chinese"),
]


@pytest.mark.parametrize("case", UPLOADS, ids=[c[0] for c in UPLOADS])
def test_ui_bad_uploads(handlers, tmp_path, case):
    _, name, data, msg = case
    before = handlers.app.store.versions()
    with pytest.raises(RagError, match=msg):
        handlers.ingest_upload(write(tmp_path, name, data))
    assert handlers.app.store.versions() == before


def test_ui_path_traversal_name_stays_inside(handlers, tmp_path):
    text, doc_id = handlers.ingest_upload(write(tmp_path, "..%2f..%2fetc%2fpasswd.txt", b"Title\n\nA body paragraph that is long enough to be prose here."))
    assert "/" not in doc_id and ".." not in doc_id


def test_ui_forged_citation_key(handlers):
    for key in ["", "|||", "x|en|1", "../../etc|zh|1", "000_e8aec6b6a6faab82|en|-1"]:
        out = handlers.show_citation(key)
        assert len(out) == 3  # reader, document, page view
