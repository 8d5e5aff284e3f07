"""Generic linguistic resources shipped with tadqiq, and their typed loaders.

The data files sit next to this module and ship as package data; each file documents
its own format in its header comment:

==================  ===========================================================
``gazetteer.tsv``   countries, cities, organisations and regions: English name,
                    aliases and demonyms, Arabic forms, kind
``numbers_ar.tsv``  Arabic number words: cardinals, ordinals, fractions, scales,
                    percent words
``numbers_en.tsv``  the same for English
``units.tsv``       units of measurement and currencies after a number, with their
                    dimension and conversion factor, and Arabic duals (يومين)
``calendar.tsv``    weekdays, months (Egyptian/Gulf, Levantine, Maghreb names) and
                    yesterday/today/tomorrow
``negation.tsv``    negators of both languages, ambiguous negators, Arabic fixed
                    phrases that contain a negator without negating, and English
                    words negated by a prefix (unclear ↔ غير واضح)
``idioms_en.tsv``   English idioms whose word-for-word Arabic rendering misleads
``stopwords_*.txt`` function words, one per line
==================  ===========================================================

Every loader is cached and returns immutable values (tuples, frozensets, read-only
mappings), so callers may share them freely. TSV files have a header line; blank lines
and lines starting with ``#`` are skipped. A line with the wrong number of columns, an
unknown kind or a value that does not parse raises :class:`~tadqiq.errors.ConfigError`
naming the file and the line.

Arabic keys are folded with :func:`fold_ar` (:func:`eval.text.arabic.fold`: diacritics,
tatweel and bidi marks removed; alef variants → ا; Persian yeh and keheh folded; ى → ي;
ة kept; white space collapsed). In the data files a form preceded by ``~`` is also an
ordinary word (مصر "insistent", مالي "financial"); the loaders strip the ``~`` and record
the form as ambiguous.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources as _resources
from types import MappingProxyType
from typing import Literal

from eval.text.arabic import CLITIC_PREFIXES, clitic_splits, fold
from eval.values import counted
from tadqiq.errors import ConfigError

__all__ = [
    "AR_CLITIC_PREFIXES",
    "CalendarEntry",
    "Calendar",
    "Entity",
    "Idiom",
    "NegationEntry",
    "NumberWord",
    "QuantityUnit",
    "Units",
    "ambiguous_negators_ar",
    "ambiguous_negators_en",
    "calendar",
    "entity_index_ar",
    "entity_index_en",
    "fold_ar",
    "gazetteer",
    "idioms",
    "is_acronym",
    "lookup_ar",
    "lookup_en",
    "negation",
    "negation_fixed_ar",
    "negative_prefixed_en",
    "negators_ar",
    "negators_en",
    "numbers_ar",
    "numbers_en",
    "parse_calendar",
    "parse_gazetteer",
    "parse_idioms",
    "parse_negation",
    "parse_numbers",
    "parse_units",
    "parse_wordlist",
    "read_text",
    "stopwords_ar",
    "stopwords_en",
    "units",
]

EntityKind = Literal["country", "city", "organisation", "region"]
NumberKind = Literal[
    "cardinal", "ordinal", "fraction", "fraction-plural", "multiple", "times", "scale",
    "scale-plural", "approximate", "percent", "sign", "sign-after",
]
CalendarKind = Literal["weekday", "month", "relative"]
NegationKind = Literal["negator", "ambiguous", "fixed", "prefixed"]

ENTITY_KINDS: frozenset[str] = frozenset({"country", "city", "organisation", "region"})
NUMBER_KINDS: frozenset[str] = frozenset(
    {"cardinal", "ordinal", "fraction", "fraction-plural", "multiple", "times", "scale",
     "scale-plural", "approximate", "percent", "sign", "sign-after"}
)
CALENDAR_KINDS: frozenset[str] = frozenset({"weekday", "month", "relative"})
NEGATION_KINDS: frozenset[str] = frozenset({"negator", "ambiguous", "fixed", "prefixed"})

#: Arabic clitic prefixes a matcher may strip from the first word of a form, longest first
#: (:data:`eval.text.arabic.CLITIC_PREFIXES`).
AR_CLITIC_PREFIXES: tuple[str, ...] = CLITIC_PREFIXES

_AMBIGUOUS_MARK = "~"

# --- Arabic folding ------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")


def fold_ar(text: str) -> str:
    """Fold Arabic text for matching (:func:`eval.text.arabic.fold`: no diacritics, tatweel
    or bidi marks; alef, yeh and kaf variants unified; ة kept). Runs of white space become
    one space; the ends are stripped.
    """
    return _SPACES.sub(" ", fold(text)).strip()


def _fold_en(text: str) -> str:
    return _SPACES.sub(" ", text.replace("’", "'")).strip().lower()


def is_acronym(alias: str) -> bool:
    """True for aliases matched case-sensitively: two or more capitals, no lower case (US, U.S.)."""
    letters = [c for c in alias if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


# --- TSV reading ---------------------------------------------------------------------------


def read_text(name: str) -> str:
    """The text of one bundled resource file (``synonyms_en.tsv`` …); ConfigError if unreadable."""
    try:
        return _resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{name}: cannot read the bundled resource ({exc})") from None


def _rows(text: str, source: str, columns: tuple[str, ...]) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(line number, fields)`` of a TSV text after checking its header."""
    header_seen = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = [f.strip() for f in line.split("\t")]
        if not header_seen:
            if tuple(fields) != columns:
                raise ConfigError(
                    f"{source}: line {number}: expected the header "
                    f"{'<TAB>'.join(columns)!r}, found {line!r}"
                )
            header_seen = True
            continue
        if len(fields) != len(columns):
            raise ConfigError(
                f"{source}: line {number}: expected {len(columns)} tab-separated columns "
                f"({', '.join(columns)}), found {len(fields)}"
            )
        yield number, fields
    if not header_seen:
        raise ConfigError(f"{source}: no header line {'<TAB>'.join(columns)!r}")


