"""A fuzzer over every route of the API, from its OpenAPI schema (schemathesis: valid and invalid
bodies, parameters and uploads): no request gets a 5xx, every error is JSON with a `detail`, and no
body names a path of the server's. With the token set and sent, the rate limit off.

The fast profile runs in the normal test run (a few examples per route, about 30 s); the long one is
`RAG_FUZZ_EXAMPLES=300 .venv/bin/python -m pytest tests/test_fuzz.py` (docs/reliability.md)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode

from rag.server.api import create_api
from rag.settings import REPO_ROOT, Settings
from tests.conftest import REAL_MODELS_DIR, make_app

EXAMPLES = int(os.environ.get("RAG_FUZZ_EXAMPLES", "5"))
AUTH = {"authorization": "Bearer fuzz-token"}


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory):
    home = tmp_path_factory.mktemp("fuzz") / "home"
    s = Settings(home=home, models_dir=REAL_MODELS_DIR, embedding_model="fake", llm_model="fake",
                 api_token="fuzz-token", api_rate_per_minute=0, max_upload_mb=0.5)
    app = make_app(s)
    app.pipeline.answer("When are the APEC and G20 summits held?")  # warm the caches
    return app


def _routes() -> list:
    """(path, method, mode) for every route in the schema: valid requests, and invalid ones where it
    takes parameters or a body (building the API reads no index)."""
    from rag.compose import App

    spec = create_api(App(Settings(home=Path("/nonexistent"), embedding_model="fake", llm_model="fake"))).openapi()
    out = []
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            out.append(pytest.param(path, method.upper(), GenerationMode.POSITIVE, id=f"{method.upper()} {path} valid"))
            if op.get("requestBody") or any(_constrained(p) for p in op.get("parameters", ())):
                out.append(pytest.param(path, method.upper(), GenerationMode.NEGATIVE, id=f"{method.upper()} {path} invalid"))
    return out


def _constrained(param: dict) -> bool:
    """A parameter some value breaks (any string is a valid path segment, such as a document id)."""
    return param["in"] != "path" or set(param["schema"]) - {"type", "title"} != set() or param["schema"].get("type") != "string"


@pytest.fixture(scope="module")
def api_schema(fuzzed):
    return schemathesis.openapi.from_asgi("/openapi.json", create_api(fuzzed), headers=AUTH)


def server_paths(app) -> list[str]:
    return sorted({str(p) for root in (app.settings.home, REPO_ROOT, Path.home()) for p in (root, root.resolve())})


@pytest.mark.parametrize(("path", "method", "mode"), _routes())
def test_no_route_fails_or_leaks(api_schema, fuzzed, path, method, mode):
    paths = server_paths(fuzzed)

    @given(case=api_schema[path][method].as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck), derandomize=EXAMPLES <= 10, database=None)
    def fuzz(case):
        r = case.call(headers=AUTH)
        where = f"{case.method} {case.formatted_path}"
        assert r.status_code < 500, f"{where} → {r.status_code}: {r.text[:300]}"
        kind = (r.headers.get("content-type") or [""])[0]
        if r.status_code >= 400:
            assert kind.startswith("application/json") and r.json().get("detail"), (where, r.status_code, r.text[:200])
        if not kind.startswith("image/"):
            leaked = [p for p in paths if p in r.text]
            assert not leaked, f"{where} names {leaked}"

    fuzz()
