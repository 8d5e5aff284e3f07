"""Build tadqiq's compact WordNet resource from Debian's ``wordnet-base`` (WordNet 3.0).

    apt-get install wordnet-base
    python tools/build_wordnet.py [--source /usr/share/wordnet] [--out eval/lexicon/resources/wordnet.tsv.gz]

The output is one gzip'd, tab-separated text file, committed to the repository with
WordNet's licence (eval/lexicon/resources/WORDNET-LICENSE.txt), so that ``pip install``
alone gives a working checker. Rows (first field is the row kind):

* ``S id pos lemmas related gloss`` — a synset: its lemmas (comma-separated, spaces
  for underscores, lower case), the ids of its hypernyms, "similar to", "also see",
  verb-group and entailment neighbours (space-separated), and its definition
  (the gloss without its quoted examples).
* ``L pos lemma ids`` — a lemma's synsets of one part of speech (space-separated ids) in
  the order of WordNet's index files: most frequent sense first (sense 1, 2, ...). Only
  for lemmas with more than one synset of that part of speech (the others have one).
* ``A lemma lemma`` — a lexical antonym pair (both directions are implied).
* ``D lemma lemma id id`` — a derivational link between lemmas of different parts of
  speech, each in the synset given by the id in the same place (both directions implied).
* ``X pos form base`` — an irregular inflected form from WordNet's exception lists.

Synset ids are ``<offset><pos>`` as in WordNet's data files, so a row can be checked
against the source. The script is deterministic: the same source gives the same bytes.
"""

from __future__ import annotations

import argparse
import gzip
import io
import sys
from pathlib import Path

POS_FILES = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}
# Pointers kept as "related": hypernym (@, @i), similar to (&), also see (^),
# verb group ($), entailment (*). Antonyms (!) and derivations (+) are lexical rows.
RELATED = {"@", "@i", "&", "^", "$", "*"}


def _pos(ss_type: str) -> str:
    return "a" if ss_type == "s" else ss_type


def _lemma(word: str) -> str:
    # Adjective markers like "(a)" / "(p)" follow some adjective lemmas.
    if word.endswith(")") and "(" in word:
        word = word[: word.index("(")]
    return word.replace("_", " ").lower()


def parse_data(path: Path) -> tuple[list[tuple], list[tuple[str, str]], list[tuple[str, str]]]:
    """Synsets, antonym pairs and derivation pairs of one WordNet data file."""
    synsets: list[tuple] = []
    pending: list[tuple[str, int, str, int, str]] = []  # (src id, src word no, kind, tgt word no, tgt id)
    words_of: dict[str, list[str]] = {}
    for line in path.read_text(encoding="latin-1").splitlines():
        if line.startswith("  "):
            continue  # licence header
        data, _, gloss = line.partition(" | ")
        f = data.split()
        offset, ss_type = f[0], f[2]
        sid = offset + _pos(ss_type)
        n_words = int(f[3], 16)
        words = [_lemma(f[4 + 2 * k]) for k in range(n_words)]
        k = 4 + 2 * n_words
        n_ptrs = int(f[k])
        k += 1
        related: list[str] = []
        for _ in range(n_ptrs):
            symbol, target, tpos, srctgt = f[k: k + 4]
            k += 4
            tid = target + _pos(tpos)
            if symbol in RELATED:
                related.append(tid)
            elif symbol in ("!", "+"):
                src, tgt = int(srctgt[:2], 16), int(srctgt[2:], 16)
                if src and tgt:
                    pending.append((sid, src, symbol, tgt, tid))
        definition = gloss.split('; "')[0].split(' "')[0].strip().rstrip(";").strip()
        words_of[sid] = words
        synsets.append((sid, _pos(ss_type), words, related, definition))
    return synsets, pending, words_of  # type: ignore[return-value]


def parse_index(path: Path, pos: str) -> list[tuple[str, str, list[str]]]:
    """``(pos, lemma, synset ids)`` of one WordNet index file, the ids in sense order."""
    out: list[tuple[str, str, list[str]]] = []
    for line in path.read_text(encoding="latin-1").splitlines():
        if line.startswith("  "):
            continue  # licence header
        f = line.split()
        # lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt synset_offset...
        n_synsets, n_ptrs = int(f[2]), int(f[3])
        offsets = f[4 + n_ptrs + 2:]
        if len(offsets) != n_synsets:
            raise ValueError(f"{path}: bad line {line[:60]!r}")
        out.append((pos, _lemma(f[0]), [o + pos for o in offsets]))
    return out


def build(source: Path) -> bytes:
    synsets: list[tuple] = []
    pending: list[tuple[str, int, str, int, str]] = []
    words_of: dict[str, list[str]] = {}
    for name in POS_FILES.values():
        s, p, w = parse_data(source / f"data.{name}")
        synsets += s
        pending += p  # type: ignore[arg-type]
        words_of.update(w)  # type: ignore[arg-type]
    antonyms: set[tuple[str, str]] = set()
    derivations: set[tuple[tuple[str, str], tuple[str, str]]] = set()
    for sid, src, symbol, tgt, tid in pending:
        if tid not in words_of or src > len(words_of[sid]) or tgt > len(words_of[tid]):
            continue
        a, b = words_of[sid][src - 1], words_of[tid][tgt - 1]
        if symbol == "!":
            if a != b:
                antonyms.add((a, b) if a < b else (b, a))
        elif (a, sid) != (b, tid):
            derivations.add(((a, sid), (b, tid)) if (a, sid) < (b, tid) else ((b, tid), (a, sid)))
    senses: list[tuple[str, str, list[str]]] = []
    for pos, name in POS_FILES.items():
        senses += parse_index(source / f"index.{name}", pos)
    exceptions: set[tuple[str, str, str]] = set()
    for pos, name in POS_FILES.items():
        for line in (source / f"{name}.exc").read_text(encoding="latin-1").splitlines():
            parts = line.split()
            if len(parts) >= 2:
                exceptions.add((pos, _lemma(parts[0]), _lemma(parts[1])))

    out = io.StringIO()
    out.write("# WordNet 3.0 (Princeton University), compacted by tools/build_wordnet.py; "
              "licence: eval/lexicon/resources/WORDNET-LICENSE.txt\n")
    for sid, pos, words, related, definition in sorted(synsets):
        out.write(f"S\t{sid}\t{pos}\t{','.join(words)}\t{' '.join(related)}\t{definition}\n")
    for pos, lemma, ids in sorted(senses):
        if len(ids) > 1:
            out.write(f"L\t{pos}\t{lemma}\t{' '.join(ids)}\n")
    for a, b in sorted(antonyms):
        out.write(f"A\t{a}\t{b}\n")
    for (a, aid), (b, bid) in sorted(derivations):
        out.write(f"D\t{a}\t{b}\t{aid}\t{bid}\n")
    for pos, form, base in sorted(exceptions):
        out.write(f"X\t{pos}\t{form}\t{base}\n")
    raw = out.getvalue().encode("utf-8")
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=9, mtime=0) as gz:
        gz.write(raw)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=Path("/usr/share/wordnet"))
    parser.add_argument("--out", type=Path,
                        default=Path(__file__).resolve().parent.parent / "eval" / "lexicon" / "resources" / "wordnet.tsv.gz")
    args = parser.parse_args(argv)
    if not (args.source / "data.noun").is_file():
        print(f"{args.source}: no WordNet data files (apt-get install wordnet-base)", file=sys.stderr)
        return 2
    data = build(args.source)
    args.out.write_bytes(data)
    print(f"{args.out}: {len(data):,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
