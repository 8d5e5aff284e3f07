"""The thin command-line layer: parse options, call the library, print, choose the exit code.

Exit codes: 0 no flag at or above ``--fail-on``; 1 there are such flags;
2 usage or input error (one line on stderr, never a traceback).
Heavy modules (the pipeline, sacrebleu, torch) are imported inside the commands.
"""

from __future__ import annotations

import contextlib
import enum
import itertools
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

try:
    import typer
    from typer.core import TyperGroup
except KeyboardInterrupt:  # Ctrl-C while the command line is still starting up
    sys.stderr.write("tadqiq: interrupted\n")
    raise SystemExit(130) from None

from eval.runtime import tune_gc
from eval.scoring.registry import DEFAULT_METRIC, METRICS
from tadqiq import __version__
from tadqiq.errors import TadqiqError

if TYPE_CHECKING:
    from rich.progress import TaskID

#: click's UsageError, the base of every command-line mistake (typer exports only its subclass
#: BadParameter; recent typers carry their own copy of click, older ones use click itself).
UsageError: type[Exception] = typer.BadParameter.__mro__[1]

_FLAG_VALUES = frozenset({"true", "false", "yes", "no", "on", "off", "1", "0"})


def usage_error_line(exc: Exception, argv: Sequence[str] = ()) -> str:
    """A usage error as the one line ``tadqiq: error: …`` (naming the option), for stderr.

    A flag given a value (``--quiet true``) is named as such: flags take no value.
    """
    ctx = getattr(exc, "ctx", None)
    message = " ".join(exc.format_message().split()).replace("Value error, ", "").rstrip(".")
    if "unexpected extra argument" in message and ctx is not None:
        flags = {opt for p in ctx.command.params if getattr(p, "is_flag", False) for opt in p.opts}
        for flag, value in itertools.pairwise(argv):
            if flag in flags and value.lower() in _FLAG_VALUES:
                message = f"{flag} is a flag and takes no value: write '{flag}' alone, not '{flag} {value}'"
                break
    message = message[:1].lower() + message[1:] if message[1:2].islower() else message
    command = " ".join(["tadqiq", *(ctx.command_path.split()[1:] if ctx is not None else [])])
    return f"tadqiq: error: {message} (see '{command} --help')"


class _OneLineUsageErrors(TyperGroup):
    """The root command: a usage error is one line on stderr and exit code 2 (not a box)."""

    def make_context(self, info_name, args, parent=None, **extra):
        argv = list(args)
        try:
            ctx = super().make_context(info_name, args, parent=parent, **extra)
        except UsageError as exc:
            _usage_failure(exc, argv)
        ctx.meta["tadqiq.argv"] = argv
        return ctx

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            _usage_failure(exc, ctx.meta.get("tadqiq.argv", ()))


def _usage_failure(exc: Exception, argv: Sequence[str]) -> NoReturn:
    if type(exc).__name__ == "NoArgsIsHelpError":  # bare `tadqiq` or `tadqiq models`: the help
        raise exc
    typer.echo(usage_error_line(exc, argv), err=True)
    raise typer.Exit(2)


