"""The HTML report, parsed with html.parser: highlights, columns, escaping, no external resources."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hostile import CLOSE, EVIDENCE, IMG, SCRIPT, hostile_report

from eval.reports.html import render_html, script_json, split_text, write_html
from eval.values import Category, Flag, HypSpan, Report, Severity, Span

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass(eq=False)
class Element:
    tag: str
    attrs: dict[str, str]
    parent: Element | None = None
    chunks: list[str] = field(default_factory=list)

    @property
    def ancestors(self) -> list[Element]:
        out, node = [], self.parent
        while node is not None:
            out.append(node)
            node = node.parent
        return out

    @property
    def text(self) -> str:
        return "".join(self.chunks)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    @property
    def flag_ids(self) -> list[str]:
        return self.attrs.get("data-flags", "").split()


class Page(HTMLParser):
    """Every element with its attributes and text, and any end tag that does not match its start."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.stack: list[Element] = []
        self.errors: list[str] = []
        self.feed(html)
        self.close()
        if self.stack:
            self.errors.append(f"unclosed: {[e.tag for e in self.stack]}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        el = Element(tag, {k: v or "" for k, v in attrs}, self.stack[-1] if self.stack else None)
        self.elements.append(el)
        if tag not in VOID:
            self.stack.append(el)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(Element(tag, {k: v or "" for k, v in attrs}, self.stack[-1] if self.stack else None))

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1].tag != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1].tag if self.stack else None}>")
            while self.stack and self.stack[-1].tag != tag:
                self.stack.pop()
        if self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        for el in self.stack:
            el.chunks.append(data)

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list[Element]:
        return [
            e for e in self.elements
            if (tag is None or e.tag == tag) and (cls is None or cls in e.classes)
            and all(e.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]


@pytest.fixture(scope="module")
def page(seed_html: str) -> Page:
    return Page(seed_html)


def test_markup_is_well_nested(page: Page) -> None:
    assert page.errors == []


def test_every_flag_is_highlighted_and_has_a_card(seed: Report, page: Page) -> None:
    highlighted = {
        fid for e in page.elements
        if "hl" in e.classes and e.tag in ("mark", "ins", "span") for fid in e.flag_ids
    }
    cards = {e.attrs["data-flag"] for e in page.find("li", "card")}
    ids = {f.id for f in seed.flags}
    assert len(ids) >= 10
    assert ids <= highlighted
    assert ids == cards
    # every flag has exactly one navigation target
    primaries = [i for e in page.elements for i in e.attrs.get("data-primary", "").split()]
    assert sorted(primaries) == sorted(ids)


def test_flags_appear_in_every_column_they_touch(seed: Report, page: Page) -> None:
    f4 = next(f for f in seed.flags if f.ar.text == "منا يدعم")
    columns = {
        next(a for a in e.ancestors if a.tag == "td").attrs["class"].split()[1]
        for e in page.find("mark") if f4.id in e.flag_ids
    }
    assert columns == {"col-ar", "col-hyp", "col-ref"}
    severities = {e.attrs["data-sev"] for e in page.elements if e.tag == "mark" and e.flag_ids == [f4.id]}
    assert severities == {"critical"}


def test_arabic_column_is_right_to_left(seed: Report, page: Page) -> None:
    cells = page.find("td", "col-ar")
    assert len(cells) == len(seed.segments)
    assert all(c.attrs.get("dir") == "rtl" and c.attrs.get("lang") == "ar" for c in cells)
    assert all(c.attrs.get("lang") == "en" for c in page.find("td", "col-ref") + page.find("td", "col-hyp"))


def test_cells_keep_the_text_exactly(seed: Report, page: Page) -> None:
    spans = page.find("span", "txt")
    assert len(spans) == 3 * len(seed.segments)
    inserted = [e.text for e in page.find("ins", "omission")]
    for k, seg in enumerate(seed.segments):
        ar, hyp, ref = (spans[3 * k + i].text for i in range(3))
        for label in inserted:
            ar = ar.replace(label, "", 1) if label in ar and label not in seg.ar.text else ar
        assert ar == seg.ar.text
        assert hyp == seg.hypothesis
        assert ref == seg.reference.text


def test_omission_is_an_insertion_marker_in_the_arabic_column(seed: Report, page: Page) -> None:
    omission = next(f for f in seed.flags if f.category is Category.OMISSION)
    [ins] = [e for e in page.find("ins", "omission") if e.flag_ids == [omission.id]]
    assert ins.text.startswith("⟂ missing: ")
    assert omission.reference.text in ins.text
    assert ins.attrs.get("tabindex") == "0"


def test_segment_level_flag_highlights_the_whole_cell(seed: Report, page: Page) -> None:
    by_seg = {s.id: s for s in seed.segments}
    whole = [f for f in seed.flags if f.ar.text and f.ar.start == by_seg[f.segment].ar.start
             and f.ar.end == by_seg[f.segment].ar.end]
    assert whole
    for f in whole:
        cells = [e for e in page.find("td", "cell-hl") if f.id in e.flag_ids]
        assert {c.attrs["class"].split()[1] for c in cells} >= {"col-ar"}
        assert [e for e in page.find("span", "chip") if e.flag_ids == [f.id]]


def test_header_has_scores_signatures_model_and_counts(seed: Report, page: Page, seed_html: str) -> None:
    for score in seed.corpus_scores.values():
        assert score.signature in seed_html
        assert f"{score.score:.1f}" in seed_html
    assert f"{seed.mqm.per_thousand:.1f}" in seed_html
    assert f"{seed.mqm.quality:.1f}" in seed_html
    assert seed.article.path in seed_html and seed.reference.path in seed_html
    assert seed.model["name"] in seed_html
    assert "tadqiq 0." in seed_html
    [svg] = page.find("svg")
    assert svg.attrs.get("role") == "img"
    bars = page.find("rect")
    categories = {f.category for f in seed.flags}
    assert len(bars) == 3 + len(categories)
    assert "rough word-by-word gloss" not in seed_html


def test_rough_gloss_is_labelled(seed: Report) -> None:
    html = render_html(replace(seed, model={**seed.model, "name": "gloss", "rough": True}))
    assert "rough word-by-word gloss" in Page(html).find("span", "rough")[0].text


def test_no_external_resources(seed_html: str, page: Page) -> None:
    assert not page.find("link")
    for e in page.elements:
        for name in ("src", "href", "action", "data", "poster"):
            value = e.attrs.get(name, "").strip().lower()
            assert not value.startswith(("http:", "https:", "//")), (e.tag, name, value)
    assert not re.search(r"(?i)\b(src|href)\s*=\s*[\"']?\s*(https?:)?//", seed_html)
    assert "@import" not in seed_html
    assert not re.search(r"(?i)url\(\s*[\"']?(https?:)?//", seed_html)
    scripts = page.find("script")
    assert all("src" not in s.attrs for s in scripts)


def test_page_data_is_json_for_the_script(seed: Report, page: Page) -> None:
    [data] = page.find("script", id="data")
    assert data.attrs["type"] == "application/json"
    payload = json.loads(data.text)
    assert payload["article"] == {"path": seed.article.path, "sha256": seed.article.sha256}
    assert payload["decisionsSchema"] == "tadqiq.decisions/1"
    assert [f["fingerprint"] for f in payload["flags"]] == [f.fingerprint for f in seed.flags]


def test_prior_false_alarm_is_shown_dismissed(seed: Report) -> None:
    target = next(f for f in seed.flags if f.severity is Severity.CRITICAL)
    flags = [replace(f, review="false-alarm") if f is target else f for f in seed.flags]
    page = Page(render_html(replace(seed, flags=flags)))
    [card] = [e for e in page.find("li", "card") if e.attrs["data-flag"] == target.id]
    assert "decided-false-alarm" in card.classes
    pressed = {b.attrs["data-decision"]: b.attrs["aria-pressed"]
               for b in page.find("button", "decide") if card in b.ancestors}
    assert pressed == {"false-alarm": "true", "accepted": "false"}
    marks = [e for e in page.find("mark") if e.flag_ids == [target.id]]
    assert marks and all("dismissed" in m.classes for m in marks)


def test_write_html_writes_the_page(seed: Report, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    write_html(seed, out)
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


# --- splitting at flag boundaries ---------------------------------------------------------------


def _flag(fid: str, start: int, end: int, severity: Severity = Severity.MINOR, review: str | None = None) -> Flag:
    return Flag(fid, 0, Category.MISTRANSLATION, severity, 0.9, Span("x", 1, start, end), Span(), HypSpan(),
                review=review)


def test_overlapping_flags_become_flat_pieces_with_their_flag_sets() -> None:
    from eval.reports.html import Highlight, Insertion

    text = "abcdefghijklmnop"
    a, b, c = _flag("F1", 0, 10), _flag("F2", 5, 15, Severity.CRITICAL), _flag("F3", 3, 4)
    items = split_text(text, [Highlight(a, 0, 10), Highlight(b, 5, 15), Highlight(c, 3, 4)],
                       [Insertion(_flag("F4", 12, 12, Severity.MAJOR), 12, "⟂ missing: x")])
    assert "".join(i.text for i in items if i.kind != "ins") == text
    shape = [(i.kind, i.text, i.flags, i.severity) for i in items]
    assert shape == [
        ("mark", "abc", ("F1",), "minor"),
        ("mark", "d", ("F1", "F3"), "minor"),
        ("mark", "e", ("F1",), "minor"),
        ("mark", "fghij", ("F1", "F2"), "critical"),
        ("mark", "kl", ("F2",), "critical"),
        ("ins", "⟂ missing: x", ("F4",), "major"),
        ("mark", "mno", ("F2",), "critical"),
        ("text", "p", (), ""),
    ]
    assert [i.anchors for i in items] == [["F1"], ["F3"], [], ["F2"], [], ["F4"], [], []]
    assert [i.ends for i in items if i.kind == "mark"] == [(), ("F3",), (), ("F1",), (), ("F2",)]


def test_a_dismissed_flag_does_not_colour_a_piece_it_shares() -> None:
    from eval.reports.html import Highlight

    crit = _flag("F1", 0, 4, Severity.CRITICAL, review="false-alarm")
    minor = _flag("F2", 2, 6)
    items = split_text("abcdef", [Highlight(crit, 0, 4), Highlight(minor, 2, 6)])
    assert [(i.text, i.severity, i.dismissed) for i in items] == [
        ("ab", "critical", True), ("cd", "minor", False), ("ef", "minor", False),
    ]


# --- hostile input -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def hostile() -> tuple[Report, str]:
    report = hostile_report()
    return report, render_html(report)


def test_hostile_text_is_escaped(hostile: tuple[Report, str]) -> None:
    report, html = hostile
    page = Page(html)
    assert page.errors == []
    scripts = page.find("script")
    assert len(scripts) == 2
    assert scripts[0].attrs == {"type": "application/json", "id": "data"}
    assert scripts[1].attrs == {} and "tadqiqDecisions" in scripts[1].text
    assert not page.find("img")
    assert not [e for e in page.elements if any(k.startswith("on") for k in e.attrs)]
    body_text = page.find("body")[0].text
    for needle in (SCRIPT, IMG, CLOSE):
        assert needle in body_text
    assert len([f for f in report.flags if f.evidence and f.evidence[0].signal == "test"]) == 3


def test_hostile_text_is_highlighted_as_text(hostile: tuple[Report, str]) -> None:
    report, html = hostile
    page = Page(html)
    ids = {f.id: f.ar.text for f in report.flags if f.evidence and f.evidence[0].signal == "test"}
    for fid, needle in ids.items():
        by_cell: dict[int, str] = {}
        for m in page.find("mark"):
            if fid in m.flag_ids:
                cell = next(a for a in m.ancestors if a.tag == "td")
                by_cell[id(cell)] = by_cell.get(id(cell), "") + m.text
        assert list(by_cell.values()) == [needle] * 3  # Arabic, back-translation, reference


def test_script_data_cannot_break_out(hostile: tuple[Report, str]) -> None:
    report, html = hostile
    page = Page(html)
    [data] = page.find("script", id="data")
    raw = data.text
    assert "<" not in raw and ">" not in raw and "&" not in raw
    assert "\u2028" not in raw and "\u2029" not in raw
    payload = json.loads(raw)
    assert payload["article"]["path"] == report.article.path
    assert any(e["detail"] == EVIDENCE for f in payload["flags"] for e in f["evidence"])


def test_script_json_escapes_markup_characters() -> None:
    value = {"x": "</script><!-- & \u2028\u2029 >"}
    text = str(script_json(value))
    assert not set("<>&\u2028\u2029") & set(text)
    assert json.loads(text) == value


def test_missing_and_added_sentences(tmp_path: Path) -> None:
    from tests.flag_texts import report_of

    ar = ("قال الرئيس الفرنسي إيمانويل ماكرون يوم الخميس إن حلفاء أوكرانيا تعهدوا بنشر القوات في البلاد.\n"
          "وأكد الوزير أن القرار نهائي ولا رجعة فيه على الإطلاق.\n"
          "وأضاف أن الطقس كان جميلا جدا في باريس أمس وأن الناس خرجوا إلى الحدائق.\n")
    ref = ("French President Emmanuel Macron said Thursday that Ukraine's allies pledged to deploy troops in the country.\n"
           "The talks in Berlin will resume next week with delegations from twelve countries and the European Commission.\n"
           "The minister stressed that the decision was final and irreversible.\n")
    hyp = ("French President Emmanuel Macron said on Thursday that Ukraine's allies pledged to deploy forces in the country.\n"
           "The minister confirmed that the decision is final and irreversible at all.\n"
           "He added that the weather was very beautiful in Paris yesterday and that people went out to the gardens.\n")
    report = report_of(ar, ref, hyp)
    omission = next(f for f in report.flags if f.category is Category.OMISSION)
    addition = next(f for f in report.flags if f.category is Category.ADDITION)
    page = Page(render_html(report))
    assert page.errors == []
    # the omission sits in the empty Arabic cell of its own row, the reference cell is flagged whole
    [ins] = [e for e in page.find("ins", "omission") if e.flag_ids == [omission.id]]
    [row] = [a for a in ins.ancestors if a.tag == "tbody"]
    assert row.attrs["id"] == f"seg-{omission.segment}"
    assert [a for a in ins.ancestors if a.tag == "td"][0].classes >= {"col-ar", "empty"}
    assert ins.text.startswith("⟂ missing: The talks in Berlin")
    assert [e for e in page.find("td", "cell-hl") if e.flag_ids == [omission.id]][0].classes >= {"col-ref"}
    # the added sentence is flagged whole in the Arabic and the back-translation
    cells = [e for e in page.find("td", "cell-hl") if addition.id in e.flag_ids]
    assert {next(c for c in e.classes if c.startswith("col-")) for e in cells} == {"col-ar", "col-hyp"}
    assert "no reference sentence" in [e.text for e in page.find("span", "placeholder")]


def test_a_report_without_flags(seed: Report) -> None:
    page = Page(render_html(replace(seed, flags=[])))
    assert page.errors == []
    assert not page.find("mark") and not page.find("li", "card")
    assert len(page.find("rect")) == 3
    assert "0 flags" in page.find("figcaption")[0].text
