"""The chat-model seam: one LangChain chat model behind a small backend with warm_up()/close().

- local (default): the GGUF model loaded in-process by xllamacpp, which also serves an
  OpenAI-compatible API on a loopback port; langchain-openai drives it,
- remote: any OpenAI-compatible server (vLLM, llama.cpp server, Ollama) from settings,
- fake: a deterministic rule-based model for tests.
Local and remote share one code path (ChatOpenAI).
"""

from __future__ import annotations

import logging
import os
import re
import threading
from typing import Any, Callable, Iterator, Protocol

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from rag.errors import LLMError
from rag.settings import Settings

log = logging.getLogger(__name__)


class ChatBackend(Protocol):
    name: str

    @property
    def llm(self) -> BaseChatModel: ...

    def warm_up(self) -> None: ...

    def close(self) -> None: ...


def _openai_chat(base_url: str, model: str, api_key: str, s: Settings, extra_body: dict | None = None):
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        base_url=base_url,
        model=model,
        api_key=api_key,
        temperature=s.llm_temperature,
        max_tokens=s.llm_max_tokens,
        timeout=s.llm_timeout_s,
        max_retries=1,
        streaming=True,
        extra_body=extra_body,
    )


class RemoteBackend:
    """Any OpenAI-compatible endpoint."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.name = f"{settings.llm_model} @ {settings.llm_base_url}"
        self._llm = _openai_chat(settings.llm_base_url or "", settings.llm_model, settings.llm_api_key, settings)

    @property
    def llm(self) -> BaseChatModel:
        return self._llm

    def warm_up(self) -> None:
        pass

    def close(self) -> None:
        pass


SLOTS = 2  # one per prompt language: each keeps its instructions' tokens cached (see server_params)
# llama.cpp keeps earlier prompts' KV in RAM to restore a prompt asked again (about 10 MB each for a
# select prompt); its default bound, 8 GiB, let a long-running `rag serve` grow by 10 MB a question
CACHE_RAM_MIB = 256


def server_params(gguf_path: str, s: Settings):
    """The in-process llama.cpp server's parameters. Two slots over one shared KV cache of twice
    ``llm_ctx`` tokens (each request can still use all of ``llm_ctx``): llama.cpp gives a request the
    slot whose last prompt shares most of its beginning, so an English and a Chinese question, each
    with its own language's select instructions, keep both instructions read (about 75 prompt tokens,
    2 s on two cores) instead of evicting each other; a slot keeps its prompt while idle. Two
    requests at once (the UI and the API) are decoded together instead of queued."""
    import xllamacpp

    threads = s.llm_threads or os.cpu_count() or 2
    p = xllamacpp.CommonParams()
    p.model.path = gguf_path
    p.n_ctx = s.llm_ctx * SLOTS
    p.n_batch = 512
    p.n_parallel = SLOTS
    p.kv_unified = True
    p.cache_idle_slots = False
    p.cache_ram_mib = CACHE_RAM_MIB
    p.cpuparams.n_threads = threads
    p.cpuparams_batch.n_threads = threads
    p.cache_prompt = True
    p.verbosity = -1
    return p


class LocalLlamaBackend:
    """The GGUF model in-process (xllamacpp), reached through its loopback OpenAI-compatible API."""

    def __init__(self, gguf_path: str, settings: Settings) -> None:
        self.path = gguf_path
        self.settings = settings
        self.name = os.path.basename(gguf_path)
        self._server = None
        self._llm: BaseChatModel | None = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        if self._llm is not None:
            return
        with self._lock:
            if self._llm is not None:
                return
            import xllamacpp

            p = server_params(self.path, self.settings)
            try:
                self._server = xllamacpp.Server(p)
            except Exception as e:
                raise LLMError(f"cannot load the local model {self.path}: {e}") from None
            address = self._server.listening_address
            log.info("local LLM %s serving on %s", self.name, address)
            self._llm = _openai_chat(f"{address}/v1", "local", "local", self.settings, extra_body={"cache_prompt": True})

    @property
    def llm(self) -> BaseChatModel:
        self.warm_up()
        assert self._llm is not None
        return self._llm

    @property
    def base_url(self) -> str:
        self.warm_up()
        return f"{self._server.listening_address}/v1"

    def close(self) -> None:
        self._llm = None
        self._server = None  # the server stops when released


# --- the fake ------------------------------------------------------------------

_SOURCE_RE = re.compile(r"^\[(EN|ZH) ¶(\d+)\]\s*(.*)$", re.M)
_UNIT_RE = re.compile(r"^\[(\d+)\] (.*(?:\n    .*)*)", re.M)  # a numbered unit of the select call


def _overlap(a: str, b: str) -> float:
    from rag.text.tokens import tokenize

    ta, tb = set(tokenize(a)), set(tokenize(b))
    return len(ta & tb) / max(1, len(ta))


def rule_based_reply(messages: list[BaseMessage]) -> str:
    """A deterministic stand-in for the LLM: the select call picks the unit sharing most of the question's
    words (or none), a follow-up is rewritten as the last question plus it, and a prompt with labelled
    sources (the textbook baseline's) is answered with its best-overlapping sentence."""
    from rag.text.sentences import split_sentences

    system = next((m.content for m in messages if m.type == "system"), "")
    user = messages[-1].content if messages else ""
    q = re.search(r"(?:QUESTION|问题)[:：]\s*(.*)", user)
    question = q.group(1).strip() if q else user
    sources = [(f"[{lang} ¶{n}]", text) for lang, n, text in _SOURCE_RE.findall(str(system))]
    units = _UNIT_RE.findall(str(user))
    if units and '"ids"' in str(system):  # the select call: the unit sharing most of the question's words
        best = max(units, key=lambda u: _overlap(question, u[1]))
        return f'{{"ids": [{best[0]}]}}' if _overlap(question, best[1]) >= 0.34 else '{"ids": []}'
    if "Follow-up question" in user or "追问" in user:
        prev = re.findall(r"^(?:User|用户): (.*)$", user, re.M)
        return f"{prev[-1] if prev else ''} {question}".strip()
    pool = [(lab, t) for lab, t in sources if lab.startswith("[EN")] or sources
    best_sent, best_label, best_score = "", "", -1.0
    for label, text in pool:
        for sent in split_sentences(text):
            sc = _overlap(question, sent)
            if sc > best_score:
                best_sent, best_label, best_score = sent.strip(), label, sc
    return f"{best_sent} {best_label}".strip() if best_sent else "NO"


class FakeChatModel(BaseChatModel):
    """Deterministic chat model for tests: a scripted list of replies, else ``rule_based_reply``."""

    replies: list[str] = []
    reply_fn: Callable[[list[BaseMessage]], str] | None = None
    calls: list[list[BaseMessage]] = []

    @property
    def _llm_type(self) -> str:
        return "fake-rule-based"

    def _reply(self, messages: list[BaseMessage]) -> str:
        self.calls.append(messages)
        if self.replies:
            return self.replies.pop(0)
        return (self.reply_fn or rule_based_reply)(messages)

    def _generate(self, messages: list[BaseMessage], stop=None, run_manager: CallbackManagerForLLMRun | None = None, **kw: Any) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=self._reply(messages)))])

    def _stream(self, messages: list[BaseMessage], stop=None, run_manager: CallbackManagerForLLMRun | None = None, **kw: Any) -> Iterator[ChatGenerationChunk]:
        text = self._reply(messages)
        for piece in re.findall(r"\S+\s*|\s+", text):
            yield ChatGenerationChunk(message=AIMessageChunk(content=piece))


class FakeBackend:
    name = "fake"

    def __init__(self, replies: list[str] | None = None, reply_fn=None) -> None:
        self._llm = FakeChatModel(replies=list(replies or []), reply_fn=reply_fn, calls=[])

    @property
    def llm(self) -> FakeChatModel:
        return self._llm

    def warm_up(self) -> None:
        pass

    def close(self) -> None:
        pass


def build_chat_backend(settings: Settings) -> ChatBackend:
    if settings.llm_model == "fake":
        return FakeBackend()
    if settings.llm_base_url:
        return RemoteBackend(settings)
    from rag.models import resolve

    path = resolve(settings.llm_model, settings.models_path, "llm")
    return LocalLlamaBackend(str(path), settings)
