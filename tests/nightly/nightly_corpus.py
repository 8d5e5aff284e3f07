"""A small news corpus for the nightly-evaluation tests, and a fake history store.

Three usable documents (Arabic article + English reference, 2–3 sentences each), one
pair whose Arabic file is empty, and one Arabic file without its reference. GOOD holds
faithful back-translations (one line per paragraph), WORSE garbled ones with wrong
numbers: swapping the precomputed model from GOOD to WORSE must look like a regression.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from eval.nightly.records import FlagRecord, ModelResult, RunRecord
from tadqiq.errors import InputError

DOCUMENTS: dict[str, tuple[str, str]] = {
    "a01-port": (
        "أعلنت هيئة الموانئ في البصرة يوم الأحد استئناف العمل في الميناء بعد إضراب استمر ثلاثة أيام."
        " وقال متحدث باسم الهيئة إن نحو 40 سفينة تنتظر التفريغ."
        " وأضاف أن العمال حصلوا على زيادة في الأجور بنسبة 15 بالمئة.\n",
        "The port authority in Basra announced on Sunday that work at the port had resumed"
        " after a three-day strike. A spokesman for the authority said about 40 ships were"
        " waiting to be unloaded. He added that the workers had won a 15 percent pay rise.\n",
    ),
    "a02-rain": (
        "هطلت أمطار غزيرة على العاصمة الأردنية عمان مساء الثلاثاء."
        " وأغلقت السلطات عدة طرق رئيسية بسبب الفيضانات.\n",
        "Heavy rain fell on the Jordanian capital Amman on Tuesday evening."
        " Authorities closed several main roads because of flooding.\n",
    ),
    "a03-wheat": (
        "توقعت وزارة الزراعة المغربية أن يرتفع محصول القمح هذا العام إلى 5 ملايين طن."
        " وقال الوزير إن الأمطار الأخيرة ساعدت المزارعين في الشمال."
        " لكنه حذر من أن الجفاف لا يزال يهدد مناطق الجنوب.\n",
        "Morocco's agriculture ministry expected this year's wheat harvest to rise to"
        " 5 million tonnes. The minister said recent rains had helped farmers in the north."
        " But he warned that drought still threatened southern regions.\n",
    ),
}
GOOD_NAMES = sorted(DOCUMENTS)
#: A glossary whose term a01-port's reference uses and its Arabic renders otherwise (a flag).
GLOSSARY = "english,arabic\nport authority,سلطة الميناء\n"

GOOD: dict[str, str] = {
    "a01-port": "The ports authority in Basra announced on Sunday the resumption of work at the"
    " port after a strike that lasted three days. A spokesman for the authority said about 40"
    " ships are waiting to be unloaded. He added that the workers got a 15 percent wage increase.\n",
    "a02-rain": "Heavy rains fell on the Jordanian capital Amman on Tuesday evening. The"
    " authorities closed several main roads because of the floods.\n",
    "a03-wheat": "The Moroccan agriculture ministry expected the wheat crop to rise this year to"
    " 5 million tonnes. The minister said the recent rains helped farmers in the north. But he"
    " warned that drought still threatens the southern regions.\n",
}

WORSE: dict[str, str] = {
    "a01-port": "Basra harbour bosses said on Sunday the strike of three days is over and ships"
    " move again. An official said 400 boats wait for unloading. Workers got a 50 percent pay"
    " cut, he said.\n",
    "a02-rain": "Strong storms hit Amman, the Jordanian capital, on Tuesday night. Police opened"
    " many roads despite the floods.\n",
    "a03-wheat": "Morocco's farm ministry said the wheat harvest would fall to 50 million tonnes"
    " this year. The minister said rains did not help northern farmers. But he said drought no"
    " longer threatens the south.\n",
}


# A one-file XLIFF 1.2 corpus document: two units, English source and Arabic target.
XLIFF = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
  <file original="story" source-language="en" target-language="ar" datatype="plaintext">
    <body>
      <trans-unit id="u1">
        <source>Heavy rain fell on Amman on Tuesday.</source>
        <target>هطلت أمطار غزيرة على عمان يوم الثلاثاء.</target>
      </trans-unit>
      <trans-unit id="u2">
        <source>Authorities closed 12 roads.</source>
        <target>وأغلقت السلطات 12 طريقا.</target>
      </trans-unit>
    </body>
  </file>
</xliff>
"""


def write_corpus(root: Path) -> Path:
    """The corpus directory: three pairs, an empty article, an article without reference."""
    root.mkdir(parents=True, exist_ok=True)
    for name, (ar, en) in DOCUMENTS.items():
        (root / f"{name}.ar.txt").write_text(ar, encoding="utf-8")
        (root / f"{name}.en.txt").write_text(en, encoding="utf-8")
    (root / "b01-empty.ar.txt").write_text("", encoding="utf-8")
    (root / "b01-empty.en.txt").write_text("The minister resigned on Monday.\n", encoding="utf-8")
    (root / "c01-orphan.ar.txt").write_text("استقال الوزير يوم الاثنين.\n", encoding="utf-8")
    (root / "README").write_text("not a document\n", encoding="utf-8")
    return root


def write_hypotheses(directory: Path, texts: dict[str, str]) -> Path:
    """Fill ``directory`` with NAME.en.txt files (removing the old ones)."""
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("*.en.txt"):
        old.unlink()
    for name, text in texts.items():
        (directory / f"{name}.en.txt").write_text(text, encoding="utf-8")
    return directory


class FakeHistory:
    """In-memory stand-in for eval.nightly.store.History (used only when that module is missing)."""

    def __init__(self) -> None:
        self._runs: list[RunRecord] = []

    def __enter__(self) -> FakeHistory:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def close(self) -> None:
        return None

    def record(self, run: RunRecord) -> None:
        if any(r.run_id == run.run_id for r in self._runs):
            raise InputError(f"run {run.run_id!r} is already recorded")
        self._runs.append(run)

    def runs(self, model: str | None = None) -> list[RunRecord]:
        return [r for r in self._runs if model is None or any(m.model == model for m in r.models)]

    def previous(
        self, model: str, before: datetime | None = None
    ) -> tuple[RunRecord, ModelResult] | None:
        runs = sorted(self._runs, key=lambda r: r.started_at)
        for run in reversed(runs):
            if before is not None and run.started_at >= before:
                continue
            for result in run.models:
                if result.model == model:
                    return run, result
        return None

    def flags(self, run_id: str, model: str) -> list[FlagRecord]:
        for run in self._runs:
            if run.run_id == run_id:
                for result in run.models:
                    if result.model == model:
                        return list(result.flags)
        return []


def fake_compare_flags(
    old: list[FlagRecord], new: list[FlagRecord], severity: str = "critical"
) -> tuple[list[FlagRecord], list[FlagRecord]]:
    def keep(flags: list[FlagRecord]) -> dict[tuple[str, str], FlagRecord]:
        return {(f.document, f.fingerprint): f for f in flags if f.severity == severity}

    before, after = keep(old), keep(new)
    return [f for k, f in after.items() if k not in before], [f for k, f in before.items() if k not in after]
