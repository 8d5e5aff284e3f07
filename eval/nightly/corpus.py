"""Evaluation corpora: many Arabic articles, each with the English reference it translates.

:func:`load_corpus` accepts

a directory
    ``NAME.ar.txt`` + ``NAME.en.txt`` pairs; XLIFF/TMX files (``NAME.xlf``, ``NAME.tmx``
    …, read with :func:`eval.text.formats.read_paired`); and sub-directories ``NAME/`` holding
    ``article.ar.txt`` + ``reference.en.txt`` (the layout of ``bench/data``). Hidden
    files and anything else are ignored.
a JSONL file
    one object per line: ``{"name", "ar", "en"}`` with the texts inline, or
    ``{"name", "ar_path", "en_path"}`` with paths relative to the JSONL file, which must
    stay inside its directory.
a TSV file
    ``name<TAB>arabic text<TAB>english text`` per line (an optional ``name ar en`` header).

Documents are sorted by name. A document that cannot be used (an ``.ar.txt`` without
its ``.en.txt``, a bad line, a path leaving the corpus, an unreadable XLIFF…) is a
:class:`BadDocument`: recorded, never fatal. Only a corpus path that cannot be read at
all raises :class:`~tadqiq.errors.InputError`.

:func:`corpus_revision` gives the git commit of the corpus, if it lives in a work tree.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from eval.text.documents import MAX_CORPUS_BYTES, read_text
from eval.text.formats import PairedInput, is_paired_input, read_paired
from tadqiq.errors import InputError

__all__ = [
    "BadDocument",
    "Corpus",
    "CorpusDocument",
    "CorpusKind",
    "corpus_revision",
    "load_corpus",
    "valid_name",
]

CorpusKind = Literal["directory", "jsonl", "tsv"]

_AR, _EN = ".ar.txt", ".en.txt"
_LINE_END = re.compile(r"\r\n|\r|\n")
_SUBDIR_FILES = ("article.ar.txt", "reference.en.txt")


@dataclass(frozen=True)
class CorpusDocument:
    """One article and its reference.

    Plain-text pairs have ``article_path`` and ``reference_path``; XLIFF/TMX files have
    ``paired`` (read already; ``article_path`` is the file); JSONL/TSV lines with inline
    texts have ``article_text`` and ``reference_text`` (``article_path`` is the corpus
    file, ``origin`` says which line).
    """

    name: str
    article_path: Path
    reference_path: Path | None = None
    paired: PairedInput | None = field(default=None, repr=False)
    article_text: str | None = field(default=None, repr=False)
    reference_text: str | None = field(default=None, repr=False)
    origin: str = ""  # where the document was declared, for messages ("corpus.jsonl:3")

    @property
    def where(self) -> str:
        return self.origin or str(self.article_path)


@dataclass(frozen=True)
class BadDocument:
    """A corpus entry that could not become a document, and why (one line)."""

    name: str
    message: str


@dataclass(frozen=True)
class Corpus:
    path: Path
    kind: CorpusKind
    documents: tuple[CorpusDocument, ...]
    bad: tuple[BadDocument, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(d.name for d in self.documents)

    def __len__(self) -> int:
        return len(self.documents)


def valid_name(name: str) -> bool:
    """A document name usable as a file name: no separators, not hidden, not empty."""
    return (
        bool(name)
        and len(name) <= 200
        and not name.startswith(".")
        and not any(ch in name for ch in "/\\\x00\n\r\t")
    )


def load_corpus(path: str | os.PathLike[str]) -> Corpus:
    """Read a corpus directory, JSONL or TSV file (see the module docstring)."""
    root = Path(path)
    if root.is_dir():
        return _load_directory(root)
    if not root.exists():
        raise InputError(f"{root}: no such corpus file or directory")
    suffix = root.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return _load_lines(root, "jsonl")
    if suffix in (".tsv", ".tab"):
        return _load_lines(root, "tsv")
    raise InputError(
        f"{root}: not a corpus; expected a directory of NAME.ar.txt + NAME.en.txt pairs or"
        " XLIFF/TMX files, a .jsonl file or a .tsv file"
    )


def corpus_revision(path: str | os.PathLike[str]) -> str | None:
    """``git rev-parse HEAD`` of the work tree holding ``path``; None outside git or without git."""
    where = Path(path)
    directory = where if where.is_dir() else where.parent
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0", GIT_OPTIONAL_LOCKS="0")
    try:
        result = subprocess.run(
            ["git", "-C", str(directory), "rev-parse", "--verify", "--quiet", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            env=env,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    revision = result.stdout.strip()
    return revision if result.returncode == 0 and revision else None


# --- a directory ----------------------------------------------------------------------


def _load_directory(root: Path) -> Corpus:
    try:
        entries = sorted(p for p in root.iterdir() if not p.name.startswith("."))
    except OSError as exc:
        raise InputError(f"{root}: cannot list the corpus directory: {exc.strerror or exc}") from None
    documents: dict[str, CorpusDocument] = {}
    bad: list[BadDocument] = []

    def add(doc: CorpusDocument) -> None:
        if doc.name in documents:
            other = documents[doc.name].where
            bad.append(BadDocument(doc.name, f"{doc.where}: same document name as {other}"))
        else:
            documents[doc.name] = doc

    names = {p.name for p in entries}
    for entry in entries:
        file = entry.name
        if entry.is_dir():
            if (entry / _SUBDIR_FILES[0]).is_file():
                ref = entry / _SUBDIR_FILES[1]
                if ref.is_file():
                    add(CorpusDocument(file, entry / _SUBDIR_FILES[0], ref))
                else:
                    bad.append(BadDocument(file, f"{ref}: missing (the reference of {entry / _SUBDIR_FILES[0]})"))
        elif file.endswith(_AR):
            name = file[: -len(_AR)]
            ref_name = name + _EN
            if ref_name in names:
                add(CorpusDocument(name, entry, root / ref_name))
            else:
                bad.append(BadDocument(name, f"{root / ref_name}: missing (the reference of {entry})"))
        elif file.endswith(_EN):
            name = file[: -len(_EN)]
            if name + _AR not in names:
                bad.append(BadDocument(name, f"{entry}: a reference without its article {name}{_AR}"))
        elif is_paired_input(entry):
            name = entry.stem
            try:
                paired = read_paired(entry)
            except InputError as exc:
                bad.append(BadDocument(name, str(exc)))
                continue
            add(CorpusDocument(name, entry, None, paired=paired))
    if not documents and not bad:
        raise InputError(
            f"{root}: no documents; expected NAME.ar.txt + NAME.en.txt pairs or XLIFF/TMX files"
        )
    ordered = tuple(documents[n] for n in sorted(documents))
    return Corpus(root, "directory", ordered, tuple(sorted(bad, key=lambda b: b.name)))


# --- JSONL and TSV --------------------------------------------------------------------


class _Bad(Exception):
    """A corpus line that cannot be used (internal; becomes a BadDocument)."""


def _load_lines(file: Path, kind: CorpusKind) -> Corpus:
    text = read_text(file, "corpus", MAX_CORPUS_BYTES)[0]  # a file of many documents
    base = file.parent.resolve()
    documents: dict[str, CorpusDocument] = {}
    bad: list[BadDocument] = []
    # Records end at line ends only: str.splitlines() would also split inside a JSON string
    # or a TSV field at U+2028, U+0085, form feeds and the like.
    for lineno, line in enumerate(_LINE_END.split(text), start=1):
        if not line.strip():
            continue
        where = f"{file}:{lineno}"
        fallback = f"{file.name}:{lineno}"
        try:
            if kind == "jsonl":
                doc = _jsonl_document(line, file, base, where)
            else:
                doc = _tsv_document(line, file, where, header=lineno == 1)
        except _Bad as exc:
            name, message = exc.args
            bad.append(BadDocument(name or fallback, f"{where}: {message}"))
            continue
        if doc is None:
            continue
        if doc.name in documents:
            bad.append(
                BadDocument(doc.name, f"{where}: same document name as {documents[doc.name].where}")
            )
            continue
        documents[doc.name] = doc
    if not documents and not bad:
        raise InputError(f"{file}: no documents in the corpus file")
    ordered = tuple(documents[n] for n in sorted(documents))
    return Corpus(file, kind, ordered, tuple(bad))


def _checked_name(value: object) -> str:
    if not isinstance(value, str):
        raise _Bad(None, f"'name' must be a string, got {type(value).__name__}")
    if not valid_name(value):
        raise _Bad(None, f"{value!r} is not a usable document name (no '/', '\\' or leading '.')")
    return value


def _inside(base: Path, file: Path, value: object, key: str, name: str) -> Path:
    """A path from the corpus file, resolved against its folder; refused if it leaves it."""
    if not isinstance(value, str) or not value.strip():
        raise _Bad(name, f"{key!r} must be a non-empty string")
    target = (file.parent / value).resolve()
    if target != base and base not in target.parents:
        raise _Bad(name, f"{key} {value!r} points outside the corpus folder {base}")
    return target


def _jsonl_document(line: str, file: Path, base: Path, where: str) -> CorpusDocument:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise _Bad(None, f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    except (ValueError, RecursionError):  # a number of thousands of digits, or deep nesting
        raise _Bad(None, "not usable JSON (a number too long or nesting too deep)") from None
    if not isinstance(data, dict):
        raise _Bad(None, "expected a JSON object with 'name', 'ar' and 'en'")
    if "name" not in data:
        raise _Bad(None, "missing 'name'")
    name = _checked_name(data["name"])
    if "ar" in data and "en" in data:
        ar, en = data["ar"], data["en"]
        if not isinstance(ar, str) or not isinstance(en, str):
            raise _Bad(name, "'ar' and 'en' must be strings")
        return CorpusDocument(name, file, None, article_text=ar, reference_text=en, origin=where)
    if "ar_path" in data and "en_path" in data:
        article = _inside(base, file, data["ar_path"], "ar_path", name)
        reference = _inside(base, file, data["en_path"], "en_path", name)
        return CorpusDocument(name, article, reference, origin=where)
    raise _Bad(name, "expected either 'ar' and 'en' (texts) or 'ar_path' and 'en_path' (files)")


def _tsv_document(line: str, file: Path, where: str, *, header: bool) -> CorpusDocument | None:
    fields = line.rstrip("\r").split("\t")
    if header and [f.strip().lower() for f in fields] == ["name", "ar", "en"]:
        return None
    if len(fields) != 3:
        raise _Bad(None, f"expected 3 tab-separated fields (name, ar, en), got {len(fields)}")
    name = _checked_name(fields[0].strip())
    return CorpusDocument(name, file, None, article_text=fields[1], reference_text=fields[2], origin=where)