def _kind(value: str, allowed: frozenset[str], source: str, number: int, column: str = "kind") -> str:
    if value not in allowed:
        raise ConfigError(
            f"{source}: line {number}: {column} {value!r} is not one of {', '.join(sorted(allowed))}"
        )
    return value


def _required(value: str, source: str, number: int, column: str) -> str:
    if not value:
        raise ConfigError(f"{source}: line {number}: the column {column!r} is empty")
    return value


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split("|") if v.strip()]


def _unmark(forms: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Strip the ``~`` ambiguity marks: ``(all forms, ambiguous forms)``, order kept."""
    plain: list[str] = []
    ambiguous: list[str] = []
    for form in forms:
        if form.startswith(_AMBIGUOUS_MARK):
            form = form[len(_AMBIGUOUS_MARK):].strip()
            ambiguous.append(form)
        if form and form not in plain:
            plain.append(form)
    return tuple(plain), tuple(ambiguous)


# --- gazetteer -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Entity:
    """A named place, organisation or region.

    ``aliases`` and ``arabic`` keep the forms as written in the data file; ``ambiguous``
    holds the forms (of either language) that are also ordinary words.
    """

    english: str
    aliases: tuple[str, ...]
    arabic: tuple[str, ...]
    kind: EntityKind
    ambiguous: frozenset[str] = frozenset()

    @property
    def names_en(self) -> tuple[str, ...]:
        """The canonical name followed by the aliases."""
        return (self.english, *self.aliases)


def parse_gazetteer(text: str, source: str = "gazetteer.tsv") -> tuple[Entity, ...]:
    """Parse gazetteer TSV text (see the header of ``gazetteer.tsv``)."""
    entities: list[Entity] = []
    seen: dict[str, int] = {}
    for number, (english, aliases, arabic, kind) in _rows(
        text, source, ("english", "aliases", "arabic", "kind")
    ):
        english = _required(english, source, number, "english")
        if english in seen:
            raise ConfigError(
                f"{source}: line {number}: {english!r} is already defined on line {seen[english]}"
            )
        seen[english] = number
        en_forms, en_ambiguous = _unmark(_split(aliases))
        ar_forms, ar_ambiguous = _unmark(_split(_required(arabic, source, number, "arabic")))
        for form in ar_forms:
            if not fold_ar(form):
                raise ConfigError(f"{source}: line {number}: the Arabic form {form!r} is empty once folded")
        entities.append(Entity(
            english=english,
            aliases=tuple(a for a in en_forms if a != english),
            arabic=ar_forms,
            kind=_kind(kind, ENTITY_KINDS, source, number),  # type: ignore[arg-type]
            ambiguous=frozenset(en_ambiguous + ar_ambiguous),
        ))
    return tuple(entities)


@functools.lru_cache(maxsize=1)
def gazetteer() -> tuple[Entity, ...]:
    """All gazetteer entries, in file order (countries, cities, organisations, regions)."""
    return parse_gazetteer(read_text("gazetteer.tsv"))


def _add(index: dict[str, list[Entity]], key: str, entity: Entity) -> None:
    bucket = index.setdefault(key, [])
    if entity not in bucket:
        bucket.append(entity)


def _freeze(index: dict[str, list[Entity]]) -> Mapping[str, tuple[Entity, ...]]:
    return MappingProxyType({k: tuple(v) for k, v in index.items()})


@functools.lru_cache(maxsize=1)
def entity_index_en() -> Mapping[str, tuple[Entity, ...]]:
    """Lower-cased English name or alias → the entities it names (usually one).

    Aliases with dots are indexed with and without them ("u.s." and "us"). The index
    ignores case; :func:`lookup_en` applies the case rule for acronyms.
    """
    index: dict[str, list[Entity]] = {}
    for entity in gazetteer():
        for name in entity.names_en:
            key = _fold_en(name)
            _add(index, key, entity)
            if "." in key:
                _add(index, key.replace(".", ""), entity)
    return _freeze(index)


@functools.lru_cache(maxsize=1)
def entity_index_ar() -> Mapping[str, tuple[Entity, ...]]:
    """Folded Arabic form (see :func:`fold_ar`) → the entities it names, in file order.

    A few forms name two entities (عمان: Oman and Amman).
    """
    index: dict[str, list[Entity]] = {}
    for entity in gazetteer():
        for form in entity.arabic:
            _add(index, fold_ar(form), entity)
    return _freeze(index)


_POSSESSIVE = re.compile(r"(?:'s|')$")


@functools.lru_cache(maxsize=65536)
def lookup_en(name: str) -> tuple[Entity, ...]:
    """The entities an English name names, with the acronym case rule applied.

    A trailing possessive ('s) is ignored. An acronym alias (US, WHO) matches only when
    written with the same capitals ("us" and "who" match nothing); other aliases match
    case-insensitively.
    """
    text = _POSSESSIVE.sub("", _SPACES.sub(" ", name.replace("’", "'")).strip())
    key = text.lower()
    candidates = entity_index_en().get(key) or entity_index_en().get(key.replace(".", ""), ())
    bare = text.replace(".", "")
    out = []
    for entity in candidates:
        for alias in entity.names_en:
            if _fold_en(alias).replace(".", "") != key.replace(".", ""):
                continue
            if not is_acronym(alias) or alias.replace(".", "") == bare:
                out.append(entity)
                break
    return tuple(out)


@functools.lru_cache(maxsize=65536)
def lookup_ar(phrase: str) -> tuple[Entity, ...]:
    """The entities an Arabic word or phrase names, trying clitic-stripped forms.

    The phrase is folded; if it is not a known form, one clitic prefix (و ف ب ل ك, وال,
    بال, لل …) is stripped from its first word and the lookup retried.
    """
    key = fold_ar(phrase)
    index = entity_index_ar()
    if key in index:
        return index[key]
    for prefix, rest in clitic_splits(key, AR_CLITIC_PREFIXES):
        if len(rest.split(" ")[0]) >= 2:
            for candidate in (rest, "ال" + rest) if prefix in ("لل",) else (rest,):
                if candidate in index:
                    return index[candidate]
    return ()


# --- numbers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class NumberWord:
    """One number word: its form as written, its value and its kind.

    ``value`` is the number for cardinals, ordinals, fractions, multiples and approximate
    words, the multiplier for scale words, the denominator's reciprocal for plural
    fractions (thirds = 1/3), -1 for sign words and 1 for percent and "times" words.
    ``readings`` are the word's other readings as (value, kind) — خمس is five or a fifth.
    ``ambiguous``: the form is also an ordinary word (ضعف "double" and "weakness"), so it
    counts as a number only where the other side has one to match or contradict.
    """

    form: str
    value: float
    kind: NumberKind
    readings: tuple[tuple[float, NumberKind], ...] = ()
    ambiguous: bool = False


def _number(value: str, source: str, number: int) -> float:
    try:
        if "/" in value:
            num, den = value.split("/")
            return float(num) / float(den)
        return float(value)
    except (ValueError, ZeroDivisionError):
        raise ConfigError(f"{source}: line {number}: value {value!r} is not a number") from None


def parse_numbers(text: str, language: Literal["ar", "en"], source: str) -> Mapping[str, NumberWord]:
    """Parse a number-word TSV; keys are folded (Arabic) or lower-cased with hyphens as spaces.

    A word with several readings lists them '|'-separated in both the value and the kind
    column (خمس ``5|1/5`` ``cardinal|fraction``), the first being its usual one; a form
    preceded by ``~`` is also an ordinary word (:attr:`NumberWord.ambiguous`).
    """
    first = "arabic" if language == "ar" else "english"
    out: dict[str, NumberWord] = {}
    lines: dict[str, int] = {}
    for number, (form, value, kind) in _rows(text, source, (first, "value", "kind")):
        form = _required(form, source, number, first)
        ambiguous = form.startswith(_AMBIGUOUS_MARK)
        form = form.lstrip(_AMBIGUOUS_MARK).strip()
        values, kinds = value.split("|"), kind.split("|")
        if len(values) != len(kinds):
            raise ConfigError(
                f"{source}: line {number}: {counted(len(values), 'value')} but {counted(len(kinds), 'kind')}"
            )
        readings = tuple(
            (_number(v.strip(), source, number),
             _kind(k.strip(), NUMBER_KINDS, source, number))  # type: ignore[misc]
            for v, k in zip(values, kinds, strict=True)
        )
        word = NumberWord(form, readings[0][0], readings[0][1], readings[1:], ambiguous)  # type: ignore[arg-type]
        key = fold_ar(form) if language == "ar" else _fold_en(form.replace("-", " "))
        if not key:
            raise ConfigError(f"{source}: line {number}: the form {form!r} is empty once folded")
        old = out.get(key)
        if old is not None and (old.value, old.kind) != (word.value, word.kind):
            raise ConfigError(
                f"{source}: line {number}: {form!r} is already defined on line {lines[key]} "
                f"as {old.kind} {old.value:g}"
            )
        out.setdefault(key, word)
        lines.setdefault(key, number)
    return MappingProxyType(out)


@functools.lru_cache(maxsize=1)
def numbers_ar() -> Mapping[str, NumberWord]:
    """Folded Arabic number word or phrase (ثلاثة عشر, في المئة) → :class:`NumberWord`."""
    return parse_numbers(read_text("numbers_ar.tsv"), "ar", "numbers_ar.tsv")


@functools.lru_cache(maxsize=1)
def numbers_en() -> Mapping[str, NumberWord]:
    """Lower-case English number word or phrase ("two thirds", "per cent") → :class:`NumberWord`."""
    return parse_numbers(read_text("numbers_en.tsv"), "en", "numbers_en.tsv")


# --- units ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuantityUnit:
    """A unit of measurement or a currency: a number's value in it is ``value × factor +
    offset`` of its dimension's base unit. ``convertible`` is false for currencies: two
    different units of such a dimension never denote one quantity."""

    name: str
    dimension: str
    factor: float
    offset: float = 0.0
    convertible: bool = True

    def base(self, value: float) -> float:
        """``value`` of this unit in the dimension's base unit."""
        return value * self.factor + self.offset


@dataclass(frozen=True)
class Units:
    """Unit forms: ``english`` (lower case, hyphens as spaces) and ``arabic`` (folded) →
    unit, and ``arabic_dual`` (folded) → unit, for the dual forms that alone mean two of it.
    ``longest`` is the largest number of words in a form."""

    english: Mapping[str, QuantityUnit]
    arabic: Mapping[str, QuantityUnit]
    arabic_dual: Mapping[str, QuantityUnit]
    longest: int


_UNIT_COLUMNS = ("unit", "dimension", "factor", "offset", "english", "arabic", "dual")


def parse_units(text: str, source: str = "units.tsv") -> Units:
    """Parse units TSV text (see the header of ``units.tsv``)."""
    english: dict[str, QuantityUnit] = {}
    arabic: dict[str, QuantityUnit] = {}
    dual: dict[str, QuantityUnit] = {}
    names: set[str] = set()
    longest = 1
    for number, (name, dimension, factor, offset, en, ar, du) in _rows(text, source, _UNIT_COLUMNS):
        name = _required(name, source, number, "unit")
        dimension = _required(dimension, source, number, "dimension")
        if name in names:
            raise ConfigError(f"{source}: line {number}: the unit {name!r} is defined twice")
        names.add(name)
        unit = QuantityUnit(name, dimension.lstrip("*"), _number(factor, source, number),
                            _number(offset, source, number), not dimension.startswith("*"))
        for table, forms, fold_form in ((english, en, lambda f: _fold_en(f.replace("-", " "))),
                                        (arabic, ar, fold_ar), (dual, du, fold_ar)):
            for form in _split(forms):
                if form == "-":
                    continue
                key = fold_form(form)
                other = table.get(key)
                if other is not None and other != unit:
                    raise ConfigError(
                        f"{source}: line {number}: {form!r} is already a form of {other.name!r}")
                table[key] = unit
                longest = max(longest, len(key.split()))
    return Units(MappingProxyType(english), MappingProxyType(arabic), MappingProxyType(dual), longest)


@functools.lru_cache(maxsize=1)
def units() -> Units:
    """Units of measurement and currencies with their English, Arabic and Arabic dual forms."""
    return parse_units(read_text("units.tsv"))


# --- calendar ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarEntry:
    """A weekday, month or relative day; ``number`` is 1-based within its kind (Monday = 1)."""

    name: str
    english: tuple[str, ...]
    arabic: tuple[str, ...]
    kind: CalendarKind
    number: int


@dataclass(frozen=True)
class Calendar:
    """Calendar names with lookup tables.

    ``english``: lower-cased English form without a final dot → canonical name;
    ``arabic``: folded Arabic form (one or two words) → canonical name;
    ``kind`` and ``number``: canonical name → kind, and → 1-based number within the kind;
    ``ambiguous_ar``: folded Arabic forms that are also ordinary words (مارس, آب, اليوم).
    """

    entries: tuple[CalendarEntry, ...]
    english: Mapping[str, str]
    arabic: Mapping[str, str]
    kind: Mapping[str, str]
    number: Mapping[str, int]
    ambiguous_ar: frozenset[str]

    def months(self) -> tuple[CalendarEntry, ...]:
        return tuple(e for e in self.entries if e.kind == "month")

    def weekdays(self) -> tuple[CalendarEntry, ...]:
        return tuple(e for e in self.entries if e.kind == "weekday")


def parse_calendar(text: str, source: str = "calendar.tsv") -> Calendar:
    """Parse calendar TSV text (see the header of ``calendar.tsv``)."""
    entries: list[CalendarEntry] = []
    english: dict[str, str] = {}
    arabic: dict[str, str] = {}
    ambiguous: set[str] = set()
    counters: dict[str, int] = {}
    for number, (en, ar, kind) in _rows(text, source, ("english", "arabic", "kind")):
        en_forms = _split(_required(en, source, number, "english"))
        ar_forms, ar_ambiguous = _unmark(_split(_required(ar, source, number, "arabic")))
        kind = _kind(kind, CALENDAR_KINDS, source, number)
        counters[kind] = counters.get(kind, 0) + 1
        name = en_forms[0]
        entry = CalendarEntry(name, tuple(en_forms), ar_forms, kind, counters[kind])  # type: ignore[arg-type]
        for form in en_forms:
            key = form.lower().rstrip(".")
            if english.get(key, name) != name:
                raise ConfigError(f"{source}: line {number}: {form!r} already names {english[key]}")
            english[key] = name
        for form in ar_forms:
            key = fold_ar(form)
            if not key:
                raise ConfigError(f"{source}: line {number}: the Arabic form {form!r} is empty once folded")
            if arabic.get(key, name) != name:
                raise ConfigError(f"{source}: line {number}: {form!r} already names {arabic[key]}")
            arabic[key] = name
        ambiguous.update(fold_ar(f) for f in ar_ambiguous)
        entries.append(entry)
    return Calendar(
        entries=tuple(entries),
        english=MappingProxyType(english),
        arabic=MappingProxyType(arabic),
        kind=MappingProxyType({e.name: e.kind for e in entries}),
        number=MappingProxyType({e.name: e.number for e in entries}),
        ambiguous_ar=frozenset(ambiguous),
    )


@functools.lru_cache(maxsize=1)
def calendar() -> Calendar:
    """Weekdays, months and relative days with their English and Arabic names."""
    return parse_calendar(read_text("calendar.tsv"))


# --- negation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NegationEntry:
    language: Literal["ar", "en"]
    form: str
    kind: NegationKind


def parse_negation(text: str, source: str = "negation.tsv") -> tuple[NegationEntry, ...]:
    """Parse negation TSV text (see the header of ``negation.tsv``)."""
    out: list[NegationEntry] = []
    for number, (language, form, kind) in _rows(text, source, ("language", "form", "kind")):
        language = _kind(language, frozenset({"ar", "en"}), source, number, "language")
        kind = _kind(kind, NEGATION_KINDS, source, number)
        form = _required(form, source, number, "form")
        if kind == "fixed" and language != "ar":
            raise ConfigError(f"{source}: line {number}: fixed phrases are Arabic only")
        if kind == "prefixed" and language != "en":
            raise ConfigError(f"{source}: line {number}: prefixed words are English only")
        out.append(NegationEntry(language, form if language == "ar" else form.lower(), kind))  # type: ignore[arg-type]
    return tuple(out)


@functools.lru_cache(maxsize=1)
def negation() -> tuple[NegationEntry, ...]:
    """Every row of ``negation.tsv``."""
    return parse_negation(read_text("negation.tsv"))


def _forms(language: str, kind: str) -> frozenset[str]:
    return frozenset(e.form for e in negation() if e.language == language and e.kind == kind)


@functools.lru_cache(maxsize=1)
def negators_ar() -> frozenset[str]:
    """Arabic words that negate (لم, لن, لا, ليس, غير, عدم, بدون …), as written."""
    return _forms("ar", "negator")


@functools.lru_cache(maxsize=1)
def negators_en() -> frozenset[str]:
    """English negators, lower-case (not, no, never, without, cannot, n't contractions …)."""
    return _forms("en", "negator")


@functools.lru_cache(maxsize=1)
def ambiguous_negators_ar() -> frozenset[str]:
    """Arabic words that negate only in some uses (ما, لما …): do not count them alone."""
    return _forms("ar", "ambiguous")


@functools.lru_cache(maxsize=1)
def ambiguous_negators_en() -> frozenset[str]:
    """English words with a negative sense in some uses (hardly, fail, deny …)."""
    return _forms("en", "ambiguous")


@functools.lru_cache(maxsize=1)
def negative_prefixed_en() -> frozenset[str]:
    """English words negated by a prefix or suffix (unclear, illegal, indirectly, baseless …)."""
    return _forms("en", "prefixed")


@functools.lru_cache(maxsize=1)
def negation_fixed_ar() -> tuple[str, ...]:
    """Arabic phrases that contain a negator but do not negate (لا يزال, بدون طيار …), longest first."""
    phrases = {e.form for e in negation() if e.language == "ar" and e.kind == "fixed"}
    return tuple(sorted(phrases, key=lambda p: (-len(p.split()), p)))


# --- idioms --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Idiom:
    """An English idiom; ``literal_words`` is empty when its Arabic calque is established usage."""

    idiom: str
    meaning: str
    literal_words: tuple[str, ...]

    @property
    def established_calque(self) -> bool:
        return not self.literal_words


def parse_idioms(text: str, source: str = "idioms_en.tsv") -> tuple[Idiom, ...]:
    """Parse idiom TSV text (see the header of ``idioms_en.tsv``)."""
    out: list[Idiom] = []
    seen: dict[str, int] = {}
    for number, (idiom, meaning, literal) in _rows(text, source, ("idiom", "meaning", "literal_words")):
        idiom = _required(idiom, source, number, "idiom")
        if idiom.lower() in seen:
            raise ConfigError(f"{source}: line {number}: {idiom!r} is already defined on line {seen[idiom.lower()]}")
        seen[idiom.lower()] = number
        literal = _required(literal, source, number, "literal_words")
        words = () if literal == "-" else tuple(w.lower() for w in _split(literal))
        out.append(Idiom(idiom, _required(meaning, source, number, "meaning"), words))
    return tuple(out)


@functools.lru_cache(maxsize=2)
def idioms(include_established: bool = False) -> tuple[Idiom, ...]:
    """English idioms to check for literal translation.

    By default only those whose literal Arabic rendering is wrong; with
    ``include_established=True`` also those whose calque is accepted Arabic (red line).
    """
    rows = parse_idioms(read_text("idioms_en.tsv"))
    return rows if include_established else tuple(i for i in rows if i.literal_words)


# --- stopwords -----------------------------------------------------------------------------


def parse_wordlist(text: str, source: str) -> tuple[str, ...]:
    """One word per line; blank lines and ``#`` comments skipped; duplicates rejected."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        word = raw.strip()
        if not word or word.startswith("#"):
            continue
        if "\t" in word or " " in word:
            raise ConfigError(f"{source}: line {number}: expected one word, found {word!r}")
        if word in seen:
            raise ConfigError(f"{source}: line {number}: {word!r} is already listed on line {seen[word]}")
        seen[word] = number
        out.append(word)
    return tuple(out)


@functools.lru_cache(maxsize=1)
def stopwords_en() -> frozenset[str]:
    """English function words, lower-case."""
    return frozenset(w.lower() for w in parse_wordlist(read_text("stopwords_en.txt"), "stopwords_en.txt"))


@functools.lru_cache(maxsize=1)
def stopwords_ar() -> frozenset[str]:
    """Arabic function words as written (fold them with :func:`fold_ar` to match)."""
    return frozenset(parse_wordlist(read_text("stopwords_ar.txt"), "stopwords_ar.txt"))
