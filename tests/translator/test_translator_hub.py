"""Finding model weights (translator.hub): the Hugging Face cache, downloads, offline mode.

No test touches the network: ``no_network`` makes every hub call fail loudly, and the
download tests replace the hub client's calls.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

import translator
import translator.hub as hub
from tadqiq.errors import ModelError
from translator import ModelSpec, load_registry, load_translator, parse_registry
from translator.hf import HFTranslator

COMMIT = "0123456789abcdef0123456789abcdef01234567"


def spec_for(model: Path | str, tmp_path: Path, extra: str = "") -> ModelSpec:
    text = f"default: m\nmodels:\n  m:\n    backend: hf\n    model: {model}\n{extra}"
    return parse_registry(text, tmp_path / "models.yaml").default


# --- finding the model -------------------------------------------------------------------------


@pytest.fixture
def empty_hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "hf-cache"
    cache.mkdir()
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    return cache


@pytest.fixture
def hub_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reachability check passes without a request (the tests fake the hub's answers)."""
    monkeypatch.setattr(hub, "hub_unreachable", lambda timeout=None: None)


def hub_spec() -> ModelSpec:
    return load_registry(Path(__file__).resolve().parents[2] / "models.yaml").get("opus-mt-ar-en")


def expected_not_cached(cache: Path) -> str:
    return (
        f"model 'opus-mt-ar-en' (Helsinki-NLP/opus-mt-ar-en) is not in the Hugging Face cache"
        f" ({cache}) and cannot be downloaded here; run 'tadqiq models pull opus-mt-ar-en' where"
        " a network is available, or point 'model:' at a local directory"
    )


@pytest.mark.parametrize("variable", ["HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"])
def test_offline_hub_model_not_cached(
    empty_hub: Path, monkeypatch: pytest.MonkeyPatch, no_network: list[str], variable: str
) -> None:
    """Either offline variable gives the same refusals, without touching the network."""
    monkeypatch.setenv(variable, "1")
    with pytest.raises(ModelError) as info:
        load_translator(hub_spec(), allow_download=True)
    assert str(info.value) == expected_not_cached(empty_hub)
    assert not hub.is_available_locally(hub_spec())
    with pytest.raises(ModelError, match=f"cannot download while {variable} is set"):
        hub.pull(hub_spec())
    with pytest.raises(ModelError, match="cannot be downloaded here"):
        hub.resolve_model_dir(hub_spec(), allow_download=True)
    assert no_network == []


def test_download_not_allowed(empty_hub: Path, no_network: list[str]) -> None:
    with pytest.raises(ModelError) as info:
        load_translator(hub_spec(), allow_download=False)
    assert str(info.value) == expected_not_cached(empty_hub)
    assert no_network == []


def test_network_failure_is_one_line(
    empty_hub: Path, monkeypatch: pytest.MonkeyPatch, hub_answers: None
) -> None:
    """The hub answered the reachability check, then the download itself failed."""
    import httpx2
    import huggingface_hub

    def unreachable(self: Any, repo_id: str, **kwargs: Any) -> list[str]:
        raise httpx2.ConnectError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(huggingface_hub.HfApi, "list_repo_files", unreachable)
    with pytest.raises(ModelError) as info:
        load_translator(hub_spec(), allow_download=True)
    message = str(info.value)
    assert message.startswith(expected_not_cached(empty_hub).split("; run")[0])
    assert "(ConnectError: [Errno -3] Temporary failure in name resolution)" in message
    assert "\n" not in message
    with pytest.raises(
        ModelError,
        match=r"^model 'opus-mt-ar-en' \(Helsinki-NLP/opus-mt-ar-en\): download failed: ConnectError",
    ):
        hub.pull(hub_spec())


def test_unknown_repository(
    empty_hub: Path, monkeypatch: pytest.MonkeyPatch, hub_answers: None
) -> None:
    import httpx2
    import huggingface_hub
    from huggingface_hub.errors import RepositoryNotFoundError

    def missing(self: Any, repo_id: str, **kwargs: Any) -> list[str]:
        request = httpx2.Request("GET", f"https://hub.invalid/api/models/{repo_id}")
        raise RepositoryNotFoundError(
            "404 Client Error", response=httpx2.Response(404, request=request)
        )

    monkeypatch.setattr(huggingface_hub.HfApi, "list_repo_files", missing)
    with pytest.raises(ModelError, match="no such repository on the Hugging Face hub"):
        hub.pull(hub_spec())


