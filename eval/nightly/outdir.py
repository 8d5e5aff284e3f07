"""The output folder of a nightly run, and the state that lets an interrupted run resume.

Files in ``out_dir`` (each written atomically)::

    MODEL.jsonl            one line per document: scores, flag counts, MQM, timings, flags
    MODEL.segments.json    per document: reference sentences and the model's beads
                           (reference indices, reference text, hypothesis): what later
                           runs pair with for significance tests (:func:`read_segments`)
    summary.json           the run's outcome (:class:`eval.nightly.summary.EvalOutcome`)
    .state/run.json        run id and start time (kept by ``resume``)
    .state/MODEL/NAME.json one finished document; ``resume=True`` skips documents whose
                           state matches the document's text and the model's settings

Every reader here is forgiving: an unreadable or foreign file reads as "nothing there".
"""

from __future__ import annotations

import json
import secrets
import shutil
import warnings
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from eval.nightly.documents import DocumentResult
from eval.scoring.significance import DocumentSegments
from eval.text.files import write_atomic
from tadqiq.errors import ConfigError

__all__ = ["OutDir", "new_run_id", "read_segments"]

_STATE_SCHEMA = "tadqiq.eval-state/1"
_SEGMENTS_SCHEMA = "tadqiq.eval-segments/1"


def new_run_id(now: datetime) -> str:
    """A run id: the UTC start time and a random suffix."""
    return f"{now.strftime('%Y%m%dT%H%M%SZ')}-{secrets.token_hex(3)}"


def _dump(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


class OutDir:
    """The run's output directory and its resume state."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.state = path / ".state"

    def start(self, resume: bool, now: datetime) -> tuple[str, datetime]:
        """Create the folders; returns (run id, start time), kept from the state on resume."""
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            if not resume and self.state.exists():
                shutil.rmtree(self.state)
            self.state.mkdir(exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"{self.path}: cannot use the output folder: {exc.strerror or exc}") from None
        run_file = self.state / "run.json"
        if resume and run_file.is_file():
            try:
                data = json.loads(run_file.read_text(encoding="utf-8"))
                return str(data["run_id"]), datetime.fromisoformat(data["started_at"])
            except (OSError, ValueError, KeyError, TypeError, RecursionError) as exc:
                # Finished documents are still reused; only the run id is new.
                warnings.warn(
                    f"{run_file}: unreadable ({exc}); resuming under a new run id", stacklevel=2
                )
        run_id = new_run_id(now)
        write_atomic(run_file, _dump({"run_id": run_id, "started_at": now.isoformat()}))
        return run_id, now

    def recorded(self, run_id: str) -> bool:
        """True once run ``run_id`` was recorded in the history (see :meth:`mark_recorded`)."""
        try:
            data = json.loads((self.state / "run.json").read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            return False
        return isinstance(data, dict) and data.get("run_id") == run_id and data.get("recorded") is True

    def mark_recorded(self, run_id: str) -> None:
        run_file = self.state / "run.json"
        data = json.loads(run_file.read_text(encoding="utf-8"))
        if data.get("run_id") == run_id:
            data["recorded"] = True
            write_atomic(run_file, _dump(data))

    def _doc_state(self, model: str, name: str) -> Path:
        return self.state / model / f"{name}.json"

    def load_done(self, model: str, name: str, digest: str, model_key: str) -> DocumentResult | None:
        """A finished document from the state, if it matches this document and model."""
        path = self._doc_state(model, name)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if (
                data.get("schema") != _STATE_SCHEMA
                or data.get("digest") != digest
                or data.get("model_key") != model_key
            ):
                return None
            return DocumentResult(
                name=name,
                line=data["line"],
                segments=DocumentSegments.from_json(data["segments"]),
                bead_references=[str(x) for x in data["bead_references"]],
                penalty=int(data["penalty"]),
                words=int(data["words"]),
                model_info=dict(data["model_info"]),
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
            return None

    def save_done(self, model: str, result: DocumentResult, digest: str, model_key: str) -> None:
        path = self._doc_state(model, result.name)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "schema": _STATE_SCHEMA,
            "digest": digest,
            "model_key": model_key,
            "line": result.line,
            "segments": result.segments.to_json(),
            "bead_references": result.bead_references,
            "penalty": result.penalty,
            "words": result.words,
            "model_info": result.model_info,
        }
        write_atomic(path, json.dumps(data, ensure_ascii=False) + "\n")

    def write_model(self, model: str, results: Sequence[DocumentResult]) -> None:
        """``MODEL.jsonl`` and ``MODEL.segments.json`` of one model's finished documents."""
        lines = "".join(json.dumps(r.line, ensure_ascii=False) + "\n" for r in results)
        write_atomic(self.path / f"{model}.jsonl", lines)
        segments = {
            "schema": _SEGMENTS_SCHEMA,
            "model": model,
            "documents": {r.name: _segments_json(r) for r in results},
        }
        write_atomic(self.path / f"{model}.segments.json", _dump(segments))

    def write_summary(self, data: dict) -> None:
        """``summary.json``: the run's outcome as JSON."""
        write_atomic(self.path / "summary.json", _dump(data))


def _segments_json(result: DocumentResult) -> dict:
    data = result.segments.to_json()
    for bead, ref_text in zip(data["beads"], result.bead_references, strict=True):
        bead["reference"] = ref_text
    return data


def read_segments(path: Path) -> dict[str, DocumentSegments] | None:
    """The documents of a ``MODEL.segments.json`` (None when it cannot be read as one)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("schema") != _SEGMENTS_SCHEMA:
            return None
        return {str(k): DocumentSegments.from_json(v) for k, v in data["documents"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None