# rich_markup_mode=None: click's plain help (flags shown as flags, no boxes; fits 80 columns).
app = typer.Typer(
    name="tadqiq",
    help="Arabic→English translation quality checker: back-translate, align, score, flag.",
    cls=_OneLineUsageErrors,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    add_completion=False,
)
models_app = typer.Typer(help="The translation models named in models.yaml.", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(models_app, name="models")
bench_app = typer.Typer(help="Measure tadqiq on labelled data.", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(bench_app, name="bench")


#: The ``--metric`` choices: the keys of the metric registry.
Metric = enum.Enum("Metric", {key: key for key in METRICS}, type=str)


class Engine(str, enum.Enum):
    """Where ``tadqiq eval`` translates and flags (:mod:`eval.nightly.engine`)."""

    local = "local"
    ray = "ray"


class FailOn(str, enum.Enum):
    minor = "minor"
    major = "major"
    critical = "critical"
    never = "never"


def _fail(message: str) -> NoReturn:
    typer.echo(f"tadqiq: error: {message}", err=True)
    raise typer.Exit(2)


_interrupt_reported = False


def _interrupted(message: str = "tadqiq: interrupted") -> NoReturn:
    """Ctrl-C: one line on stderr, exit 130 (typer turns a stray KeyboardInterrupt into 130 too)."""
    global _interrupt_reported
    _interrupt_reported = True
    typer.echo(message, err=True)
    raise typer.Exit(130)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"tadqiq {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """tadqiq — where is the Arabic translation wrong?"""


ModelsFile = Annotated[
    Path | None,
    typer.Option("--models-file", help="models.yaml to use (default: $TADQIQ_MODELS, ./models.yaml, the bundled one)."),
]

# The registry (eval.flags.registry) is not imported for --help; a test keeps these names in step.
CHECKS_HELP = (
    "Checks to run, comma-separated (default: all): numbers, dates, untranslated, negation, "
    "named-entity, idiom, phrasal-verb, tense, modality, roles, relation, agreement, glossary, gaps, consistency, "
    "sentence-alignment, segment-score; "
    "or the ones to leave out: -idiom,-segment-score."
)
Checks = Annotated[str | None, typer.Option("--checks", help=CHECKS_HELP)]


def _check_selection(checks: str | None) -> frozenset[str] | None:
    """``--checks`` as check names (None: all); an unknown name exits 2 naming the valid ones."""
    if checks is None:
        return None
    from eval.flags.registry import parse_selection

    try:
        return parse_selection(checks)
    except TadqiqError as exc:
        _fail(str(exc))


@app.command()
def check(
    article: Annotated[Path, typer.Argument(help="The Arabic article (plain text, one paragraph per line), or an XLIFF/TMX file with English sources and Arabic targets.")],
    reference: Annotated[Path | None, typer.Option("--reference", "-r", help="The English reference it translates (not needed for XLIFF/TMX).")] = None,
    model: Annotated[str | None, typer.Option("--model", "-m", help="Model name from models.yaml.")] = None,
    hypothesis: Annotated[
        Path | None,
        typer.Option("--hypothesis", help="An existing English back-translation (one line per paragraph or per sentence; per unit for XLIFF/TMX) instead of a model."),
    ] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the report as JSON here.")] = None,
    html_out: Annotated[Path | None, typer.Option("--html", help="Write the self-contained HTML review page here.")] = None,
    csv_out: Annotated[Path | None, typer.Option("--csv", help="Write the flags as CSV here.")] = None,
    xlsx_out: Annotated[Path | None, typer.Option("--xlsx", help="Write the flags as an Excel workbook here.")] = None,
    xliff_out: Annotated[Path | None, typer.Option("--xliff-out", help="XLIFF/TMX input only: write a copy of it (same format) with the flags as notes here.")] = None,
    decisions: Annotated[Path | None, typer.Option("--decisions", help="Review decisions exported from the HTML report: dismissed flags stay dismissed.")] = None,
    fail_on: Annotated[FailOn, typer.Option("--fail-on", help="Exit 1 when a flag (not dismissed) has at least this severity.")] = FailOn.critical,
    models_file: ModelsFile = None,
    cache: Annotated[Path | None, typer.Option("--cache", help="Translation cache file (default: user cache dir or $TADQIQ_CACHE).")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Do not read or write the translation cache.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the one-line summary.")] = False,
    visual_bidi: Annotated[bool, typer.Option("--visual-bidi", help="Reorder Arabic for terminals without bidi support.")] = False,
    timings: Annotated[bool, typer.Option("--timings", help="Print the time spent in each stage.")] = False,
    glossary: Annotated[Path | None, typer.Option("--glossary", help="CSV 'english,arabic' of required renderings (alternatives separated by |).")] = None,
    min_confidence: Annotated[float | None, typer.Option("--min-confidence", min=0.0, max=1.0, help="Show span flags at or above this calibrated confidence (default 0.4): the share of such flags that were right on the labelled development sets.")] = None,
    allow_mismatch: Annotated[bool, typer.Option("--allow-mismatch", help="Check even a reference that seems to belong to another article.")] = False,
    checks: Checks = None,
) -> None:
    """Check an Arabic article against its English reference."""
    if model and hypothesis:
        _fail("give either --model or --hypothesis, not both")
    selected = _check_selection(checks)
    from eval.text.formats import is_paired_input

    paired_input = is_paired_input(article)
    if not paired_input and reference is None:
        _fail("--reference is required (the English text the article translates)")
    if xliff_out is not None and not paired_input:
        _fail("--xliff-out needs an XLIFF or TMX input")
    from rich.console import Console

    from eval.reports.outputs import OutputPaths, build_outputs, write_outputs
    from eval.reports.terminal import render, summary_line
    from tadqiq.pipeline import CheckRequest, check_input

    console = Console(stderr=False, highlight=False)
    request = CheckRequest(
        article=article, reference=reference, model=model, hypothesis=hypothesis,
        models_file=models_file, cache=cache, use_cache=not no_cache, glossary=glossary,
        min_confidence=min_confidence, allow_mismatch=allow_mismatch, checks=selected,
    )
    try:
        report, paired = check_input(request, progress=_progress_factory(quiet))
        if decisions is not None:
            from eval.reports.review import apply_decisions, load_decisions

            report = apply_decisions(report, load_decisions(decisions, report))
        report_started = time.perf_counter()  # the "report" stage of --timings
        paths = OutputPaths(json_out, html_out, csv_out, xlsx_out, xliff_out)
        write_outputs(build_outputs(report, paths, paired))
    except TadqiqError as exc:
        _fail(str(exc))
    except KeyboardInterrupt:
        # Outputs are written atomically: each is either complete or as it was before.
        _interrupted()
    if not quiet:
        render(report, console, visual=visual_bidi)
    console.print(summary_line(report), markup=False)
    _say_written(console, json_out, html_out, csv_out, xlsx_out, xliff_out)
    if timings:
        # "report" (building and writing every output, terminal included) is measured here,
        # after the JSON was written, so it is printed but not in the JSON's "timings".
        stages = {**report.timings, "report": time.perf_counter() - report_started}
        console.print("timings: " + ", ".join(f"{k} {v:.3f}s" for k, v in stages.items()))
    if fail_on is not FailOn.never:
        from eval.values import Severity

        if report.flags_at_or_above(Severity(fail_on.value)):
            raise typer.Exit(1)


def _say_written(console, *paths: Path | None) -> None:
    """One line naming the files written (also with --quiet: it hides the report, not where files went)."""
    written = [str(p) for p in paths if p is not None]
    if written:
        console.print(f"wrote {', '.join(written)}", markup=False, soft_wrap=True)  # paths are never cut


def _progress_factory(quiet: bool):
    """A rich progress bar for translation, shown only on a terminal and for long runs."""
    if quiet or not sys.stderr.isatty():
        return None

    def factory(total: int):
        from rich.progress import Progress

        progress = Progress(transient=True)
        progress.start()
        task = progress.add_task("translating", total=total)

        def advance(n: int) -> None:
            progress.advance(task, n)
            if progress.finished:
                progress.stop()

        return advance

    return factory


@models_app.command("list")
def models_list(models_file: ModelsFile = None) -> None:
    """List the models named in models.yaml and whether each is available locally."""
    from rich.console import Console

    from eval.reports.terminal import models_view
    from translator.registry import load_registry

    try:
        registry = load_registry(models_file)
        from translator.hub import availability

        rows = [
            (
                f"{name} {'default' if name == registry.default_name else ''}".strip(),
                spec.backend,
                str(spec.model or ""),
                _availability(spec, availability),
                spec.description or "",
            )
            for name, spec in registry.models.items()
        ]
    except TadqiqError as exc:
        _fail(str(exc))
    console = Console(highlight=False)
    for part in models_view(f"models in {registry.path}", rows, console.width):
        console.print(part)


def _availability(spec, hf_availability) -> str:
    if spec.backend == "hf":
        return hf_availability(spec)
    if spec.backend == "ctranslate2":
        from translator.ct2 import is_available_locally

        return "yes" if is_available_locally(spec) else "no (tadqiq models convert)"
    if spec.backend == "gloss":
        return "yes (no weights)"
    return "yes" if spec.path and Path(spec.path).is_dir() else "no"


@models_app.command("pull")
def models_pull(
    name: Annotated[str, typer.Argument(help="Model name from models.yaml.")],
    models_file: ModelsFile = None,
) -> None:
    """Download a model into the Hugging Face cache (needs a network)."""
    from translator.hub import pull
    from translator.registry import load_registry

    try:
        spec = load_registry(models_file).get(name)
        path = pull(spec)
    except TadqiqError as exc:
        _fail(str(exc))
    typer.echo(f"{name}: {path}")


@models_app.command("convert")
def models_convert(
    name: Annotated[str, typer.Argument(help="Name of an hf model in models.yaml.")],
    int8: Annotated[bool, typer.Option("--int8", help="Store the weights as int8 (4× smaller, fastest on CPU); default: the checkpoint's dtype.")] = False,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Directory to write (default: NAME or NAME-int8 in tadqiq/ct2/ under the user cache dir).")] = None,
    models_file: ModelsFile = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the output directory if it exists.")] = False,
) -> None:
    """Convert an hf model to CTranslate2, for a models.yaml entry with backend: ctranslate2."""
    from translator.registry import load_registry

    try:
        spec = load_registry(models_file).get(name)
        from translator.ct2 import convert

        path = convert(spec, output, quantization="int8" if int8 else None, force=force)
    except TadqiqError as exc:
        _fail(str(exc))
    typer.echo(f"{name}: {path}")
    typer.echo(
        f"use it with a models.yaml entry: backend: ctranslate2, model: {path}"
        f", compute_type: {'int8' if int8 else 'float32'}"
    )


@bench_app.command("flags")
def bench_flags(
    folders: Annotated[list[Path] | None, typer.Argument(help="Labelled sets (folders searched for gold.json).")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the figures as JSON here.")] = None,
    show_missed: Annotated[bool, typer.Option("--missed", help="List the gold errors no flag found.")] = False,
    checks: Checks = None,
) -> None:
    """Span precision, recall and F1 per category and per check on labelled articles (with their back-translations).

    Per check, a flag counts for every check whose evidence it carries; a check's recall is
    the share of all gold errors (every category) found by a flag carrying its evidence.
    """
    import json

    from rich.console import Console

    from eval.flags.bench import labelled_sets, score, tally
    from eval.text.files import write_atomic
    from eval.values import counted
    from tadqiq.pipeline import CheckRequest
    from tadqiq.pipeline import check as run_check

    selected = _check_selection(checks)
    roots = folders or [Path(__file__).resolve().parent.parent / "bench" / "data" / "flags"]

    def one(folder: Path):
        glossary = folder / "glossary.csv"
        glossary_path = glossary if glossary.exists() else None
        return run_check(CheckRequest(
            article=folder / "article.ar.txt", reference=folder / "reference.en.txt",
            hypothesis=folder / "hypothesis.en.txt",
            glossary=glossary_path, checks=selected,
        ))

    try:
        sets = labelled_sets(roots)
        docs = [d for folders in sets.values() for d in folders]
        scored = score(docs, one)
        result = tally(scored)
        by_set = {}
        if len(sets) > 1:
            by_doc = dict(zip(docs, scored, strict=True))
            by_set = {name: tally([by_doc[d] for d in folders]) for name, folders in sets.items()}
        if json_out is not None:
            data = result.to_json()
            if by_set:
                data["sets"] = {name: r.to_json() for name, r in by_set.items()}
            write_atomic(json_out, json.dumps(data, indent=2) + "\n")
    except TadqiqError as exc:
        _fail(str(exc))
    console = Console()
    if by_set:
        console.print(_sets_table(by_set))
    rows = [*sorted(result.per_category.items()), ("all", result.overall),
            ("critical+major", result.major_plus)]
    console.print(_tally_table(f"flags on {counted(len(docs), 'labelled document')}", "category", rows))
    console.print(
        f"false flags per clean segment: {result.false_per_clean_segment:.3f} "
        f"({result.false_on_clean} on {result.clean_segments} segments)"
    )
    console.print(_tally_table("per check", "check", list(result.per_check.items())))
    console.print(
        "a flag counts for every check in its evidence; "
        f"a check's recall is over all {result.overall.gold} gold errors"
    )
    if show_missed:
        for m in result.missed:
            console.print(f"missed: {m}")
    _say_written(console, json_out)


def _sets_table(by_set):
    """One row per labelled set: critical+major and overall precision/recall, false flags."""
    from rich.table import Table

    table = Table(title="per labelled set")
    for col in ("set", "docs", "gold", "crit+major P", "crit+major R", "all P", "all R", "false/clean seg"):
        table.add_column(col, justify="left" if col == "set" else "right", no_wrap=True)
    for name, r in by_set.items():
        table.add_row(
            name, str(len(r.docs)), str(r.overall.gold),
            f"{r.major_plus.precision:.2f}", f"{r.major_plus.recall:.2f}",
            f"{r.overall.precision:.2f}", f"{r.overall.recall:.2f}", f"{r.false_per_clean_segment:.3f}",
        )
    return table


def _tally_table(title: str, first: str, rows):
    from rich.table import Table

    table = Table(title=title)
    for col in (first, "precision", "recall", "F1", "flags", "gold"):
        table.add_column(col, justify="right" if col != first else "left")
    for name, t in rows:
        table.add_row(name, f"{t.precision:.2f}", f"{t.recall:.2f}", f"{t.f1:.2f}", str(t.flags), str(t.gold))
    return table


@app.command("eval")
def eval_command(
    corpus: Annotated[Path, typer.Argument(help="A folder of NAME.ar.txt + NAME.en.txt pairs, a JSONL/TSV file of pairs, or a folder of XLIFF/TMX files.")],
    models: Annotated[str, typer.Option("--models", help="Comma-separated model names from models.yaml.")],
    baseline: Annotated[str | None, typer.Option("--baseline", help="Model the others are tested against (default: the first).")] = None,
    history: Annotated[str | None, typer.Option("--history", help="History database: a SQLite file (default: user data dir) or a postgresql:// URL.")] = None,
    no_history: Annotated[bool, typer.Option("--no-history", help="Do not read or record history.")] = False,
    out: Annotated[Path | None, typer.Option("--out", help="Folder for per-document JSONL, the summary and resume state.")] = None,
    fail_on_regression: Annotated[float | None, typer.Option("--fail-on-regression", help="Exit 1 when a model loses more than this many points (and significantly) against its previous run.")] = None,
    metric: Annotated[Metric, typer.Option("--metric", help="Metric for regressions.")] = DEFAULT_METRIC,  # type: ignore[valid-type, assignment]
    min_confidence: Annotated[float | None, typer.Option("--min-confidence", min=0.0, max=1.0, help="Span flags at or above this calibrated confidence count (default 0.4).")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Continue an interrupted run in --out without redoing finished documents.")] = False,
    models_file: ModelsFile = None,
    cache: Annotated[Path | None, typer.Option("--cache", help="Translation cache file.")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Do not use the translation cache.")] = False,
    glossary: Annotated[Path | None, typer.Option("--glossary", help="Glossary CSV applied to every document.")] = None,
    checks: Checks = None,
    samples: Annotated[int, typer.Option("--samples", min=10, help="Resamples for paired bootstrap / approximate randomization.")] = 1000,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the run's outcome as JSON here.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars (the summary is still printed).")] = False,
    engine: Annotated[Engine, typer.Option("--engine", help="Where documents are translated and flagged: this process, or a Ray cluster (pip install -e '.[ray]').")] = "local",  # type: ignore[assignment]
    ray_address: Annotated[str | None, typer.Option("--ray-address", help="Ray cluster: 'auto' (the one running here), host:port or ray://host:10001 (default: start a local one).")] = None,
    workers: Annotated[int | None, typer.Option("--workers", min=1, help="Ray: translation workers per model (default: half the cluster's CPUs).")] = None,
    gpus_per_worker: Annotated[float | None, typer.Option("--gpus-per-worker", min=0.0, help="Ray: GPUs per translation worker (default: 1 for models with device: cuda, else 0).")] = None,
) -> None:
    """Evaluate several models over a corpus: scores, significance, history, regressions."""
    import json

    from rich.console import Console

    from eval.nightly.runner import run_eval
    from eval.nightly.summary import summary_lines
    from eval.text.files import write_atomic

    selected = _check_selection(checks)
    names = [m.strip() for m in models.split(",") if m.strip()]
    if not names:
        _fail("--models needs at least one model name")
    if resume and out is None:
        _fail("--resume needs --out (the folder of the interrupted run)")
    if Engine(engine) is Engine.local and (ray_address, workers, gpus_per_worker) != (None, None, None):
        _fail("--ray-address, --workers and --gpus-per-worker need --engine ray")
    console = Console(highlight=False)
    store = None
    runner = None
    progress = _eval_progress(quiet)
    try:
        if Engine(engine) is Engine.ray:
            from eval.nightly.ray_engine import RayEngine

            runner = RayEngine(ray_address, workers=workers, gpus_per_worker=gpus_per_worker)
        if not no_history:
            from eval.nightly.store import open_history

            store = open_history(history)
        outcome = run_eval(
            corpus, names, models_file=models_file, baseline=baseline, history=store,
            out_dir=out, resume=resume, cache=cache, use_cache=not no_cache,
            progress=progress, fail_on_regression=fail_on_regression,
            metric=Metric(metric).value, glossary=glossary, min_confidence=min_confidence,
            checks=selected, n_samples=samples, engine=runner,
        )
        if json_out is not None:
            write_atomic(json_out, json.dumps(outcome.to_json(), ensure_ascii=False, indent=2) + "\n")
    except TadqiqError as exc:
        _fail(str(exc))
    except KeyboardInterrupt:
        _interrupted("tadqiq: interrupted; finished documents are kept in --out: run again with --resume")
    finally:
        if store is not None:
            store.close()
        if progress is not None:
            progress.stop()
        if runner is not None:
            runner.close()
    for line in summary_lines(outcome):
        console.print(line, markup=False)
    _say_written(console, json_out)
    raise typer.Exit(outcome.exit_code)


class _EvalProgress:
    """One rich progress bar per model over the sentences of its documents, on a terminal only."""

    def __init__(self) -> None:
        from rich.progress import Progress

        self.bars = Progress(transient=True)
        self.tasks: dict[str, TaskID] = {}
        self.totals: dict[str, int] = {}
        self.documents: dict[str, int] = {}

    def __call__(self, model: str, document: str, total: int):
        if not self.bars.live.is_started:
            self.bars.start()
        self.documents[model] = self.documents.get(model, 0) + 1
        self.totals[model] = self.totals.get(model, 0) + total
        label = f"{model}: document {self.documents[model]} ({document})"
        if model not in self.tasks:
            self.tasks[model] = self.bars.add_task(label, total=max(total, 1))
        else:
            self.bars.update(self.tasks[model], description=label, total=max(self.totals[model], 1))
        task = self.tasks[model]

        def advance(n: int) -> None:
            self.bars.advance(task, n)

        return advance

    def stop(self) -> None:
        self.bars.stop()


def _eval_progress(quiet: bool) -> _EvalProgress | None:
    if quiet or not sys.stderr.isatty():
        return None
    return _EvalProgress()


@app.command("history")
def history_command(
    history: Annotated[str | None, typer.Option("--history", help="History database: a SQLite file (default: user data dir) or a postgresql:// URL.")] = None,
    model: Annotated[str | None, typer.Option("--model", help="Only this model.")] = None,
    html_out: Annotated[Path | None, typer.Option("--html", help="Write the trend page (charts per metric over time) here.")] = None,
) -> None:
    """Show the history of evaluation runs, and write the trend report."""
    from rich.console import Console

    from eval.nightly.store import open_history
    from eval.nightly.trend import history_table, render_trend
    from eval.reports.terminal import history_view
    from eval.text.files import write_atomic

    try:
        with open_history(history) as store:
            rows = history_table(store, model)
            if html_out is not None:
                write_atomic(html_out, render_trend(store, model))
    except TadqiqError as exc:
        _fail(str(exc))
    console = Console(highlight=False)
    if not rows:
        console.print("no runs recorded yet")
        _say_written(console, html_out)
        return
    for part in history_view(rows, console.width):
        console.print(part)
    console.print(f"run ids: {', '.join(dict.fromkeys(r['run_id'] for r in rows))}", markup=False)
    _say_written(console, html_out)


def main() -> None:
    """Console-script entry point: typer's own usage errors also exit 2; Ctrl-C exits 130."""
    tune_gc()
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("tadqiq: interrupted", err=True)
        sys.exit(130)
    except SystemExit as exc:
        # typer turns a Ctrl-C outside the commands' own handlers into a silent exit 130.
        if exc.code == 130 and not _interrupt_reported:
            typer.echo("tadqiq: interrupted", err=True)
        raise
    finally:
        # The work is done (or reported as interrupted): a Ctrl-C arriving while Python
        # shuts down must not print a traceback or change the exit code.
        with contextlib.suppress(ValueError):  # not the main thread
            signal.signal(signal.SIGINT, signal.SIG_IGN)
