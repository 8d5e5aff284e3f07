"""Deterministic localisation-QA checks, each over one aligned segment or the whole document.

numbers (digits, Arabic-Indic digits, scale words, percentages, fractions),
weekdays and months, Latin-script words left untranslated, negation added or
lost, named entities of the reference missing or altered, one entity spelled
two ways, the user's glossary, and English idioms rendered word for word.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from eval.flags.gaps import SegmentView, densest_run
from eval.lexicon import resources, translit
from eval.lexicon.bilingual import ArWord, in_lexicon, known_word, related, strip_prefixes, supports
from eval.lexicon.numbers import compare_numbers, extract_numbers_ar, extract_numbers_en
from eval.text.tokens import Token, fold_latin, normalise_ar_word, stem, tokenize_en
from eval.values import Category, Evidence, Flag, HypSpan, Severity, Span
from tadqiq.errors import ConfigError

LineOf = Callable[[int], int]


@dataclass(frozen=True)
class Sides:
    """The original texts of both files and their line lookups."""

    ar: str
    ref: str
    ar_line: LineOf
    ref_line: LineOf

    def ar_span(self, start: int, end: int) -> Span:
        return Span(self.ar[start:end], self.ar_line(start), start, end)

    def ref_span(self, start: int, end: int) -> Span:
        return Span(self.ref[start:end], self.ref_line(start), start, end)


def _flag(view: SegmentView, category: Category, severity: Severity, confidence: float,
          ar: Span, ref: Span, evidence: str, signal: str, hyp: HypSpan | None = None) -> Flag:
    return Flag("", view.bead_id, category, severity, confidence, ar, ref, hyp or HypSpan(),
                (Evidence(signal, evidence),))


def _hyp_find(view: SegmentView, text: str) -> HypSpan:
    pos = view.hyp.find(text) if text else -1
    return HypSpan(text, pos, pos + len(text)) if pos >= 0 else HypSpan()


# --- numbers -----------------------------------------------------------------------------


def number_flags(view: SegmentView, sides: Sides) -> list[Flag]:
    ar_nums = extract_numbers_ar(view.ar_text)
    ref_nums = extract_numbers_en(view.ref_text)
    missing, extra = compare_numbers(ar_nums, ref_nums)
    hyp_nums = extract_numbers_en(view.hyp)
    flags = []
    used_extra: set[int] = set()
    for m in missing:
        # Pair each missing reference number with an unexplained Arabic number, nearest kind first.
        partner = next(
            (k for k, e in enumerate(extra) if k not in used_extra and e.kind == m.kind), None
        )
        if partner is None:
            partner = next((k for k, e in enumerate(extra) if k not in used_extra), None)
        ref = sides.ref_span(view.ref_start + m.start, view.ref_start + m.end)
        if partner is not None:
            used_extra.add(partner)
            e = extra[partner]
            ar = sides.ar_span(view.ar_start + e.start, view.ar_start + e.end)
            hyp = next((h for h in hyp_nums if abs(h.value - e.value) < 1e-9 * max(1, abs(e.value))), None)
            flags.append(_flag(
                view, Category.NUMBER, Severity.CRITICAL, 0.9, ar, ref,
                f"reference says {m.text} ({_fmt(m.value)}), the Arabic says {e.text} ({_fmt(e.value)})",
                "numbers", _hyp_find(view, hyp.text) if hyp else None,
            ))
        else:
            flags.append(_flag(
                view, Category.NUMBER, Severity.MAJOR, 0.45 if m.kind == "ordinal" else 0.6,
                Span("", sides.ar_line(view.ar_start), view.ar_start, view.ar_start), ref,
                f"reference number {m.text} ({_fmt(m.value)}) does not appear in the Arabic",
                "numbers",
            ))
    for k, e in enumerate(extra):
        if k in used_extra:
            continue
        ar = sides.ar_span(view.ar_start + e.start, view.ar_start + e.end)
        flags.append(_flag(
            view, Category.NUMBER, Severity.MAJOR, 0.45 if e.kind == "ordinal" else 0.6, ar, Span(),
            f"the Arabic number {e.text} ({_fmt(e.value)}) is not in the reference", "numbers",
        ))
    return flags


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,}"


# --- weekdays and months ------------------------------------------------------------------


def calendar_flags(view: SegmentView, sides: Sides) -> list[Flag]:
    cal = resources.calendar()
    en_found: list[tuple[Token, str]] = []
    for tok in view.ref:
        name = cal.english.get(tok.text.lower().rstrip("."))
        if name and tok.text[:1].isupper():
            en_found.append((tok, name))
    ar_found: list[tuple[ArWord, str]] = []
    for i, word in enumerate(view.ar):
        for form in strip_prefixes(word.token.key):
            two = form + " " + view.ar[i + 1].token.key if i + 1 < len(view.ar) else None
            name = (two and cal.arabic.get(two)) or cal.arabic.get(form)
            if name:
                ar_found.append((word, name))
                break
    ref_names = Counter(n for _, n in en_found)
    ar_names = Counter(n for _, n in ar_found)
    flags = []
    missing = [(t, n) for t, n in en_found if ar_names[n] == 0]
    extra = [(w, n) for w, n in ar_found if ref_names[n] == 0 and cal.kind[n] != "relative"]
    for (tok, name), (word, wrong) in zip(missing, extra, strict=False):
        if cal.kind[name] != cal.kind[wrong]:
            continue
        flags.append(_flag(
            view, Category.NUMBER, Severity.CRITICAL, 0.85,
            sides.ar_span(word.token.start, word.token.end),
            sides.ref_span(tok.start, tok.end),
            f"reference {cal.kind[name]} {tok.text}, the Arabic says {word.token.text} ({wrong})",
            "dates", _hyp_find(view, wrong),
        ))
    return flags


# --- untranslated --------------------------------------------------------------------------


def untranslated_flags(view: SegmentView, sides: Sides) -> list[Flag]:
    flags = []
    run: list[ArWord] = []

    def close() -> None:
        if not run:
            return
        start, end = run[0].token.start, run[-1].token.end
        text = sides.ar[start:end]
        in_parens = sides.ar[max(0, start - 1) : start] == "(" and sides.ar[end : end + 1] == ")"
        acronym = all(w.token.text.replace(".", "").isupper() for w in run)
        if not (in_parens and acronym):
            ref_tok = [t for t in view.ref if any(w.token.key == t.key for w in run)]
            ref = sides.ref_span(ref_tok[0].start, ref_tok[-1].end) if ref_tok else Span()
            flags.append(_flag(
                view, Category.UNTRANSLATED, Severity.MINOR, 0.9,
                sides.ar_span(start, end), ref,
                f"'{text}' is left in Latin script in the Arabic", "untranslated",
                _hyp_find(view, text),
            ))
        run.clear()

    for word in view.ar:
        if word.is_latin:
            run.append(word)
        elif not (word.token.key == "و" and run):
            close()
    close()
    return flags


# --- negation ---------------------------------------------------------------------------------


def _en_negations(tokens: Sequence[Token]) -> list[Token]:
    """English negators; "neither … nor" counts once, as Arabic says it with one لا … ولا/أو."""
    neg = resources.negators_en()
    prefixed = resources.negative_prefixed_en()
    out = []
    for k, t in enumerate(tokens):
        word = t.text.lower().replace("’", "'")
        if word == "nor" and any(o.text.lower() == "neither" for o in out):
            continue
        if word in neg or word.endswith("n't") or word in prefixed or _negative_word(word):
            out.append(t)
        elif word in _NEGATIVE_QUANTIFIERS and not (k and tokens[k - 1].text.lower() == "a"):
            out.append(t)  # "little was left" is negative, "a little" is not
    return out


_NEGATIVE_QUANTIFIERS = frozenset({"little", "few", "hardly", "barely", "scarcely", "seldom", "rarely"})


_ADJECTIVE_ENDINGS = ("able", "ible", "ful", "ive", "al", "ly", "ent", "ant", "ous", "ic", "ary")
_PLAIN_ADJECTIVES = frozenset(
    "clear known likely certain fair safe stable usual even happy aware real sure fit wise just "
    "kind true free equal easy common popular lawful armed paid changed harmed employed identified "
    "opposed answered affected inhabited noticed detected solved restricted checked touched".split()
)


def _negative_word(word: str) -> bool:
    """An adjective negated by un-/non- or -less (unchanged, unclear, nonviolent, useless).

    Only adjective-like remainders count, so that uncover, unveil or unrest do not.
    """
    for prefix in ("un", "non"):
        rest = word[len(prefix):].lstrip("-")
        if word.startswith(prefix) and len(rest) >= 4 and known_word(stem(rest)) and (
            rest.endswith(_ADJECTIVE_ENDINGS) or rest in _PLAIN_ADJECTIVES
        ):
            return True
    return word.endswith("less") and len(word) > 7 and known_word(stem(word[:-4]))


# Nominal negators often render an English noun or adjective with a negative meaning
# (anonymity ↔ عدم الكشف عن الهوية, absence, failure): weaker evidence than لم/لن/لا/ليس.
_NOMINAL_NEGATORS = frozenset({"عدم", "غير"})


def _ar_negations(view: SegmentView) -> list[ArWord]:
    negators = {normalise_ar_word(w) for w in resources.negators_ar()}
    fixed = [tuple(normalise_ar_word(w) for w in f.split()) for f in resources.negation_fixed_ar()]
    out = []
    keys = [w.token.key for w in view.ar]
    for i, word in enumerate(view.ar):
        forms = strip_prefixes(word.token.key)
        if not any(f in negators for f in forms):
            continue
        if any(tuple(keys[i : i + len(f)]) == f or tuple(keys[max(0, i - len(f) + 1) : i + 1]) == f
               for f in fixed):
            continue
        out.append(word)
    return out


def negation_flags(view: SegmentView, sides: Sides) -> list[Flag]:
    ref_neg = _en_negations(view.ref)
    hyp_neg = _en_negations(view.hyp_tokens)
    ar_neg = _ar_negations(view)
    flags = []
    if len(ar_neg) > len(ref_neg) and len(hyp_neg) > len(ref_neg):
        word = ar_neg[-1] if ref_neg else ar_neg[0]
        nominal = bool(_NOMINAL_NEGATORS.intersection(strip_prefixes(word.token.key)))
        flags.append(_flag(
            view, Category.MISTRANSLATION, Severity.CRITICAL, 0.45 if nominal else 0.8,
            sides.ar_span(word.token.start, word.token.end), Span(),
            f"negation added: the Arabic has {len(ar_neg)} negator(s) ({', '.join(w.token.text for w in ar_neg)}), "
            f"the reference {len(ref_neg)}",
            "negation", _hyp_find(view, hyp_neg[-1].text) if hyp_neg else None,
        ))
    elif len(ar_neg) < len(ref_neg) and len(hyp_neg) < len(ref_neg):
        lost = ref_neg[len(ar_neg)] if ar_neg else ref_neg[0]
        # The Arabic word rendering the word the negation applied to.
        after = [t for t in view.ref if t.index > lost.index][:3]
        target = next((w for t in after for w in view.ar if supports(w, t)), None)
        ar = (sides.ar_span(target.token.start, target.token.end) if target
              else Span("", sides.ar_line(view.ar_start), view.ar_start, view.ar_start))
        flags.append(_flag(
            view, Category.MISTRANSLATION, Severity.CRITICAL, 0.7, ar,
            sides.ref_span(lost.start, after[0].end if after else lost.end),
            f"negation lost: the reference says '{lost.text}', the Arabic has "
            f"{len(ar_neg)} negator(s) for {len(ref_neg)}",
            "negation",
        ))
    return flags


# --- named entities ---------------------------------------------------------------------------


def _names(view: SegmentView, include_initial: bool = False) -> list[tuple[list[Token], str | None]]:
    """Reference names: gazetteer mentions and capitalised words the lexicon does not know.

    A capitalised word opening a sentence counts only with ``include_initial`` (used where
    a transliteration match must confirm it anyway).
    """
    out: list[tuple[list[Token], str | None]] = []
    taken: set[int] = set()
    for a, b, name in view.ref_entities:
        out.append((view.ref[a:b], name))
        taken.update(range(a, b))
    sentence_start = True
    for tok in view.ref:
        if tok.index in taken:
            sentence_start = False
            continue
        starts = sentence_start
        sentence_start = view.ref_text[max(0, tok.end - view.ref_start) : tok.end - view.ref_start + 2].startswith(".")
        if (starts and not include_initial) or tok.kind != "word" or not tok.is_capitalised:
            continue
        if len(tok.text) <= 4 and view.ref_text[tok.end - view.ref_start : tok.end - view.ref_start + 1] == ".":
            continue  # a title or abbreviation: Col., Gen., Gov.
        if in_lexicon(tok.key) or tok.text.lower() in resources.stopwords_en():
            continue
        if tok.text.lower().rstrip(".") in resources.calendar().english:
            continue
        out.append(([tok], None))
    return out


def _spelling_close(a: str, b: str) -> bool:
    """Two Latin spellings of one name (Thiago/Tiago, Saïss/Sais), not two names (Doyle/Daly)."""
    a, b = fold_latin(a), fold_latin(b)
    return a == b or SequenceMatcher(None, a, b).ratio() >= 0.8


def _hyp_name(view: SegmentView, tokens: Sequence[Token]) -> list[Token]:
    """Capitalised back-translation words standing where the reference name stands."""
    return [h for h in view.hyp_between(tokens) if h.is_capitalised and h.kind == "word"]


def entity_flags(view: SegmentView, sides: Sides, ar_entities: list[tuple[int, int, str]]) -> list[Flag]:
    present = {name for _, _, name in ar_entities}
    covered = {k for a, b, _ in ar_entities for k in range(a, b)}
    ref_names = {name for _, _, name in view.ref_entities}
    foreign = {k for a, b, name in ar_entities if name not in ref_names for k in range(a, b)}
    flags = []
    for tokens, entity in _names(view):
        ref = sides.ref_span(tokens[0].start, tokens[-1].end)
        label = entity or " ".join(t.text for t in tokens)
        if any(w.is_latin and w.token.key == t.key for t in tokens for w in view.ar):
            continue  # left in Latin script: the untranslated check reports it
        in_hyp = any(_spelling_close(h.text, t.text) for t in tokens for h in view.hyp_tokens)
        rendered = [w for w in view.ar if any(supports(w, t) for t in tokens)]
        if not rendered and len(tokens) == 1:
            # One Latin word written as two Arabic ones: OpenStreet ↔ أوبن ستريت.
            rendered = [
                b for a, b in zip(view.ar, view.ar[1:], strict=False)
                if a.token.kind == b.token.kind == "word"
                and translit.matches_name(a.token.text + b.token.text, tokens[0].text)
            ]
        if entity is not None and entity in present or entity is None and rendered:
            # The Arabic has a word that sounds like the name. If the back-translation
            # reads a clearly different name there, the Arabic names someone else.
            other = [h for h in _hyp_name(view, tokens) if not any(_spelling_close(h.text, t.text) for t in tokens)]
            if entity is None and not in_hyp and other and rendered:
                w = rendered[0]
                flags.append(_flag(
                    view, Category.NAMED_ENTITY, Severity.CRITICAL, 0.6,
                    sides.ar_span(w.token.start, w.token.end), ref,
                    f"reference name '{label}' is read back as '{other[0].text}' from {w.token.text}",
                    "named-entity", view.hyp_span([other[0]]),
                ))
            continue
        if in_hyp:
            continue
        # An Arabic name nothing else explains is the likely replacement: a gazetteer entity
        # the reference does not mention, a word the lexicon does not know, or the word the
        # back-translation reads as another name.
        located = {k for k in view.arabic_for(_hyp_name(view, tokens))}
        candidates = [
            w for k, w in enumerate(view.ar)
            if (k in foreign or k in located or (k not in covered and w.proper and not w.known))
            and not w.is_latin and w.token.kind == "word"
            and not w.function and not any(supports(w, r) for r in view.ref)
        ]
        if candidates:
            best = max(candidates, key=lambda w: (
                w.token.index in located or w.token.index in foreign, not w.known,
                max(translit.name_similarity(w.token.text, t.text) for t in tokens)))
            flags.append(_flag(
                view, Category.NAMED_ENTITY, Severity.CRITICAL, 0.7,
                sides.ar_span(best.token.start, best.token.end), ref,
                f"reference name '{label}' is not in the Arabic; '{best.token.text}' stands where it should",
                "named-entity",
            ))
        else:
            flags.append(_flag(
                view, Category.OMISSION if entity is None else Category.NAMED_ENTITY,
                Severity.MAJOR, 0.55,
                Span("", sides.ar_line(view.ar_start), view.ar_start, view.ar_start), ref,
                f"reference name '{label}' has no counterpart in the Arabic or the back-translation",
                "named-entity",
            ))
    return flags


def inconsistency_flags(views: Sequence[SegmentView], sides: Sides) -> list[Flag]:
    """The same reference name transliterated with different Arabic spellings."""
    spellings: dict[str, list[tuple[SegmentView, ArWord, Token]]] = {}
    for view in views:
        # Gazetteer forms (الروسي, أوكرانيا) are all correct renderings: only transliterated
        # names can be spelled two ways.
        covered = {k for a, b, _ in view.ar_entities for k in range(a, b)}
        for tokens, _entity in _names(view, include_initial=True):
            for tok in tokens:
                for k, word in enumerate(view.ar):
                    if (word.token.kind == "word" and k not in covered
                            and translit.matches_name(word.token.text, tok.text)):
                        spellings.setdefault(tok.text, []).append((view, word, tok))
    flags = []
    for name, hits in spellings.items():
        forms = Counter(_bare(w.token.key) for _, w, _ in hits)
        if len(forms) < 2:
            continue
        first_seen = {}
        for _, w, _ in hits:
            first_seen.setdefault(_bare(w.token.key), w.token.start)
        canonical = max(forms, key=lambda f: (forms[f], -first_seen[f]))
        for view, word, tok in hits:
            if _bare(word.token.key) == canonical:
                continue
            flags.append(_flag(
                view, Category.INCONSISTENCY, Severity.MINOR, 0.75,
                sides.ar_span(word.token.start, word.token.end),
                sides.ref_span(tok.start, tok.end),
                f"'{name}' is spelled {word.token.text} here but "
                f"{canonical} in {forms[canonical]} other place(s)",
                "consistency",
            ))
    return flags


def _bare(key: str) -> str:
    forms = strip_prefixes(key)
    return min(forms, key=len)


# --- glossary ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class GlossaryTerm:
    english: str
    arabic: tuple[str, ...]
    stems: tuple[str, ...]


def load_glossary(path: Path) -> list[GlossaryTerm]:
    """CSV with a header ``english,arabic``; alternatives separated by ``|``.

    Read like the other inputs (UTF-8 with or without BOM, UTF-16 with BOM, Windows-1256,
    as Excel saves CSV). A bad row is a :class:`ConfigError` naming the file and the
    row's line, never skipped: a term silently missing from the glossary would make a
    wrong rendering of it go unflagged. Bad rows are: fewer than two cells or more than
    the header names (empty cells at the end, as spreadsheets add, are fine), an empty
    cell, an English term with Arabic script or no letter, an Arabic column without any
    Arabic script (columns swapped?), and text that is not CSV. Blank lines are skipped.
    """
    from eval.text.documents import decode_bytes, read_bytes
    from eval.text.normalise import arabic_ratio
    from tadqiq.errors import InputError

    where = str(path)
    try:
        text = decode_bytes(read_bytes(path, "the glossary file"), where)[0]
    except InputError as exc:
        raise ConfigError(str(exc)) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    line = 1  # the line the next row starts on
    try:
        for row in reader:
            rows.append((line, row))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise ConfigError(f"{where}: line {line}: not valid CSV ({exc})") from None
    if not any(c.strip() for _, row in rows for c in row):
        raise ConfigError(f"{where}: the glossary is empty (expected the header 'english,arabic')")
    header = _without_empty_tail(rows[0][1], 0)
    if [c.strip().lower() for c in header[:2]] != ["english", "arabic"]:
        raise ConfigError(f"{where}: line 1: expected the header 'english,arabic'")
    width = len(header)  # further named columns (notes, ...) are allowed and ignored
    terms = []
    for number, row in rows[1:]:
        if not any(c.strip() for c in row):
            continue
        cells = _without_empty_tail(row, 2)
        english = cells[0].strip()
        arabic_cell = cells[1].strip() if len(cells) > 1 else ""
        if not 2 <= len(cells) <= width or not english or not arabic_cell:
            raise ConfigError(
                f"{where}: line {number}: expected 'english term,arabic rendering(s)', "
                f"got {len(cells)} cell(s): {_cells(cells)}"
            )
        if arabic_ratio(english) > 0 or not any(ch.isalpha() for ch in english):
            raise ConfigError(
                f"{where}: line {number}: the english column {english!r} is not an English term"
                " (are the columns swapped?)"
            )
        alternatives = [a.strip() for a in arabic_cell.split("|") if a.strip()]
        if not any(arabic_ratio(a) > 0 for a in alternatives):
            raise ConfigError(
                f"{where}: line {number}: the arabic column {arabic_cell!r} has no Arabic script"
                " (are the columns swapped?)"
            )
        arabic = tuple(normalise_ar_word(a) for a in alternatives)
        stems = tuple(t.key for t in tokenize_en(english))
        terms.append(GlossaryTerm(english, arabic, stems))
    return terms


def _without_empty_tail(cells: Sequence[str], keep: int) -> list[str]:
    out = list(cells)
    while len(out) > keep and not out[-1].strip():
        out.pop()
    return out


def _cells(cells: Sequence[str]) -> str:
    shown = ", ".join(repr(c.strip()) for c in cells[:4])
    return shown + (", …" if len(cells) > 4 else "")


def _ar_contains(view: SegmentView, phrase: str) -> bool:
    words = phrase.split()
    keys = [w.token.key for w in view.ar]
    for i in range(len(keys) - len(words) + 1):
        if words[0] in strip_prefixes(keys[i]) and keys[i + 1 : i + len(words)] == words[1:]:
            return True
        if len(words) == 1 and any(f.startswith(words[0]) and len(f) - len(words[0]) <= 2 for f in strip_prefixes(keys[i])):
            return True
    return False


def glossary_flags(view: SegmentView, sides: Sides, terms: Sequence[GlossaryTerm]) -> list[Flag]:
    flags = []
    keys = [t.key for t in view.ref]
    for term in terms:
        n = len(term.stems)
        for i in range(len(keys) - n + 1):
            if tuple(keys[i : i + n]) != term.stems:
                continue
            if any(_ar_contains(view, a) for a in term.arabic):
                continue
            ref_tokens = view.ref[i : i + n]
            found = [k for k, w in enumerate(view.ar) if any(supports(w, t) for t in ref_tokens)]
            found = found or view.locate(ref_tokens)
            ar = (sides.ar_span(view.ar[found[0]].token.start, view.ar[found[-1]].token.end) if found
                  else view.insertion(ref_tokens, sides.ar, sides.ar_line))
            flags.append(_flag(
                view, Category.TERMINOLOGY, Severity.MAJOR, 0.8, ar,
                sides.ref_span(ref_tokens[0].start, ref_tokens[-1].end),
                f"glossary: '{term.english}' must be rendered as {' / '.join(term.arabic)}",
                "glossary",
            ))
    return flags


# --- idioms -----------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _idiom_patterns() -> tuple[tuple[resources.Idiom, tuple[str | None, ...], frozenset[str]], ...]:
    """Each idiom with its word stems (``None`` for a pronoun slot) and the set of its stems."""
    out = []
    for idiom in resources.idioms():
        pattern = re.findall(r"\{pron\}|[A-Za-z]+", idiom.idiom)
        stems = _pattern_stems(pattern)
        out.append((idiom, stems, frozenset(s for s in stems if s is not None)))
    return tuple(out)


def idiom_flags(view: SegmentView, sides: Sides) -> list[Flag]:
    flags = []
    ref_keys = [t.key for t in view.ref]
    present = frozenset(ref_keys)
    for idiom, stems, needed in _idiom_patterns():
        # An idiom can only be there when all of its words are (most are not: skip them fast).
        found = _find_stems(ref_keys, stems) if needed <= present else None
        if found is None:
            continue
        start, end = found
        # The literal words as listed (drag, foot) and as the reference writes them (feet).
        instance = [t.key for t in view.ref[start:end] if t.key not in _PRONOUNS]
        slots = [{stem(w)} | ({instance[k]} if k < len(instance) else set())
                 for k, w in enumerate(idiom.literal_words)]
        def renders(slot: set[str], word: ArWord) -> bool:
            return any(related(a, b) for a in slot for b in word.stems)

        hits = [k for k, w in enumerate(view.ar) if not w.function and any(renders(s, w) for s in slots)]
        ar_hits = [view.ar[k] for k in densest_run(hits, gap=2)]
        matched = sum(1 for s in slots if any(renders(s, w) for w in ar_hits))
        if not slots or matched < min(2, len(slots)):
            continue
        flags.append(_flag(
            view, Category.MISTRANSLATION, Severity.MAJOR, 0.7,
            sides.ar_span(ar_hits[0].token.start, ar_hits[-1].token.end),
            sides.ref_span(view.ref[start].start, view.ref[end - 1].end),
            f"idiom '{idiom.idiom}' (meaning: {idiom.meaning}) is rendered word for word",
            "idiom",
        ))
    return flags


_PRONOUNS = {stem(w) for w in ["its", "his", "her", "their", "my", "our", "your", "one's"]}


def _pattern_stems(pattern: Sequence[str]) -> tuple[str | None, ...]:
    return tuple(None if p == "{pron}" else stem(p) for p in pattern)


def _find_pattern(keys: Sequence[str], pattern: Sequence[str]) -> tuple[int, int] | None:
    return _find_stems(keys, _pattern_stems(pattern))


def _find_stems(keys: Sequence[str], stems: Sequence[str | None]) -> tuple[int, int] | None:
    """The first run of ``keys`` matching ``stems`` (``None``: any pronoun), as (start, end)."""
    n = len(stems)
    for i in range(len(keys) - n + 1):
        if all(s is None and keys[i + k] in _PRONOUNS or s == keys[i + k] for k, s in enumerate(stems)):
            return i, i + n
    return None
