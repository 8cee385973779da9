"""One settings object, read from ``RAG_*`` environment variables (and a ``.env`` file)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from rag.errors import ConfigError

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO_ROOT / "data" / "000_e8aec6b6a6faab82.txt"


def _default_home() -> Path:
    return Path.home() / ".local" / "share" / "bilingual-rag"


def _default_eval_corpus() -> Path:
    """../shared/corpus/real beside the checkout (or beside the folder of worktrees it is in)."""
    for up in REPO_ROOT.parents[:2]:
        if (up / "shared" / "corpus" / "real").is_dir():
            return up / "shared" / "corpus" / "real"
    return REPO_ROOT.parent / "shared" / "corpus" / "real"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RAG_", env_file=".env", extra="ignore")

    # where things live
    home: Path = Field(default_factory=_default_home, description="data directory (index, uploads)")
    models_dir: Path | None = Field(default=None, description="model cache; default $RAG_HOME/models")
    corpus: Path = DEFAULT_CORPUS

    # library-scale eval (`rag eval run --split`): the real pairs and SPLIT.md; run folders and the
    # split's cached library (its own RAG home) under eval_home
    eval_corpus: Path = Field(default_factory=_default_eval_corpus)
    eval_home: Path = REPO_ROOT / "eval" / "runs"

    # embeddings: a registry name (see `rag models list`), a sentence-transformers name or a path
    embedding_model: str = "embeddinggemma-300m"
    embedding_device: str = "cpu"
    embedding_batch_size: int = 16  # texts per batch at most
    embedding_batch_tokens: int = Field(512, ge=1)  # padded tokens per batch at most (CPU; a GPU takes more)

    # chat model: a registry name or a path to a GGUF file, or a remote OpenAI-compatible server
    llm_model: str = "qwen2.5-coder-1.5b-instruct-q4km"
    llm_base_url: str | None = None
    llm_api_key: str = "not-needed"
    llm_threads: int = 0  # 0 = all cores
    llm_ctx: int = 4096
    llm_max_tokens: int = 320
    llm_temperature: float = 0.0
    llm_timeout_s: float = 120.0

    # vector store
    chroma_url: str | None = None  # http://host:port of a `chroma run` server

    # the answer path (rag/answer/pipeline.py): the model picks source units, code quotes them
    select_pairs: int = Field(4, ge=1)  # aligned pairs whose units the select call reads (`rag ask --k` overrides it)
    select_budget_tokens: int = Field(350, ge=50)  # about this many prompt tokens of unit text (the first unit always)
    select_max_units: int = Field(3, ge=1)  # the select call names at most this many units
    select_sentence_chars: int = Field(320, ge=0)  # a prose paragraph longer than this is offered sentence by sentence (0: whole paragraphs)
    select_block_items: int = Field(12, ge=0)  # a lead-in ("…as follows:") and up to this many list items, table rows or code paragraphs are one unit (0: no blocks)
    # who picks the units the answer quotes: the best-retrieved unit and the model's choice (dev split:
    # pass 0.59), the model alone (0.47) or the best-retrieved unit alone, no model call (0.49)
    select_chooser: Literal["top+model", "model", "top"] = "top+model"
    # refuse when the selected units hold less than this share of the question's key terms, each weighed
    # by its idf over the library, a Chinese word and its parts once (fitted on the dev split, ninth session:
    # 152/209 from 0.38 to 0.42, 5 false refusals at 0.38 and 0.40, 6 at 0.42, 8 at 0.44; 151 at 0.36)
    select_min_coverage: float = Field(0.40, ge=0.0, le=1.0)
    # a quoted unit only the other version has is also written in the asker's language, one line that is
    # shown only when it states no number, name or meaning the unit does not (one model call per unit)
    render_other_version: bool = True

    # chunking and retrieval
    chunk_chars: int = 900
    chunk_overlap_sentences: int = 1
    dense_k: int = 12
    exact_search_max_chunks: int = Field(20_000, ge=0)  # a library of at most this many chunks is searched exactly, every vector (61 MB at 20,000); a larger one through Chroma's HNSW index
    lexical_weight: float = 1.0  # weight of the BM25 list in the fusion (dense = 1.0); docs/eval.md
    retrieval_mode: Literal["hybrid", "dense", "bm25"] = "hybrid"  # dense or bm25 alone: baselines for eval

    # UI
    ui_host: str = "127.0.0.1"
    ui_port: int = 7860
    ui_password: str | None = None
    ui_user: str = "rag"
    max_upload_mb: float = 5.0
    ui_concurrency: int = 2

    # HTTP API (`rag serve`, on ui_host:ui_port with the UI mounted at /ui)
    api_token: str | None = None  # bearer token for /v1/*; required when serving on another address than loopback
    api_rate_per_minute: int = 60  # requests per client address per minute to /v1/* (0: no limit)
    api_max_request_kb: int = 64  # the largest JSON body /v1/ask and /v1/chat/completions accept

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "WARNING"

    @property
    def models_path(self) -> Path:
        return self.models_dir or (self.home / "models")

    @property
    def chroma_path(self) -> Path:
        return self.home / "chroma"

    @property
    def uploads_path(self) -> Path:
        return self.home / "uploads"

    @property
    def sources_path(self) -> Path:
        return self.home / "sources"

    @property
    def conversations_path(self) -> Path:
        return self.home / "conversations.sqlite3"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings from the environment and .env; a bad value is one ConfigError naming its variable."""
    try:
        return Settings()
    except ValidationError as e:
        bad = "; ".join(f"RAG_{'_'.join(map(str, err['loc'])).upper()}={err.get('input')!r}: {err['msg']}" for err in e.errors())
        raise ConfigError(f"bad setting: {bad}") from None
