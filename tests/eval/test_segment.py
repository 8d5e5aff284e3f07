"""Tests for eval.text.segment: sentence splitting with offsets into the original text."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eval.text.normalise import CONTROL_CHARS
from eval.text.segment import segment
from eval.values import Segment

SEED = Path(__file__).resolve().parents[2] / "examples" / "seed"


def texts_of(text: str, language: str) -> list[str]:
    return [s.text for s in segment(text, language)]


def seed(name: str) -> str:
    return (SEED / name).read_text(encoding="utf-8")


def by_line(segments: list[Segment]) -> dict[int, list[Segment]]:
    lines: dict[int, list[Segment]] = {}
    for s in segments:
        lines.setdefault(s.line, []).append(s)
    return lines


# ---------------------------------------------------------------- seed files

# Sentences per line, counted by reading the files.
# One digit per line 1..28; the English reference splits line 16 into four sentences
# ("... a trilateral meeting. I think ..."), the Arabic into three.
REFERENCE_COUNTS = [int(d) for d in "1221121121112114111311112112"]
ARTICLE_COUNTS = [int(d) for d in "1221121121112113111311112112"]
HEADLINE_LINES = [5, 11, 19, 27]


@pytest.mark.parametrize(
    ("name", "language", "counts"),
    [
        ("reference.en.txt", "en", REFERENCE_COUNTS),
        ("article.ar.txt", "ar", ARTICLE_COUNTS),
        ("hypothesis.en.txt", "en", ARTICLE_COUNTS),
    ],
)
def test_seed_counts_per_line(name: str, language: str, counts: list[int]) -> None:
    text = seed(name)
    segs = segment(text, language)
    per_line = Counter(s.line for s in segs)
    assert [per_line[n] for n in range(1, 29)] == counts
    assert [s.line for s in segs if s.headline] == HEADLINE_LINES
    assert [s.index for s in segs] == list(range(len(segs)))
    for s in segs:
        assert text[s.start : s.end] == s.text
        assert s.paragraph == s.line - 1  # no blank lines in the seed


def test_seed_reference_details() -> None:
    lines = by_line(segment(seed("reference.en.txt"), "en"))
    (first,) = lines[1]
    assert first.text.startswith("KYIV, Ukraine (AP) — French President")
    assert first.text.endswith("once the fighting in its conflict with Russia ends.")
    assert "the U.S. envoy for peace talks, Steve Witkoff" in lines[3][0].text
    assert lines[3][1].text == "Zelenskyy also held a closed-door meeting with Witkoff."
    assert lines[4][0].text.endswith('lasting security."')
    (headline,) = lines[5]
    assert headline.text == "Macron and Zelenskyy say US backs the plan"
    assert headline.headline
    assert lines[6][1].text.startswith('"As for the format')
    assert "U.S. President Donald Trump" in lines[9][1].text
    assert "1.1 billion euros" in lines[13][0].text
    assert lines[13][0].text.endswith("according to a White House official.")
    assert [s.text[:12] for s in lines[16]] == [
        "The Ukrainia",
        '"This is not',
        '"We support ',
        "I think Russ",
    ]
    assert (
        lines[20][2].text
        == "Ukraine hopes for continued U.S. intelligence sharing and air support."
    )
    assert lines[27][0].text == "___"
    assert lines[28][0].text == "Petrequin reported from London."


def test_seed_article_details() -> None:
    lines = by_line(segment(seed("article.ar.txt"), "ar"))
    (first,) = lines[1]
    assert first.text.startswith("كييف ، أوكرانيا (AP)")
    assert first.text.endswith("مع روسيا.")
    assert first.text.count("،") == 1
    (headline,) = lines[5]
    assert headline.text == "يقول Macron و Zelenskyy منا يدعم الخطة"
    assert headline.headline
    assert "1.1 مليار يورو" in lines[13][0].text
    assert lines[3][1].text == "عقدت زيلنسكي أيضًا اجتماعًا مغلقًا مع Witkoff."
    assert lines[16][1].text == "“هذه ليست مسألة رغبة ، هذه مسألة ضرورة” ، قال زيلنسكي."
    assert lines[16][2].text.endswith("لتأجيله”.")
    assert lines[28][0].text == "ذكرت Petrequin من لندن."


# ---------------------------------------------------------------- English


@pytest.mark.parametrize(
    "text",
    [
        "The U.S. envoy met Mr. Smith and Dr. Jones in the morning.",
        "Gov. Newsom, Sen. Padilla and Rep. Lee met Gen. Milley, Col. Ray and Lt. Kim.",
        "Sgt. Pepper, Prof. Xavier and Mrs. Doubtfire visited Ms. Marvel today.",
        "U.S. President Donald Trump spoke to U.K. and U.N. officials and the E.U. Commission.",
        "The talks begin Jan. 5 and end Sept. 12, or Sep. 13, or Oct. 1, or Nov. 2, or Dec. 3.",
        "It happened Feb. 2 and Aug. 3 at 10 a.m. Eastern and 5 p.m. Moscow time.",
        "Apple Inc. Chief Executive Tim Cook met Acme Corp. Vice President Jo at Acme Co. Headquarters.",
        "Smith Ltd. Board members and Jones Jr. Family met at St. Mark's.",
        "Ali vs. Frazier was No. 1 on the list.",
        "J. K. Rowling and George W. Bush met John F. Kennedy Jr. Fans.",
        "Prices rose 3.5% to 1.1 billion euros, or 2.75 each.",
        "Washington, D.C. Police said nothing.",
        "He visited Paris, Rome, etc. Then he flew home.",
    ],
)
def test_english_no_split(text: str) -> None:
    assert texts_of(text, "en") == [text]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It ended. Then it began.", ["It ended.", "Then it began."]),
        ("Really? Yes! Fine.", ["Really?", "Yes!", "Fine."]),
        ('He said "no." Then he left.', ['He said "no."', "Then he left."]),
        ("He said “no.” Then he left.", ["He said “no.”", "Then he left."]),
        ("(It ended.) Then.", ["(It ended.)", "Then."]),
        ('It ended. "We won," he said.', ["It ended.", '"We won," he said.']),
        ("It ended. “We won,” he said.", ["It ended.", "“We won,” he said."]),
        ("It was 2020. 3 people died.", ["It was 2020.", "3 people died."]),
        ("Wait… Then go.", ["Wait…", "Then go."]),
        (
            "He lives in the U.S. The next day he left.",
            ["He lives in the U.S.", "The next day he left."],
        ),
        ("It was made in the U.K. It is old.", ["It was made in the U.K.", "It is old."]),
        ("He works at Acme Inc. He likes it.", ["He works at Acme Inc.", "He likes it."]),
        ("It began at 3 a.m. The police came.", ["It began at 3 a.m.", "The police came."]),
        ("He said no. Then he left.", ["He said no.", "Then he left."]),
        ("Ask No. More.", ["Ask No.", "More."]),  # "No." is an abbreviation only before a digit
        ("It ended.  \u200fThen it began.", ["It ended.", "Then it began."]),  # RLM is an edge
    ],
)
def test_english_split(text: str, expected: list[str]) -> None:
    assert texts_of(text, "en") == expected


@pytest.mark.parametrize(
    "text",
    [
        '"Why?" he asked.',
        "It is e.g. fine and i.e. good.",
        "He said... and then nothing.",
        "Rates were 1.5. percent",  # not split: lowercase follows
    ],
)
def test_english_lowercase_after_stop_does_not_split(text: str) -> None:
    assert len(segment(text, "en")) == 1


def test_english_offsets_and_whitespace() -> None:
    text = "  First one.   Second one.  \n"
    segs = segment(text, "en")
    assert [(s.text, s.start, s.end) for s in segs] == [
        ("First one.", 2, 12),
        ("Second one.", 15, 26),
    ]


# ---------------------------------------------------------------- Arabic


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("قال ذلك ، ثم ذهب. وعاد مساء.", ["قال ذلك ، ثم ذهب.", "وعاد مساء."]),
        ("هل انتهى؟ نعم.", ["هل انتهى؟", "نعم."]),
        ("هل انتهى? نعم!", ["هل انتهى?", "نعم!"]),
        ("انتظر… ثم اذهب.", ["انتظر…", "ثم اذهب."]),
        ("قال: “انتهى.” وغادر.", ["قال: “انتهى.”", "وغادر."]),
        ("قال: «انتهى.» وغادر.", ["قال: «انتهى.»", "وغادر."]),
        ("انتهى. “نحن ندعم ذلك”.", ["انتهى.", "“نحن ندعم ذلك”."]),
        ("ارتفع بنسبة ٣٫٥ في المئة. ثم انخفض.", ["ارتفع بنسبة ٣٫٥ في المئة.", "ثم انخفض."]),
        ("بلغ ٢٠٢٠. ٣ قتلى.", ["بلغ ٢٠٢٠.", "٣ قتلى."]),
        ("اجتمع مع Witkoff. ثم غادر.", ["اجتمع مع Witkoff.", "ثم غادر."]),
    ],
)
def test_arabic_split(text: str, expected: list[str]) -> None:
    assert texts_of(text, "ar") == expected


@pytest.mark.parametrize(
    "text",
    [
        "كييف ، أوكرانيا (AP)-قال الرئيس ، يوم الخميس ، إن 26 دولة تعهدت.",
        "بلغت المبيعات 1.1 مليار يورو و٣٫٥ في المئة و٣.٥ أيضا.",
        "قال د. محمد علي إن الاجتماع انتهى.",
        "“هذه ليست مسألة رغبة.” ، قال زيلنسكي.",
        "التقى المبعوث Mr. Witkoff بالرئيس.",
    ],
)
def test_arabic_no_split(text: str) -> None:
    assert texts_of(text, "ar") == [text]


# ---------------------------------------------------------------- lines, headlines


def test_headlines() -> None:
    text = "عنوان بلا نقطة\nجملة تامة.\n___\nجملة أولى. جملة ثانية بلا نقطة\n“جملة مقتبسة.”\n"
    segs = segment(text, "ar")
    assert [(s.text, s.headline) for s in segs] == [
        ("عنوان بلا نقطة", True),
        ("جملة تامة.", False),
        ("___", True),
        ("جملة أولى.", False),
        ("جملة ثانية بلا نقطة", False),
        ("“جملة مقتبسة.”", False),
    ]


def test_english_headline_and_quote_end() -> None:
    segs = segment('Trump phone call\nHe said "yes."\nWhy not?\n', "en")
    assert [s.headline for s in segs] == [True, False, False]


def test_blank_lines_paragraphs_and_line_numbers() -> None:
    text = "\n\nFirst para. Still first.\n\n   \nSecond para\n\nThird.\n\n"
    segs = segment(text, "en")
    assert [(s.line, s.paragraph, s.text) for s in segs] == [
        (3, 0, "First para."),
        (3, 0, "Still first."),
        (6, 1, "Second para"),
        (8, 2, "Third."),
    ]


def test_crlf_and_lone_cr() -> None:
    crlf = "One. Two.\r\nThree.\r\n"
    segs = segment(crlf, "en")
    assert [(s.text, s.line, s.paragraph) for s in segs] == [
        ("One.", 1, 0),
        ("Two.", 1, 0),
        ("Three.", 2, 1),
    ]
    cr_only = segment("One.\rTwo.\r", "en")
    assert [(s.text, s.line, s.paragraph) for s in cr_only] == [("One.", 1, 0), ("Two.", 1, 1)]


def test_empty_and_blank_text() -> None:
    assert segment("", "ar") == []
    assert segment(" \n\u200f\n\t", "en") == []


def test_bad_language() -> None:
    with pytest.raises(ValueError):
        segment("x", "fr")


# ---------------------------------------------------------------- properties

_WORDS = "قال الرئيس ماكرون ٣٫٥ 1.1 ، ؟ . ! ? … “ ” « » \" ' ) ( U.S. Mr. The He said a.m. د. ً ___"
_PIECES = [*_WORDS.split(" "), " ", "  ", "\n", "\r\n", "\r", "\t", "\u200f", "\u200b", "\u0301"]
texts = st.lists(
    st.one_of(st.sampled_from(_PIECES), st.characters(), st.text(max_size=3)), max_size=60
).map("".join)


@settings(max_examples=200, deadline=None)
@given(texts, st.sampled_from(["ar", "en"]))
def test_segments_round_trip_and_cover_the_text(text: str, language: str) -> None:
    segs = segment(text, language)
    covered = [False] * len(text)
    previous_end = 0
    previous_paragraph = -1
    for i, s in enumerate(segs):
        assert s.index == i
        assert text[s.start : s.end] == s.text
        assert previous_end <= s.start < s.end
        assert s.line == text.count("\n", 0, s.start) + 1
        assert "\n" not in s.text and "\r" not in s.text
        edges = (s.text[0], s.text[-1])
        assert not any(ch.isspace() or ch in CONTROL_CHARS for ch in edges)
        assert s.paragraph in (previous_paragraph, previous_paragraph + 1)
        previous_end, previous_paragraph = s.end, s.paragraph
        for k in range(s.start, s.end):
            covered[k] = True
    # Nothing is lost: every visible character is inside some segment.
    for k, ch in enumerate(text):
        if not covered[k]:
            assert ch.isspace() or ch in CONTROL_CHARS, (k, ch)
