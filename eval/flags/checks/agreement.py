"""The agreement check: an Arabic verb, pronoun, relative or adjective whose gender or number
disagrees with who or what is meant.

What the Arabic says comes from the Buckwalter analyses (:mod:`eval.lexicon.morphology`):
a word counts only when every reading of it agrees (تقول, "she says" or "rumour", says
nothing). Who is meant comes from the reference (:func:`eval.lexicon.names.people`: a
first name, an honorific or an unambiguous he/she tells a man from a woman). Only tight
patterns are read, each where Arabic grammar leaves no choice:

* **a verb before a named person** (VSO, the usual news order: وقال حداد, وقالت مديرة
  الحقل توماس رييس), with at most three title words between: the verb agrees in gender
  and is singular, so a feminine verb for a man, a masculine one for a woman or a plural
  one for one person is wrong — when the reference makes the person the subject ("Haddad
  said", `," said field manager Tomas Reyes`) and the title words render the reference's
  title, not another noun (his government, her husband). A masculine title for a woman
  with its verb (وقال وزير الداخلية سيلين كايا) is usage, not an error;
* **a verb, pronoun or relative right after the name** (قالت الطيب وهو يتسلم الجائزة,
  "she said as he received the prize"), when the reference too makes the person the
  verb's subject, calls the person she (he) there and never he (she), or puts "who" after
  the name;
* **a noun phrase and what must agree with it**: the verb after a noun opening a clause
  (إن الشركة المشغلة للميناء يخطط), an adjective after a feminine noun (الحديقة الجديد),
  a predicate after كان and its sisters (وكانت الآثار الجانبية خفيف), a relative after
  the phrase (الطاقة الكهرومائية، الذي) when the reference's "which" follows the phrase's
  rendering. Not after a construct (وزير الخارجية الأمريكي: the adjective may be the
  minister's), not for elatives and fuʿlā forms (الأفضل, الكبرى), impersonal verbs
  (يتم, يجب أن) or a topic resumed by a pronoun (الشركة يملكها …).

Verb-first sentences with a plural subject and a singular verb (وقال المسؤولون) are
correct and never flagged. A wrong gender for a named person is major (another person
for the reader), and so is a relative that now fits an earlier noun; other slips are
minor.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from eval.flags.checks.common import hyp_find, make_flag, transliterating
from eval.flags.context import Check, DocumentContext
from eval.flags.view import SegmentView
from eval.lexicon import resources, translit, wordnet
from eval.lexicon.bilingual import ArWord, supports
from eval.lexicon.buckwalter import lexicon
from eval.lexicon.morphology import (
    Agreement,
    Gender,
    Inflection,
    Number,
    inflection,
    inflections,
    is_nominal,
    may_be_definite,
    noun_agreement,
    pronoun_agreement,
    subject_of_verb,
)
from eval.lexicon.names import Person, name_key, name_particle, people, pronoun_gender
from eval.text.tokens import Token, irregular_forms, is_function_en
from eval.values import Flag, Severity, Span

#: Words that may stand between a verb and its subject's name: titles (مديرة الحقل, وزير الداخلية).
MAX_TITLE_WORDS = 3
# English auxiliaries: after a name they make it the subject ("Kaya has said", "Haddad was").
_AUXILIARIES = frozenset(
    "am is are was were be been has have had will would can could shall should may might must "
    "did does do isn't wasn't hasn't hadn't won't wouldn't can't couldn't didn't doesn't".split()
)
_WHO = frozenset({"who", "whose", "whom"})
# Arabic text between two words that ends a clause: a sentence end, a colon, a quotation mark.
_CLAUSE_BREAK = re.compile(r"[.!?؟:;؛\"“”«»]")


@dataclass(frozen=True)
class _NameInArabic:
    """A named person of the reference and the Arabic words that render the name here."""

    person: Person
    first: int  # index of the first Arabic word of the name
    last: int  # index of the last
    ref: tuple[Token, ...]  # the reference mention (Tomas Reyes, Karim al-Saadi)


def _ref_parts(view: SegmentView) -> list[tuple[str, list[Token]]]:
    """Reference name words of the segment (hyphenated ones joined: El-Tayeb) and their tokens."""
    out: list[tuple[str, list[Token]]] = []
    for tok in view.ref:
        if tok.kind != "word":
            continue
        if out and view.ref_text[out[-1][1][-1].end - view.ref_start : tok.start - view.ref_start] == "-":
            text, tokens = out[-1]
            out[-1] = (f"{text}-{tok.text}", [*tokens, tok])
        else:
            out.append((tok.text, [tok]))
    return out


def _in_name(view: SegmentView, k: int, step: int) -> bool:
    """Whether reference token ``k`` continues a name from token ``k - step``: a capitalised
    word, or a lower-case particle between capitalised ones (Karim al-Saadi)."""
    if not 0 <= k < len(view.ref) or view.ref[k].kind != "word":
        return False
    a, b = (view.ref[k - step], view.ref[k]) if step > 0 else (view.ref[k], view.ref[k - step])
    if _gap(view, a, b) not in (" ", "-"):
        return False
    tok = view.ref[k]
    if tok.is_capitalised:
        return True
    return name_particle(tok.text) and _in_name(view, k + step, step) and view.ref[k + step].is_capitalised


def _mention(view: SegmentView, tokens: list[Token]) -> tuple[Token, ...]:
    """The run of name tokens around ``tokens`` (a full name: Tomas Reyes, Karim al-Saadi)."""
    lo, hi = tokens[0].index, tokens[-1].index
    while _in_name(view, lo - 1, -1):
        lo -= 1
    while _in_name(view, hi + 1, 1):
        hi += 1
    return tuple(view.ref[lo : hi + 1])


def _gap(view: SegmentView, a: Token, b: Token) -> str:
    return view.ref_text[a.end - view.ref_start : b.start - view.ref_start]


def _names_in_arabic(view: SegmentView, ctx: DocumentContext) -> list[_NameInArabic]:
    persons = people(ctx.ref)
    if not persons:
        return []
    found: list[_NameInArabic] = []
    proper = [k for k, word in enumerate(view.ar) if word.token.kind == "word" and word.proper]
    texts = [view.ar[k].token.text for k in proper]
    for text, tokens in _ref_parts(view):
        person = persons.get(name_key(text))
        if person is None:
            continue
        if len(tokens) == 1:
            at = transliterating(view, tokens[0], proper)
        else:  # a hyphenated name (El-Tayeb): no token of its own
            at = [proper[m] for m in translit.EnglishName(text).matching(texts)]
        for k in at:
            found.append(_NameInArabic(person, k, k, _mention(view, tokens)))
    # Merge the words of one name (توماس رييس) into one occurrence.
    found.sort(key=lambda n: n.first)
    merged: list[_NameInArabic] = []
    for n in found:
        if merged and merged[-1].person == n.person and n.first - merged[-1].last <= 1:
            last = merged[-1]
            merged[-1] = _NameInArabic(last.person, last.first, max(last.last, n.last), last.ref)
        elif not any(m.first <= n.first <= m.last for m in merged):
            merged.append(n)
    # A first name that is also a common word (آن "now" for Anne) joins the surname beside it.
    out: list[_NameInArabic] = []
    for n in merged:
        first, last = n.first, n.last
        parts = [t.text for t in n.ref]
        if first > 0 and any(translit.matches_name(view.ar[first - 1].token.text, p) for p in parts[:-1]):
            first -= 1
        out.append(_NameInArabic(n.person, first, last, n.ref))
    return out


def _between(view: SegmentView, a: int, b: int) -> str:
    """The Arabic text between words ``a`` and ``b`` (a < b)."""
    return view.ar_text[view.ar[a].token.end - view.ar_start : view.ar[b].token.start - view.ar_start]


def _hyp_follows(view: SegmentView, name: Token, word: Token) -> bool:
    """The back-translation too has ``word`` right after the name (Ali Kadhim scored ~ scoring):
    the back-translation renders the Arabic verb there."""
    for a, b in zip(view.hyp_tokens, view.hyp_tokens[1:], strict=False):
        if name_key(a.text) == name_key(name.text) and b.key == word.key:
            return True
    return False


def _looks_like_verb(token: Token) -> bool:
    """A past-tense form: an irregular one (told, led) or a regular one in -ed (warned)."""
    word = token.text.lower()
    return token.kind == "word" and (word in irregular_forms() or len(word) > 4 and word.endswith("ed"))


def _subject_in_reference(view: SegmentView, mention: Sequence[Token], verb: ArWord, *, loose: bool) -> bool:
    """The reference makes the person the subject of the verb's rendering: "Haddad said",
    "Ali Kadhim scoring" (scored in the back-translation too), "The chairman, Tomas Ilic,
    said", or an inverted quotation `," said field manager Tomas Reyes`. With ``loose``
    (the Arabic verb stands before the name, so it cannot open a quotation that follows
    it) any verb after the name will do: "Omar Rahal told", "Kaya has"."""
    stop = resources.stopwords_en()
    first, last = mention[0].index, mention[-1].index
    if last + 1 < len(view.ref):
        nxt = view.ref[last + 1]
        gap = _gap(view, view.ref[last], nxt).strip()
        if gap == "," and first > 0 and _gap(view, view.ref[first - 1], mention[0]).strip() == ",":
            gap = ""  # an apposition: "The regulator's chairman, Tomas Ilic, said"
        elif gap == ",":
            # An apposition after the name: "Ali Hassan, head of the union, said".
            for k in range(last + 1, min(len(view.ref) - 1, last + 9)):
                if _gap(view, view.ref[k], view.ref[k + 1]).strip() == ",":
                    nxt, gap = view.ref[k + 1], ""
                    break
        adjacent = gap == "" and nxt.kind == "word" and not nxt.is_capitalised
        if adjacent and (loose and (nxt.text.lower() in _AUXILIARIES or _looks_like_verb(nxt))
                         or supports(verb, nxt) or _hyp_follows(view, mention[-1], nxt)):
            return True
    # Inverted: a verb rendering the Arabic one, after a comma or a closing quote, then
    # at most three title words (field manager, the).
    k = first - 1
    skipped = 0
    while k >= 0 and skipped <= MAX_TITLE_WORDS:
        tok = view.ref[k]
        word = tok.text.lower()
        if tok.kind != "word" or word in stop and word not in ("the", "a", "an"):
            return False
        if word not in stop and supports(verb, tok):
            before = view.ref_text[: tok.start - view.ref_start].rstrip()
            return before.endswith((",", "”", '"', "’", "'")) or not before
        skipped += 1
        k -= 1
    return False


def _ref_calls(view: SegmentView, mention: Sequence[Token], gender: Gender) -> Token | None:
    """A pronoun of ``gender`` after the mention in the reference, outside quotation marks."""
    for tok in view.ref[mention[-1].index + 1 :]:
        if pronoun_gender(tok.text) is gender:
            before = view.ref_text[: tok.start - view.ref_start]
            if (before.count('"') + before.count("“") + before.count("”")) % 2 == 0:
                return tok
    return None


def _hyp_pronoun(view: SegmentView, gender: Gender) -> Token | None:
    return next((t for t in view.hyp_tokens if pronoun_gender(t.text) is gender), None)


def _disagrees(agreement: Agreement, person: Person) -> str | None:
    """What is wrong with ``agreement`` for one person: "gender", "number" or ``None``."""
    if agreement.gender is not None and agreement.gender is not person.gender:
        return "gender"
    if agreement.number is not None and agreement.number is not Number.SINGULAR:
        return "number"
    return None


def _describe_verb(word: ArWord, agreement: Agreement) -> str:
    who = {Gender.MASCULINE: "he", Gender.FEMININE: "she", None: "they"}[agreement.gender]
    if agreement.number is Number.PLURAL:
        who = "they"
    elif agreement.number is Number.DUAL:
        who = "the two of them"
    return f"{word.token.text} is a {agreement.describe()} verb ({who} …)"


def _flag(view: SegmentView, ctx: DocumentContext, check: Check, name: _NameInArabic,
          words: Sequence[ArWord], what: str, problem: str, hyp_gender: Gender | None,
          severity: Severity | None = None) -> Flag:
    person = name.person
    reasons = ", ".join(person.reasons)
    if problem == "gender":
        evidence = f"{what}, but the reference's {person.name} is {person.noun} ({reasons})"
    else:
        evidence = f"{what}, but its subject, the reference's {person.name}, is one person"
    if severity is None:
        severity = Severity.MAJOR if problem == "gender" else Severity.MINOR
    hyp_tok = _hyp_pronoun(view, hyp_gender) if hyp_gender is not None else None
    confidence = check.confidence
    if hyp_tok is not None:
        evidence += f"; the back-translation too says '{hyp_tok.text}'"
        confidence = check.adjusted(0.1)
    start = min(w.token.start for w in words)
    end = max(w.token.end for w in words)
    return make_flag(
        view, check, ctx.ar_span(start, end),
        ctx.ref_span(name.ref[0].start, name.ref[-1].end), evidence,
        hyp_find(view, hyp_tok.text) if hyp_tok is not None else None,
        severity=severity, confidence=min(confidence, 0.95),
    )


def _title_region(view: SegmentView, mention: Sequence[Token]) -> set[int]:
    """Reference tokens that may be the person's title: the mention itself (Interior Minister
    Selin Kaya) and up to three words right before it, stopping at a function word other
    than an article (field manager Tomas Reyes; not "the family of … Idris")."""
    stop = resources.stopwords_en()
    region = {t.index for t in mention}
    k = mention[0].index - 1
    while k >= 0 and mention[0].index - k <= MAX_TITLE_WORDS:
        word = view.ref[k].text.lower()
        if view.ref[k].kind != "word" or word in stop and word not in ("the", "a", "an"):
            break
        region.add(k)
        k -= 1
    return region


def _is_title_of(view: SegmentView, at: int, region: set[int]) -> bool:
    """The Arabic word ``at`` between a verb and a name is the person's title, not another
    noun: what it renders in the reference (if anything, :meth:`SegmentView.supporters`)
    stands in the title region."""
    rendered = [t.index for t in view.ref if not is_function_en(t) and at in view.supporters(t)]
    return not rendered or any(k in region for k in rendered)


def _verb_before(view: SegmentView, ctx: DocumentContext, check: Check, name: _NameInArabic,
                 other_names: set[int]) -> Flag | None:
    titles: list[ArWord] = []
    region = _title_region(view, name.ref)
    for j in range(name.first - 1, max(-1, name.first - 2 - MAX_TITLE_WORDS), -1):
        word = view.ar[j]
        if word.token.kind != "word" or _CLAUSE_BREAK.search(_between(view, j, name.first)):
            return None
        agreement = subject_of_verb(word.token.text)
        if agreement is not None:
            break
        nominal = is_nominal(word.token.text) and not any(r.preposition for r in _readings(word))
        if word.function or j in other_names or not (nominal or not word.known) \
                or not _is_title_of(view, j, region):
            return None  # not a title: a preposition (بالمدرب), a verb, another person
        titles.insert(0, word)  # a title (مديرة الحقل, وزير الداخلية, a place name)
    else:
        return None
    problem = _disagrees(agreement, name.person)
    if problem is None or not _subject_in_reference(view, name.ref, word, loose=True):
        return None
    words = [word]
    severity = None
    if problem == "gender":
        marked = [noun_agreement(t.token.text) if t.known else None for t in titles]
        # The title's head is its first word (مديرة in مديرة المتحف).
        head = marked[0] if titles and titles[0].known else None
        if name.person.gender is Gender.FEMININE and titles and titles[0].known \
                and (head is None or head.gender is not Gender.FEMININE):
            return None  # a masculine title for a woman (وقال وزير الداخلية سيلين كايا): usage
        if head is not None and head.gender is Gender.FEMININE and name.person.gender is Gender.FEMININE:
            severity = Severity.MINOR  # her feminine title already says she is a woman
        # A title of the same wrong gender right after the verb (وقالت مديرة …).
        for title, m in zip(titles, marked, strict=True):
            if m is None or m.gender is not agreement.gender:
                break
            words.append(title)
    return _flag(view, ctx, check, name, words, _describe_verb(word, agreement), problem,
                 agreement.gender if problem == "gender" else None, severity)


def _after(view: SegmentView, ctx: DocumentContext, check: Check, name: _NameInArabic) -> Flag | None:
    k = name.last + 1
    if k >= len(view.ar) or view.ar[k].token.kind != "word":
        return None
    gap = _between(view, name.last, k)
    if _CLAUSE_BREAK.search(gap):
        return None
    word = view.ar[k]
    pronoun = pronoun_agreement(word.token.text)
    if pronoun is not None:
        problem = _disagrees(pronoun, name.person)
        if problem is None:
            return None
        relative = pronoun.person is None
        if relative:
            # الذي/التي: the reference too must say "who" right after the name.
            nxt = name.ref[-1].index + 1
            if nxt >= len(view.ref) or view.ref[nxt].text.lower() not in _WHO:
                return None
            what = f"{word.token.text} is a {pronoun.describe()} relative pronoun"
        else:
            # The reference calls the person she (he) after the name, and never he (she).
            if _ref_calls(view, name.ref, name.person.gender) is None \
                    or _ref_calls(view, name.ref, name.person.gender.other) is not None:
                return None
            what = f"{word.token.text} is a {pronoun.describe()} pronoun"
        words = [word]
        if k + 1 < len(view.ar) and not _CLAUSE_BREAK.search(_between(view, k, k + 1)):
            verb = subject_of_verb(view.ar[k + 1].token.text)
            if verb is not None and verb.gender is pronoun.gender and verb.number is pronoun.number:
                words.append(view.ar[k + 1])
        return _flag(view, ctx, check, name, words, what, problem,
                     pronoun.gender if problem == "gender" else None)
    if gap.strip():
        return None  # a comma: an apposition or a new clause follows
    verb = subject_of_verb(word.token.text)
    if verb is None:
        return None
    problem = _disagrees(verb, name.person)
    if problem is None or not _subject_in_reference(view, name.ref, word, loose=False):
        return None
    return _flag(view, ctx, check, name, [word], _describe_verb(word, verb), problem,
                 verb.gender if problem == "gender" else None)


# --- noun phrases --------------------------------------------------------------------------

# Particles after which a noun opens a clause as its subject (إن الشركة تخطط …).
_CLAUSE_OPENERS = frozenset({"إن", "أن", "وإن", "وأن", "بأن", "لأن", "فإن", "لكن", "ولكن", "كما"})
# Impersonal verbs: their subject is a verbal noun after them (تم إنشاء, يجري العمل).
_IMPERSONAL = frozenset({"تم", "وتم", "يتم", "ويتم", "سيتم", "وسيتم", "يجري", "ويجري", "سيجري"})
# Stems of كان and its sisters, whose subject and predicate agree (وكانت الآثار خفيفة).
_KANA_STEMS = frozenset({"kAn", "kuwn", "Zal~", "bAt", ">aSobaH", "SAr", "zAl", "layis", "layos"})
_RELATIVES_EN = frozenset({"which", "who", "that", "whom", "whose"})
# The pronoun suffix that resumes a noun of each agreement (ها for a feminine singular …).
_PRONOUN_CODE = {
    (Gender.FEMININE, Number.SINGULAR): "PRON_3FS", (Gender.MASCULINE, Number.SINGULAR): "PRON_3MS",
    (Gender.FEMININE, Number.PLURAL): "PRON_3", (Gender.MASCULINE, Number.PLURAL): "PRON_3MP",
    (Gender.FEMININE, Number.DUAL): "PRON_3D", (Gender.MASCULINE, Number.DUAL): "PRON_3D",
}


@dataclass(frozen=True)
class _Phrase:
    """A definite noun and the definite adjectives that agree with it (الشركة المشغلة), with
    the agreement they are marked for."""

    first: int
    last: int
    agreement: Agreement


def _readings(word: ArWord) -> tuple[Inflection, ...]:
    return inflections(word.token.text) if word.token.kind == "word" else ()


def _definite_nominal(word: ArWord, *, preposition: bool = False, adjective: bool = False) -> bool:
    if not may_be_definite(word.token.text):
        return False  # no reading is definite: not worth analysing
    rs = _readings(word)
    kinds = ("adjective",) if adjective else ("noun", "adjective")
    return bool(rs) and all(
        r.pos in kinds and r.definite and (preposition or not r.preposition) for r in rs
    )


def _broken(view: SegmentView, a: int, b: int) -> bool:
    gap = _between(view, a, b)
    return bool(_CLAUSE_BREAK.search(gap) or "،" in gap or "," in gap)


def _construct_before(view: SegmentView, i: int) -> bool:
    """The word before ``i`` may be the head of a construct (وزير الخارجية, مدير الشركة): then
    an adjective after ``i`` may belong to it."""
    if i == 0 or _broken(view, i - 1, i):
        return False
    return any(r.pos in ("noun", "adjective", "name") and not r.definite for r in _readings(view.ar[i - 1]))


def _unknown_nisba(word: ArWord) -> bool:
    """A word the lexicon lacks of the form ال…ية: a feminine relative adjective (الكهرومائية)."""
    text = word.token.key
    return not word.known and word.token.kind == "word" and text.startswith("ال") and text.endswith("ية")


def _noun_phrase(view: SegmentView, i: int, *, preposition: bool) -> _Phrase | None:
    """The noun phrase starting at word ``i``, when its gender and number are marked.

    It must start there: its head may be read as a noun and, when it may also be read as
    an adjective, the word before is not a definite noun or adjective it could continue
    (السكك الحديدية الصحراوي: الصحراوي belongs to the خط before them).
    """
    head = view.ar[i]
    if not _definite_nominal(head, preposition=preposition):
        return None
    readings = _readings(head)
    if not any(r.pos == "noun" for r in readings):
        return None
    if any(r.pos == "adjective" for r in readings) and i > 0 and not _broken(view, i - 1, i) and any(
        r.pos in ("noun", "adjective") and r.definite for r in _readings(view.ar[i - 1])
    ):
        return None
    agreement = noun_agreement(head.token.text)
    if agreement is None:
        return None
    j = i + 1
    while j < len(view.ar) and not _broken(view, j - 1, j):
        if _unknown_nisba(view.ar[j]) and agreement.gender is Gender.FEMININE \
                and agreement.number is Number.SINGULAR:
            j += 1  # الطاقة الكهرومائية: an adjective the lexicon lacks, of the feminine form
            continue
        if not _definite_nominal(view.ar[j]):
            break
        rs = _readings(view.ar[j])
        marked = noun_agreement(view.ar[j].token.text, ("adjective",))
        if agreement.gender is None and marked is not None and marked.gender is not None:
            agreement = marked  # الآثار الجانبية: the adjective tells the plural's agreement
        elif not any(r.agreement == agreement for r in rs):
            break
        j += 1
    if agreement.gender is None or agreement.number is None:
        return None
    return _Phrase(i, j - 1, agreement)


def _verb_fits(noun: Agreement, verb: Agreement) -> bool:
    """Whether a verb after its subject agrees with it (non-human plurals take the feminine singular)."""
    if noun.number is Number.PLURAL and noun.gender is Gender.FEMININE:
        return verb.gender is Gender.FEMININE
    return verb.gender is noun.gender and verb.number is noun.number


def _phrase_text(view: SegmentView, phrase: _Phrase) -> str:
    return " ".join(w.token.text for w in view.ar[phrase.first : phrase.last + 1])


def _phrase_flag(view: SegmentView, ctx: DocumentContext, check: Check, word: ArWord,
                 evidence: str, ref: list[Token], severity: Severity) -> Flag:
    ref_span = ctx.ref_span(ref[0].start, ref[-1].end) if ref else Span()
    return make_flag(view, check, ctx.ar_span(word.token.start, word.token.end), ref_span,
                     evidence, severity=severity, confidence=check.adjusted(-0.1))


def _renders(word: ArWord, token: Token) -> bool:
    """The Arabic word renders the reference word, also as the end of a compound (الطاقة
    "power" in "hydropower")."""
    if supports(word, token):
        return True
    text = token.text.lower()
    return any(len(g) >= 4 and text.endswith(g) and len(text) > len(g) for g in word.stems)


def _rendered(view: SegmentView, phrase: _Phrase) -> list[Token]:
    """Reference content words the phrase's words render."""
    words = view.ar[phrase.first : phrase.last + 1]
    return [t for t in view.ref if not is_function_en(t) and any(_renders(w, t) for w in words)]


def _resumed(view: SegmentView, start: int, agreement: Agreement) -> bool:
    """A pronoun suffix of the noun's gender and number in the next three words: the noun is a
    topic resumed there (إن الطائرة يعتقد الخبراء أنها سقطت), not the verb's subject."""
    code = _PRONOUN_CODE.get((agreement.gender, agreement.number))
    for k in range(start, min(len(view.ar), start + 3)):
        if k > start and _broken(view, k - 1, k):
            break
        if view.ar[k].token.kind == "word" and code and any(
            code in a.suffix.pos or code in a.stem.pos for a in lexicon().analyse(view.ar[k].token.text)
        ):
            return True
    return False


def _subject_verb(view: SegmentView, ctx: DocumentContext, check: Check, i: int) -> Flag | None:
    """A noun opening a clause, then its verb: إن الشركة المشغلة للميناء يخطط → تخطط."""
    opens = i == 0 or _broken(view, i - 1, i) or view.ar[i - 1].token.text in _CLAUSE_OPENERS
    phrase = _noun_phrase(view, i, preposition=False) if opens else None
    if phrase is None:
        return None
    k = phrase.last + 1
    if k < len(view.ar) and not _broken(view, k - 1, k) and all(
        r.preposition and r.pos in ("noun", "adjective", "name") for r in _readings(view.ar[k])
    ) and _readings(view.ar[k]):
        k += 1  # one prepositional complement: للميناء
    if k >= len(view.ar) or _broken(view, k - 1, k) or view.ar[k].token.text in _IMPERSONAL:
        return None
    verb = subject_of_verb(view.ar[k].token.text)
    if verb is None or _verb_fits(phrase.agreement, verb):
        return None
    if any("DO:" in a.suffix.pos for a in lexicon().analyse(view.ar[k].token.text)):
        return None  # الشركة يملكها رجل أعمال: the noun is the verb's object, resumed by ها
    if k + 1 < len(view.ar) and not _broken(view, k, k + 1) \
            and view.ar[k + 1].token.text in _CLAUSE_OPENERS:
        return None  # يجب أن …: an impersonal verb
    if _resumed(view, k + 1, phrase.agreement):
        return None  # the verb has a subject of its own, and the noun is resumed (يرأس مجلس إدارتها)
    return _phrase_flag(
        view, ctx, check, view.ar[k],
        f"{view.ar[k].token.text} is a {verb.describe()} verb after its subject "
        f"{_phrase_text(view, phrase)}, which is {phrase.agreement.describe()}",
        _rendered(view, phrase), Severity.MINOR,
    )


def _relative(view: SegmentView, ctx: DocumentContext, check: Check, i: int,
              phrase: _Phrase | None) -> Flag | None:
    """A relative pronoun after a noun phrase it disagrees with: الطاقة الكهرومائية، الذي يوفر.
    ``phrase``: the noun phrase at word ``i`` (:func:`_phrase_at`)."""
    if phrase is None or phrase.last + 1 >= len(view.ar):
        return None
    k = phrase.last + 1
    gap = _between(view, phrase.last, k)
    if _CLAUSE_BREAK.search(gap):
        return None
    relative = pronoun_agreement(view.ar[k].token.text)
    if relative is None or relative.person is not None:
        return None
    noun = phrase.agreement
    fits = relative == noun or (
        noun.number is Number.PLURAL and noun.gender is Gender.FEMININE
        and relative.gender is Gender.FEMININE and relative.number is not Number.DUAL
    )
    if fits:
        return None
    # The reference's relative stands right after what the phrase renders (hydropower, which).
    rendered = {t.index for t in _rendered(view, phrase)}
    ref_relative = next(
        (t for t in view.ref if t.text.lower() in _RELATIVES_EN
         and (t.index - 1 in rendered or t.index - 2 in rendered and not is_function_en(view.ref[t.index - 1]))),
        None,
    )
    if ref_relative is None:
        return None
    # Does the relative now fit an earlier noun of the clause? Then it names the wrong thing.
    other = None
    for j in range(i - 1, max(-1, i - 7), -1):
        if _broken(view, j, j + 1) and j != i - 1:
            break
        marked = noun_agreement(view.ar[j].token.text, ("noun",))
        if marked is not None and _definite_nominal(view.ar[j], preposition=True) and (
            marked == relative or marked.gender is None and relative.gender is Gender.MASCULINE
            and relative.number is Number.SINGULAR
        ):
            other = view.ar[j]
            break
    evidence = (f"{view.ar[k].token.text} is a {relative.describe()} relative pronoun after "
                f"{_phrase_text(view, phrase)}, which is {noun.describe()}")
    if other is not None:
        evidence += f": it now refers to {other.token.text}"
    ref = [t for t in view.ref if t.index in rendered or t is ref_relative]
    return _phrase_flag(view, ctx, check, view.ar[k], evidence,
                        sorted(ref, key=lambda t: t.index)[-2:],
                        Severity.MAJOR if other is not None else Severity.MINOR)


def _phrase_at(view: SegmentView, i: int) -> _Phrase | None:
    """The noun phrase at word ``i`` that a relative or an adjective after it must agree with:
    none after a construct head (:func:`_construct_before`)."""
    if _construct_before(view, i):
        return None
    return _noun_phrase(view, i, preposition=True)


def _gender_free(word: ArWord) -> bool:
    """An adjective whose form does not show agreement: the fuʿlā feminines (الكبرى, الأولى,
    الدنيا) and the elatives, which MSA uses for both genders (الطريقة الأفضل, الدولة الأكبر;
    the lexicon's stem category ``Nel``)."""
    return any(
        a.stem.vocalised.endswith(("Y", "A")) or a.stem.category.startswith("Nel")
        or a.stem.vocalised.startswith(">a") and a.stem.category.startswith("N0")
        for a in lexicon().analyse(word.token.text)
    )


def _masculine_adjective(word: ArWord, *, definite: bool) -> bool:
    rs = _readings(word)
    return bool(rs) and all(
        r.pos == "adjective" and r.definite is definite and not r.preposition
        and r.agreement.gender is not Gender.FEMININE
        and r.agreement.number in (None, Number.SINGULAR)
        for r in rs
    ) and not _gender_free(word)


def _pronoun_complement(word: ArWord) -> bool:
    """A preposition carrying a pronoun (لهم, به, عليها): an adjective followed by one may
    describe another noun (ركاب السفن السياحية المسموح لهم, "the passengers … allowed")."""
    return any(
        "PREP" in a.prefix.pos + a.stem.pos and "PRON_3" in a.stem.pos + a.suffix.pos
        for a in lexicon().analyse(word.token.text)
    )


def _adjective(view: SegmentView, ctx: DocumentContext, check: Check, i: int,
               phrase: _Phrase | None) -> Flag | None:
    """A masculine adjective after a feminine singular noun: الطاقة النووي; or, after كان and its
    sisters, a masculine predicate: وكانت الآثار الجانبية خفيف. ``phrase``: the noun phrase at
    word ``i`` (:func:`_phrase_at`)."""
    if phrase is None or phrase.last + 1 >= len(view.ar) or _broken(view, phrase.last, phrase.last + 1):
        return None
    noun = phrase.agreement
    if noun.gender is not Gender.FEMININE or noun.number is Number.DUAL:
        return None
    word = view.ar[phrase.last + 1]
    after = phrase.last + 2
    if after < len(view.ar) and not _broken(view, after - 1, after) and _pronoun_complement(view.ar[after]):
        return None
    if noun.number is Number.SINGULAR and _masculine_adjective(word, definite=True):
        kind = "adjective"
    elif i > 0 and not _broken(view, i - 1, i) and any(
        r.pos == "verb" and a.stem.vocalised in _KANA_STEMS
        for a in lexicon().analyse(view.ar[i - 1].token.text) for r in (inflection(a),)
    ) and _masculine_adjective(word, definite=False) and not word.token.text.endswith("ا"):
        kind = "predicate"
    else:
        return None
    return _phrase_flag(
        view, ctx, check, word,
        f"{word.token.text} is a masculine {kind} for {_phrase_text(view, phrase)}, which is "
        f"{noun.describe()}" + (" (a plural of things agrees as feminine singular)"
                                if noun.number is Number.PLURAL else ""),
        [t for t in view.ref if not is_function_en(t) and supports(word, t)][:1],
        Severity.MINOR,
    )


def _coordinated(view: SegmentView, name: _NameInArabic) -> bool:
    """The person is one of several subjects (Macron and Zelenskyy said; ماكرون وزيلينسكي
    قالوا): the verb then agrees with all of them, not with this one."""
    first, last = name.ref[0].index, name.ref[-1].index
    if first > 0 and view.ref[first - 1].text.lower() in ("and", "or", "&"):
        return True
    if last + 2 < len(view.ref) and view.ref[last + 1].text.lower() in ("and", "or", "&") \
            and view.ref[last + 2].is_capitalised:
        return True
    # In the Arabic: a name joined by و to another name, before or after it.
    def is_name(word: ArWord) -> bool:
        return word.proper and not word.function and pronoun_agreement(word.token.text) is None

    if name.first > 0 and view.ar[name.first].token.text.startswith("و") and is_name(view.ar[name.first - 1]):
        return True
    k = name.last + 1
    return k < len(view.ar) and view.ar[k].token.text.startswith("و") and is_name(view.ar[k])


#: Words before a noun that make it one: "a field hospital" for the reference's "field hospitals".
_ONE = frozenset({"a", "an", "one", "single"})


def plural_made_singular(view: SegmentView, ctx: DocumentContext, check: Check) -> list[Flag]:
    """A plural noun of the reference read back as one: its aligned back-translation word is
    its singular (WordNet base form) with *a*, *an*, *one* or *single* before it, at most one word
    apart ("field hospitals" → "a field hospital"), and the Arabic word behind it is not
    marked plural. A literal back-translation keeps the Arabic's number, so the Arabic made
    several things one."""
    flags: list[Flag] = []
    for i, j in view.pairs:
        r, h = view.ref_c[i], view.hyp_c[j]
        if r.kind != "word" or h.kind != "word" or r.is_capitalised:
            continue
        low_r, low_h = r.text.lower(), h.text.lower()
        if low_r == low_h or not low_r.endswith("s") or low_h not in wordnet.base_forms(low_r, "n"):
            continue
        before = [t.text.lower() for t in view.hyp_tokens[max(0, h.index - 2):h.index]]
        if not _ONE.intersection(before):
            continue
        words = view.arabic_for([h]) or view.ar_for_ref.get(r.index, [])
        if not words:
            continue
        word = view.ar[words[0]].token
        agreement = noun_agreement(word.text)
        if agreement is not None and agreement.number in (Number.PLURAL, Number.DUAL):
            continue
        flags.append(make_flag(
            view, check, ctx.ar_span(word.start, word.end), ctx.ref_span(r.start, r.end),
            f"the reference's plural '{r.text}' is read back as one: "
            f"'{' '.join(before)} {h.text}' from {word.text}",
            view.hyp_span([h]), severity=Severity.MAJOR,
        ))
    return flags


def agreement_flags(view: SegmentView, ctx: DocumentContext, check: Check) -> list[Flag]:
    names = [n for n in _names_in_arabic(view, ctx) if not _coordinated(view, n)]
    flags: list[Flag] = []
    for name in names:
        others = {k for n in names if n.person != name.person for k in range(n.first, n.last + 1)}
        for flag in (_verb_before(view, ctx, check, name, others), _after(view, ctx, check, name)):
            if flag is not None:
                flags.append(flag)
    by_word: dict[int | None, Flag] = {}
    for i, word in enumerate(view.ar):
        # Every noun phrase starts with a definite nominal (one with a preposition attached
        # opens none for a verb), so the other words start none.
        if not _definite_nominal(word, preposition=True):
            continue
        phrase = _phrase_at(view, i)
        for flag in (_subject_verb(view, ctx, check, i), _relative(view, ctx, check, i, phrase),
                     _adjective(view, ctx, check, i, phrase)):
            if flag is not None:
                by_word[flag.ar.start] = flag  # the noun phrase nearest the word wins
    flags += [f for f in by_word.values() if not any(g.ar.start == f.ar.start for g in flags)]
    return flags + plural_made_singular(view, ctx, check)
