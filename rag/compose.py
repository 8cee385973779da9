"""The composition root: builds every component from one Settings object, lazily, once per process."""

from __future__ import annotations

import logging
import threading
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from rag.settings import Settings, get_settings

if TYPE_CHECKING:  # the protocols, for the types only: nothing heavy at import time
    from rag.index.embedder import Embedder
    from rag.index.store import Store
    from rag.llm import ChatBackend

log = logging.getLogger(__name__)


class App:
    """Holds the process-wide components. Nothing heavy happens until a property is first used."""

    def __init__(
        self, settings: Settings | None = None, *, embedder: Embedder | None = None,
        chat_backend: ChatBackend | None = None, client=None,
    ) -> None:
        self.settings = settings or get_settings()
        self._embedder = embedder
        self._chat_backend = chat_backend
        self._client = client
        self._lock = threading.RLock()

    @cached_property
    def embedder(self) -> Embedder:
        if self._embedder is not None:
            return self._embedder
        from rag.index.embedder import FakeEmbedder, SentenceTransformerEmbedder
        from rag.models import resolve

        name = self.settings.embedding_model
        if name == "fake":
            return FakeEmbedder()
        path = resolve(name, self.settings.models_path, "embedding")
        return SentenceTransformerEmbedder(
            path, name=name, device=self.settings.embedding_device, batch_size=self.settings.embedding_batch_size,
            batch_tokens=self.settings.embedding_batch_tokens,
        )

    @cached_property
    def client(self):
        if self._client is not None:
            return self._client
        from rag.index.store import make_client

        return make_client(self.settings.chroma_url, self.settings.chroma_path)

    @cached_property
    def store(self) -> Store:
        from rag.index.store import ChromaStore

        return ChromaStore(self.client, self.embedder, exact_max_chunks=self.settings.exact_search_max_chunks)

    @cached_property
    def retriever(self):
        from rag.index.retrieve import Retriever

        s = self.settings
        return Retriever(self.store, self.embedder, s.dense_k, s.lexical_weight, mode=s.retrieval_mode)

    @cached_property
    def sources(self):
        from rag.index.sources import SourceFiles

        return SourceFiles(self.settings.sources_path)

    @cached_property
    def chat_backend(self) -> ChatBackend:
        if self._chat_backend is not None:
            return self._chat_backend
        from rag.llm import build_chat_backend

        return build_chat_backend(self.settings)

    @cached_property
    def pipeline(self):
        from rag.answer.pipeline import AnswerPipeline

        return AnswerPipeline(self.retriever, self.chat_backend, self.settings)

    @cached_property
    def conversations(self):
        from rag.conversations import ConversationStore

        return ConversationStore(self.settings.conversations_path)

    def warm_up(self, chat: bool = True) -> None:
        """Load both models (the embedder only, without ``chat``), jieba's dictionary, the BM25 index and
        the documents' names now (the UI and `rag serve` do this at start, so the first question,
        Chinese or not, is fast)."""
        from rag.answer.verdict import function_words
        from rag.text.chinese import jieba_lib

        self.embedder.warm_up()
        if chat:
            self.chat_backend.warm_up()
        jieba_lib().initialize()  # ~0.5 s the first Chinese question would otherwise wait
        function_words("预热")  # and ~0.3 s for jieba's part-of-speech table (the verdict's key terms)
        self.retriever.warm_up()  # the BM25 index and the documents' names (the named document)

    def sharing(self, settings: Settings | None = None, chat_backend: ChatBackend | None = None) -> App:
        """Another App over the same models and index client, with other settings or another chat
        backend (eval baselines and ablations, a replaying backend)."""
        chat = self.chat_backend if chat_backend is None else chat_backend
        return App(settings or self.settings, embedder=self.embedder, chat_backend=chat, client=self.client)

    def recover_index(self) -> Path | None:
        """A local index that cannot even be opened is moved aside (returned) and the parts built on it
        are forgotten, so the next use starts clean; None when the index opens (or is a server's)."""
        from rag.errors import IndexCorruptError
        from rag.index.store import set_aside

        if self.settings.chroma_url:
            return None
        try:
            self.store.documents()
            return None
        except IndexCorruptError:
            aside = set_aside(self.settings.chroma_path)
        self._forget_index()
        return aside

    def _forget_index(self) -> None:
        for attr in ("client", "store", "retriever", "pipeline"):
            self.__dict__.pop(attr, None)

    def close(self) -> None:
        """Release the index client this app opened: chromadb keeps a local index's files, threads and
        memory for the life of the process otherwise (an injected client is its owner's to close).
        The app opens the index again if it is used after."""
        client = self.__dict__.get("client")
        if client is not None and self._client is None and hasattr(client, "close"):
            client.close()
        self._forget_index()