def test_hub_model_found_in_the_cache(
    empty_hub: Path, tiny_marian: Path, monkeypatch: pytest.MonkeyPatch, no_network: list[str]
) -> None:
    repo = empty_hub / "models--Helsinki-NLP--opus-mt-ar-en"
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text(COMMIT, encoding="utf-8")
    shutil.copytree(tiny_marian, repo / "snapshots" / COMMIT)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    spec = hub_spec()
    assert hub.is_available_locally(spec)
    model = load_translator(spec, allow_download=False)
    assert isinstance(model, HFTranslator)
    assert model.directory == repo / "snapshots" / COMMIT
    assert model.info.revision == COMMIT and model.info.cache_key.endswith("@" + COMMIT)
    assert model.translate(["قال الرئيس"])[0].text
    assert no_network == []


def test_incomplete_snapshot_is_not_available(empty_hub: Path, tiny_marian: Path) -> None:
    snapshot = empty_hub / "models--Helsinki-NLP--opus-mt-ar-en" / "snapshots" / COMMIT
    snapshot.mkdir(parents=True)
    (snapshot.parents[1] / "refs").mkdir()
    (snapshot.parents[1] / "refs" / "main").write_text(COMMIT, encoding="utf-8")
    shutil.copy(tiny_marian / "config.json", snapshot)  # no weights: an interrupted download
    assert not hub.is_available_locally(hub_spec())


def test_local_directory_is_available(tiny_marian: Path, tmp_path: Path) -> None:
    assert hub.is_available_locally(spec_for(tiny_marian, tmp_path))
    assert hub.pull(spec_for(tiny_marian, tmp_path)) == tiny_marian


def test_missing_local_directory(tmp_path: Path) -> None:
    spec = spec_for("./no/such/model", tmp_path)
    with pytest.raises(ModelError) as info:
        load_translator(spec)
    assert (
        str(info.value)
        == f"model 'm': local model directory {tmp_path / 'no/such/model'} does not exist"
    )
    assert not hub.is_available_locally(spec)



# --- the one offline check -----------------------------------------------------------------------


@pytest.fixture
def online(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in hub.OFFLINE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def offline_with(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> bool:
    with monkeypatch.context() as m:
        m.setenv(name, value)
        return hub.hub_offline()


def hub_true_values() -> list[str]:
    from huggingface_hub.constants import ENV_VARS_TRUE_VALUES

    return sorted(ENV_VARS_TRUE_VALUES)


def test_offline_variables_are_the_two_huggingface_reads() -> None:
    assert hub.OFFLINE_VARIABLES == ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
    assert translator.hub_offline is hub.hub_offline


def test_not_offline_when_neither_variable_is_set(online: pytest.MonkeyPatch) -> None:
    assert hub.hub_offline() is False


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        *((value, True) for value in hub_true_values()),  # huggingface_hub's truthy values
        ("true", True),
        ("Yes", True),
        ("on", True),
        (" 1 ", True),
        ("0", False),
        ("false", False),
        ("no", False),
        ("off", False),
        ("", False),
        ("2", False),
    ],
)
def test_both_offline_variables_agree(
    online: pytest.MonkeyPatch, value: str, expected: bool
) -> None:
    """HF_HUB_OFFLINE and TRANSFORMERS_OFFLINE mean the same, with the same values."""
    assert offline_with(online, "HF_HUB_OFFLINE", value) is expected
    assert offline_with(online, "TRANSFORMERS_OFFLINE", value) is expected


@pytest.mark.parametrize("other", ["0", "false", ""])
def test_either_variable_alone_forbids_the_hub(online: pytest.MonkeyPatch, other: str) -> None:
    online.setenv("HF_HUB_OFFLINE", other)
    online.setenv("TRANSFORMERS_OFFLINE", "1")
    assert hub.hub_offline() is True
    online.setenv("HF_HUB_OFFLINE", "1")
    online.setenv("TRANSFORMERS_OFFLINE", other)
    assert hub.hub_offline() is True



def test_no_other_module_decides_offline_on_its_own() -> None:
    """hub_offline is the only reader of the offline variables in translator/, tadqiq/ and eval/."""
    root = Path(__file__).resolve().parents[2]
    readers = sorted(
        str(path.relative_to(root))
        for package in ("translator", "tadqiq", "eval")
        for path in (root / package).rglob("*.py")
        if path.name != "hub.py" or path.parent.name != "translator"
        if any(
            needle in path.read_text(encoding="utf-8")
            for needle in ('"HF_HUB_OFFLINE"', '"TRANSFORMERS_OFFLINE"', "constants.HF_HUB_OFFLINE", "is_offline_mode")
        )
    )
    assert readers == []
