"""Shared fixtures: tiny translation models built from scratch (no network)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from tiny_models import build_tiny_marian, build_tiny_nllb

_index_cache_dir: str | None = None
_index_cache_env: str | None = None


def pytest_configure(config: pytest.Config) -> None:
    # The tiny Marian tokenizer, like opus-mt's, asks for sacremoses; tests do not need it.
    config.addinivalue_line("filterwarnings", "ignore:Recommended. pip install sacremoses")
    # Lexicon index files (eval/lexicon/index.py) go to a temporary folder, never to the user's
    # cache folder: set before collection, for this process and every subprocess a test starts.
    global _index_cache_dir, _index_cache_env
    _index_cache_env = os.environ.get("TADQIQ_INDEX_CACHE")
    _index_cache_dir = tempfile.mkdtemp(prefix="tadqiq-index-cache-")
    os.environ["TADQIQ_INDEX_CACHE"] = _index_cache_dir


def pytest_unconfigure(config: pytest.Config) -> None:
    if _index_cache_dir is None:
        return
    if _index_cache_env is None:
        os.environ.pop("TADQIQ_INDEX_CACHE", None)
    else:
        os.environ["TADQIQ_INDEX_CACHE"] = _index_cache_env
    shutil.rmtree(_index_cache_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def tiny_marian(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Directory of a random-weight Marian model saved with save_pretrained."""
    return build_tiny_marian(tmp_path_factory.mktemp("tiny-marian"))


@pytest.fixture(scope="session")
def tiny_nllb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Directory of a random-weight NLLB-style (M2M100) model saved with save_pretrained."""
    return build_tiny_nllb(tmp_path_factory.mktemp("tiny-nllb"))


@pytest.fixture
def tiny_models_yaml(tmp_path: Path, tiny_marian: Path) -> Path:
    """A models.yaml whose default model 'tiny' is the tiny Marian model."""
    path = tmp_path / "models.yaml"
    path.write_text(
        "default: tiny\n"
        "models:\n"
        "  tiny:\n"
        "    backend: hf\n"
        f"    model: {tiny_marian}\n"
        "    description: tiny random-weight Marian model for tests\n"
        "    generation:\n"
        "      num_beams: 1\n"
        "      max_new_tokens: 16\n",
        encoding="utf-8",
    )
    return path
