"""Shared fixtures and builders: temp data dirs, the fake embedder/LLM, an app over the sample
article with scripted model replies, and session-scoped real models (slow)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rag.settings import DEFAULT_CORPUS, Settings

REAL_MODELS_DIR = Path(os.environ.get("RAG_MODELS_DIR") or Settings().models_path)
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def make_app(settings: Settings, replies: list[str] | None = None):
    """An app over the sample article: the fake embedder, and the model's replies in order (then rule-based)."""
    from rag.compose import App
    from rag.index.embedder import FakeEmbedder
    from rag.llm import FakeBackend

    app = App(settings, embedder=FakeEmbedder(), chat_backend=FakeBackend(replies))
    app.indexer.write([app.indexer.prepare_path(DEFAULT_CORPUS)], progress=False)
    return app


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

    return App(settings, embedder=FakeEmbedder())


@pytest.fixture
def seeded_fake_app(fake_app):
    docs = [fake_app.indexer.prepare_path(DEFAULT_CORPUS)]
    fake_app.indexer.write(docs, progress=False)
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
    app.indexer.write([app.indexer.prepare_path(DEFAULT_CORPUS)], progress=False)
    return app


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
