"""Fixtures of the nightly-evaluation tests: corpus, two tiny Marian models, models.yaml."""

from __future__ import annotations

import importlib
import shutil
import sys
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from nightly_corpus import GOOD, FakeHistory, fake_compare_flags, write_corpus, write_hypotheses


def reseeded_marian(source: Path, target: Path, seed: int) -> Path:
    """A copy of a tiny Marian model with other random weights (same tokenizer and config)."""
    import torch
    from transformers import MarianConfig, MarianMTModel

    shutil.copytree(source, target)
    torch.manual_seed(seed)
    model = MarianMTModel(MarianConfig.from_pretrained(source))
    model.save_pretrained(target)
    shutil.copy(source / "generation_config.json", target / "generation_config.json")
    return target


@pytest.fixture(scope="session")
def nightly_env(tmp_path_factory: pytest.TempPathFactory, tiny_marian: Path) -> dict[str, Path]:
    """Corpus, models.yaml (tiny-a, tiny-b: Marian; vendor: precomputed) and a shared cache."""
    root = tmp_path_factory.mktemp("nightly")
    corpus = write_corpus(root / "corpus")
    tiny_b = reseeded_marian(tiny_marian, root / "tiny-b", seed=7)
    hyps = write_hypotheses(root / "hyps" / "vendor", GOOD)
    models = root / "models.yaml"
    generation = "    generation: {num_beams: 1, max_new_tokens: 12}\n"
    models.write_text(
        "default: tiny-a\n"
        "models:\n"
        f"  tiny-a:\n    backend: hf\n    model: {tiny_marian}\n{generation}"
        f"  tiny-b:\n    backend: hf\n    model: {tiny_b}\n{generation}"
        f"  vendor:\n    backend: precomputed\n    path: {hyps}\n",
        encoding="utf-8",
    )
    return {
        "root": root,
        "corpus": corpus,
        "models": models,
        "hyps": hyps,
        "cache": root / "cache" / "translations.sqlite3",
    }


def _history_module() -> types.ModuleType | None:
    try:
        return importlib.import_module("eval.nightly.store")
    except ModuleNotFoundError as exc:
        if exc.name != "eval.nightly.store":
            raise
        return None


@pytest.fixture(scope="session")
def open_test_history() -> Iterator[Callable[[Path], Any]]:
    """``open(path)`` → a History: eval.nightly.store's when it exists, else FakeHistory.

    With the fake, an ``eval.nightly.store`` module holding ``compare_flags`` is installed for
    the session, since the runner imports it from there.
    """
    module = _history_module()
    if module is not None:
        yield module.open_history
        return
    fake = types.ModuleType("eval.nightly.store")
    fake.compare_flags = fake_compare_flags  # type: ignore[attr-defined]
    histories: dict[Path, FakeHistory] = {}

    def open_fake(path: Path) -> FakeHistory:
        return histories.setdefault(path, FakeHistory())

    fake.open_history = open_fake  # type: ignore[attr-defined]
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(sys.modules, "eval.nightly.store", fake)
        yield open_fake
