"""The embedder seam: a Protocol, the sentence-transformers implementation and a deterministic fake.

Both are LangChain ``Embeddings`` so langchain-chroma can use them directly.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Callable, Protocol, runtime_checkable

from langchain_core.embeddings import Embeddings

from rag.errors import ModelMissingError

log = logging.getLogger(__name__)


@runtime_checkable
class Embedder(Protocol):
    name: str

    def embed_documents(self, texts: list[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...

    def embed_titled(self, texts: list[str], titles: list[str]) -> list[list[float]]:
        """Document vectors of ``texts``, each read under its title (a chunk's heading path)."""
        ...

    def warm_up(self) -> None:
        """Load the model now (otherwise on first use)."""
        ...


def slug(name: str) -> str:
    """A collection-safe id for a model name or path (one collection per embedding model)."""
    base = Path(name).name if ("/" in name or "\\" in name) else name
    s = re.sub(r"[^A-Za-z0-9]+", "-", base).strip("-").lower()[:40] or "model"
    digest = hashlib.sha1(name.encode()).hexdigest()[:6]
    return f"{s}-{digest}"


class _LRU:
    def __init__(self, size: int) -> None:
        self.size = size
        self.data: OrderedDict[tuple[str, str], list[float]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            v = self.data.get(key)
            if v is not None:
                self.data.move_to_end(key)
            return v

    def put(self, key, value) -> None:
        with self.lock:
            self.data[key] = value
            self.data.move_to_end(key)
            while len(self.data) > self.size:
                self.data.popitem(last=False)


class CachingEmbedder(Embeddings):
    """Shared logic: an LRU cache per (mode, text) and batched, progress-reporting document encoding.

    A batch is padded to its longest input, so texts go longest first in batches of at most
    ``batch_size`` texts and ``batch_tokens`` padded tokens: a 400-token paragraph beside fifteen
    30-token list items would otherwise make the model read 6,400 tokens for 850 (docs/benchmarks.md)."""

    name: str = "base"
    batch_size: int = 16
    batch_tokens: int = 512

    def __init__(self, cache_size: int = 4096) -> None:
        self._cache = _LRU(cache_size)
        self.on_progress: Callable[[int], None] | None = None

    # subclasses implement these two on lists of uncached texts
    def _encode_documents(self, texts: list[str]) -> list[list[float]]:
        raise NotImplementedError

    def _encode_queries(self, texts: list[str]) -> list[list[float]]:
        raise NotImplementedError

    def _encode_inputs(self, texts: list[str]) -> list[list[float]]:
        """Vectors of model inputs that already carry their prompt."""
        raise NotImplementedError

    def _lengths(self, texts: list[str]) -> list[int]:
        """Each text's length in the model's tokens (here an estimate; a real model counts them)."""
        return [len(t) // 3 + 1 for t in texts]

    def titled_input(self, text: str, title: str) -> str:
        """The model input of a document under a title."""
        return f"{title}\n{text}" if title else text

    def warm_up(self) -> None:
        pass

    def _batches(self, texts: list[str], todo: list[int]) -> list[list[int]]:
        """``todo`` (indices into texts) longest first, cut where the next text would pass either limit
        (nothing to do asks the model nothing: a text found in the cache needs no tokenizer)."""
        if not todo:
            return []
        length = dict(zip(todo, self._lengths([texts[i] for i in todo])))
        batches: list[list[int]] = []
        for i in sorted(todo, key=lambda i: -length[i]):
            b = batches[-1] if batches else None
            if b and len(b) < self.batch_size and (len(b) + 1) * length[b[0]] <= self.batch_tokens:
                b.append(i)
            else:
                batches.append([i])
        return batches

    def _embed(self, texts: list[str], mode: str) -> list[list[float]]:
        out: list[list[float] | None] = [self._cache.get((mode, t)) for t in texts]
        todo = [i for i, v in enumerate(out) if v is None]
        enc = {"doc": self._encode_documents, "query": self._encode_queries, "input": self._encode_inputs}[mode]
        for idx in self._batches(texts, todo):
            vecs = enc([texts[i] for i in idx])
            for i, v in zip(idx, vecs):
                out[i] = v
                self._cache.put((mode, texts[i]), v)
            if self.on_progress:
                self.on_progress(len(idx))
        return out  # type: ignore[return-value]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._embed(list(texts), "doc")

    def embed_query(self, text: str) -> list[float]:
        return self._embed([text], "query")[0]

    def embed_titled(self, texts: list[str], titles: list[str]) -> list[list[float]]:
        """Document vectors of ``texts`` read under their titles: a table row or a list item
        ("python 3.8 and above") says what it is about only through its heading ("Requirements")."""
        out: list[list[float]] = [[] for _ in texts]
        titled = [i for i, t in enumerate(titles) if t]
        untitled = [i for i, t in enumerate(titles) if not t]  # the plain document vector, shared with every other use
        for idx, vecs in ((titled, self._embed([self.titled_input(texts[i], titles[i]) for i in titled], "input")),
                          (untitled, self.embed_documents([texts[i] for i in untitled]))):
            for i, v in zip(idx, vecs):
                out[i] = v
        return out


class SentenceTransformerEmbedder(CachingEmbedder):
    """sentence-transformers model from a local path (or a hub name where a hub is reachable).

    Uses the model's own query/document prompts where it has them (EmbeddingGemma does)."""

    def __init__(self, model: str | Path, name: str, device: str = "cpu", batch_size: int = 16,
                 batch_tokens: int = 512) -> None:
        super().__init__()
        self.model_ref = str(model)
        self.name = name
        self.device = device
        self.batch_size = batch_size
        self.batch_tokens = batch_tokens
        self._model = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        if self._model is not None:
            return
        with self._lock:
            if self._model is not None:
                return
            from sentence_transformers import SentenceTransformer

            try:
                self._model = SentenceTransformer(self.model_ref, device=self.device, local_files_only=True)
            except OSError as e:
                raise ModelMissingError(f"cannot load embedding model {self.model_ref}: {e}") from None
            log.info("loaded embedding model %s", self.model_ref)

    @property
    def model(self):
        self.warm_up()
        return self._model

    def _encode(self, texts: list[str], prompt_name: str) -> list[list[float]]:
        m = self.model
        kwargs = {"prompt_name": prompt_name} if prompt_name in (m.prompts or {}) else {}
        vecs = m.encode(texts, batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False, **kwargs)
        return vecs.tolist()

    def _lengths(self, texts: list[str]) -> list[int]:
        m = self.model
        cap = m.max_seq_length or 1 << 30
        return [min(len(ids), cap) for ids in m.tokenizer(texts)["input_ids"]]

    def _document_prompt(self) -> str:
        prompts = self.model.prompts or {}
        return "document" if "document" in prompts else ("passage" if "passage" in prompts else "")

    def _encode_documents(self, texts: list[str]) -> list[list[float]]:
        return self._encode(texts, self._document_prompt())

    def _encode_inputs(self, texts: list[str]) -> list[list[float]]:
        return self._encode(texts, "")

    def titled_input(self, text: str, title: str) -> str:
        """The model's own title field where its document prompt has one (EmbeddingGemma:
        "title: none | text: "), else the title on a line of its own before the text."""
        prompt = (self.model.prompts or {}).get(self._document_prompt(), "")
        if not title:
            return prompt + text
        if "title: none" in prompt:
            return prompt.replace("title: none", "title: " + title.replace("|", "/"), 1) + text
        return f"{prompt}{title}\n{text}"

    def _encode_queries(self, texts: list[str]) -> list[list[float]]:
        return self._encode(texts, "query")


class FakeEmbedder(CachingEmbedder):
    """Deterministic bag-of-tokens hashing embedder for fast tests (no model, no cross-lingual sense)."""

    def __init__(self, dim: int = 256, name: str = "fake-hash") -> None:
        super().__init__()
        self.dim = dim
        self.name = name
        self.calls = 0

    def _vec(self, text: str) -> list[float]:
        from rag.text.tokens import tokenize

        v = [0.0] * self.dim
        for tok in tokenize(text) or [text.strip() or "∅"]:
            h = int(hashlib.md5(tok.encode()).hexdigest(), 16)
            v[h % self.dim] += 1.0 if (h >> 64) & 1 else -1.0
        norm = math.sqrt(sum(x * x for x in v)) or 1.0
        return [x / norm for x in v]

    def _encode_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls += 1
        return [self._vec(t) for t in texts]

    _encode_queries = _encode_documents
    _encode_inputs = _encode_documents
