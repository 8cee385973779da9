"""Shared fixtures and builders: temp data dirs, the fake embedder/LLM, an app over the sample
article with scripted model replies, and session-scoped real models (slow): a test needing a real
model takes one of these fixtures and never loads its own."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ingest.indexer import indexer_for
from rag.settings import DEFAULT_CORPUS, Settings

REAL_MODELS_DIR = Path(os.environ.get("RAG_MODELS_DIR") or Settings().models_path)
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
REAL_MODEL_FIXTURES = {"real_embedder", "real_chat_backend", "real_app"}
REAL_CHAT_FIXTURES = {"real_chat_backend", "real_app"}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """The tests that use the real models run first, as two xdist groups: under `-n 2 --dist loadgroup`
    (scripts/test.sh) one worker loads the chat model (and the embedder) once for the tests that ask it,
    the other the embedder alone for those that only embed, and then both run the rest, a module at a
    time (a module's fixtures are built once)."""
    def uses(item) -> set:
        return REAL_MODEL_FIXTURES & set(getattr(item, "fixturenames", ()))

    chat = [item for item in items if REAL_CHAT_FIXTURES & uses(item)]
    embed = [item for item in items if uses(item) and not REAL_CHAT_FIXTURES & uses(item)]
    chosen = {id(item) for item in chat + embed}
    rest = [item for item in items if id(item) not in chosen]
    for group, members in (("real-chat", chat), ("real-embedder", embed)):
        for item in members:
            item.add_marker(pytest.mark.xdist_group(group))
    real = chat + embed
    for item in rest:
        item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))
    items[:] = real + rest


_APPS: list = []  # every app a test made, closed when the test ends (see close_apps)


def make_app(settings: Settings, replies: list[str] | None = None):
    """An app over the sample article: the fake embedder, and the model's replies in order (then rule-based)."""
    from rag.compose import App
    from rag.index.embedder import FakeEmbedder
    from rag.llm import FakeBackend

    app = App(settings, embedder=FakeEmbedder(), chat_backend=FakeBackend(replies))
    _APPS.append(app)
    indexer_for(app).write([indexer_for(app).prepare_path(DEFAULT_CORPUS)], progress=False)
    return app


@pytest.fixture(autouse=True)
def close_apps():
    """Each app a test made releases its index when the test ends: chromadb would otherwise keep every
    index's files, threads and memory open for the whole run (#36: a test far into the run failed
    when the process ran out of them). Apps of module fixtures, made before, stay open for the module."""
    start = len(_APPS)
    yield
    for app in _APPS[start:]:
        app.close()
    del _APPS[start:]


@pytest.fixture(scope="session")
def seed_text() -> str:
    return DEFAULT_CORPUS.read_text(encoding="utf-8")


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(home=tmp_path / "home", models_dir=REAL_MODELS_DIR, embedding_model="fake", llm_model="fake")


@pytest.fixture
def fake_app(settings):
    from rag.compose import App
    from rag.index.embedder import FakeEmbedder

    app = App(settings, embedder=FakeEmbedder())
    yield app
    app.close()


@pytest.fixture
def seeded_fake_app(fake_app):
    docs = [indexer_for(fake_app).prepare_path(DEFAULT_CORPUS)]
    indexer_for(fake_app).write(docs, progress=False)
    return fake_app


@pytest.fixture(scope="session")
def real_embedder():
    from rag.index.embedder import SentenceTransformerEmbedder
    from rag.models import resolve

    path = resolve("embeddinggemma-300m", REAL_MODELS_DIR, "embedding")
    emb = SentenceTransformerEmbedder(path, name="embeddinggemma-300m")
    emb.warm_up()
    return emb


@pytest.fixture(scope="session")
def real_chat_backend():
    from rag.llm import build_chat_backend

    s = Settings(models_dir=REAL_MODELS_DIR)
    model = build_chat_backend(s)
    model.warm_up()
    yield model
    model.close()


@pytest.fixture(scope="session")
def real_app(tmp_path_factory, real_embedder, real_chat_backend):
    """The full pipeline with the real models over the seed, in a temp data dir."""
    from rag.compose import App

    home = tmp_path_factory.mktemp("real-home")
    app = App(Settings(home=home, models_dir=REAL_MODELS_DIR), embedder=real_embedder, chat_backend=real_chat_backend)
    indexer_for(app).write([indexer_for(app).prepare_path(DEFAULT_CORPUS)], progress=False)
    return app


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
