"""The README and docs/ stay true: links resolve, set-up commands lead, commands exist.

* every relative link and image in README.md and docs/*.md points at an existing file,
  and every ``#anchor`` at a heading of the target (GitHub's heading-slug rule);
* the README begins with the two set-up commands (the example check, then the tests);
* every ``tadqiq ...`` command shown in a code block (or an inline code span starting
  with ``tadqiq``) names a real subcommand, and each of its options is in that
  subcommand's ``--help``;
* every ``torch==…`` pin in the docs is .ci/run's, and the README shows how to install its
  CPU-only build from PyTorch's CPU wheel index (PyPI's Linux wheel is the CUDA build);
* bench/update_readme_figures.py finds the tables it rewrites in docs/benchmarks.md;
* every code block of README.md, docs/*.md and examples/README.md that can run, runs
  (:func:`runnable_blocks`), each block in a fresh temporary folder holding a link to
  the repository's ``examples/``, with the history, caches and user folders in that
  temporary folder too:

  - a ``python`` block is executed (``exec``) as it stands;
  - in a ``bash``/``sh``/``shell``/``console`` block, every ``tadqiq ...`` command (a
    line, or a part of a ``&&`` chain) is run through the CLI, in order, and must exit 0,
    or the code a trailing comment names (``# exit code 1: …``). The set-up commands
    around them (``pip``, ``apt-get``, ``python3 -m venv``, ``. .venv/bin/activate``,
    ``eval "$(…)"``, ``pytest``) are not run; any other command is a problem;
  - a block is **not run** when its first line is the visible marker comment
    ``# not run by the tests: <why>`` (a network, model weights, a browser's export…);
  - ``text`` blocks are synopses or output, and ``yaml``, ``cron``, ``json``/``jsonc``
    blocks are configuration: never run. A ``tadqiq`` command in a block without a
    language (or with another one) is a problem: label the block.

Each checker returns a list of problems; the ``*_are_caught`` tests feed it broken
Markdown, so a checker that stopped finding problems would fail too.
"""

from __future__ import annotations

import functools
import importlib.util
import re
import shlex
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
MARKDOWN = [README, *DOCS]


# --- reading Markdown -------------------------------------------------------------------------

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})(.*)$")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_INLINE_CODE = re.compile(r"(`+)(.+?)\1")
_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_REF_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


@dataclass(frozen=True)
class Block:
    """A fenced code block: its info string, its lines and the line number of its fence."""

    info: str
    lines: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class Markdown:
    prose: tuple[tuple[int, str], ...]  # (line number, text) outside code blocks
    blocks: tuple[Block, ...]

    @classmethod
    def parse(cls, text: str) -> Markdown:
        prose: list[tuple[int, str]] = []
        blocks: list[Block] = []
        fence: str | None = None
        info, body, start = "", [], 0
        for n, line in enumerate(text.splitlines(), 1):
            m = _FENCE.match(line)
            if fence is None:
                if m:
                    fence, info, body, start = m.group(1), m.group(2).strip(), [], n
                else:
                    prose.append((n, line))
            elif m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not m.group(2).strip():
                blocks.append(Block(info, tuple(body), start))
                fence = None
            else:
                body.append(line)
        if fence is not None:
            blocks.append(Block(info, tuple(body), start))  # unclosed: to the end, as GitHub does
        return cls(tuple(prose), tuple(blocks))

    def headings(self) -> list[str]:
        return [m.group(2) for _, line in self.prose if (m := _HEADING.match(line))]

    def anchors(self) -> set[str]:
        """The ids GitHub gives the headings (a repeated slug gets -1, -2, …)."""
        seen: dict[str, int] = {}
        out = set()
        for heading in self.headings():
            base = slug(heading)
            k = seen.get(base, 0)
            seen[base] = k + 1
            out.add(base if k == 0 else f"{base}-{k}")
        return out

    def links(self) -> Iterator[tuple[int, str]]:
        """(line, target) of every inline link, image and link definition outside code."""
        for n, line in self.prose:
            bare = _INLINE_CODE.sub("code", line)
            for m in _LINK.finditer(bare):
                yield n, m.group(1)
            if m := _REF_DEF.match(bare):
                yield n, m.group(1)


def slug(heading: str) -> str:
    """GitHub's heading id: lower case, punctuation dropped (not ``-`` or ``_``), spaces → ``-``."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link keeps its text
    text = re.sub(r"<[^>]+>", "", text).strip().lower()
    kept = "".join(c for c in text if c in " -_" or unicodedata.category(c)[0] in "LNM")
    return kept.replace(" ", "-")


@functools.cache
def parsed(path: Path) -> Markdown:
    return Markdown.parse(path.read_text(encoding="utf-8"))


# --- links ------------------------------------------------------------------------------------


def link_problems(files: dict[Path, Markdown], root: Path = ROOT) -> list[str]:
    """Every relative link whose file or ``#anchor`` does not exist."""
    problems = []
    for path, md in files.items():
        for line, target in md.links():
            if _SCHEME.match(target) or target.startswith("//"):
                continue  # a web address: not checked (no network in tests)
            where = f"{path.relative_to(root)}:{line}: {target}"
            file_part, _, anchor = target.partition("#")
            dest = (path.parent / file_part).resolve() if file_part else path
            if root not in dest.parents and dest != root:
                problems.append(f"{where}: leaves the repository")
                continue
            if not dest.exists():
                problems.append(f"{where}: no such file")
                continue
            if anchor and dest.suffix == ".md":
                target_md = files.get(dest) or Markdown.parse(dest.read_text(encoding="utf-8"))
                if anchor not in target_md.anchors():
                    problems.append(f"{where}: no heading with the id '{anchor}' in {dest.relative_to(root)}")
    return problems


def test_every_relative_link_and_anchor_resolves() -> None:
    assert DOCS, "docs/*.md is missing"
    assert link_problems({p: parsed(p) for p in MARKDOWN}) == []


def test_docs_are_reachable_from_the_readme() -> None:
    linked = {
        (README.parent / target.partition("#")[0]).resolve()
        for _, target in parsed(README).links() if not _SCHEME.match(target)
    }
    assert [p.name for p in DOCS if p not in linked] == []


def test_broken_links_and_anchors_are_caught(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    guide = tmp_path / "docs" / "guide.md"
    guide.write_text("# Guide\n\n## The editor's report (`--html`) and review decisions\n\n## Usage\n\n## Usage\n")
    readme = tmp_path / "README.md"
    readme.write_text(
        "# Title\n\n"
        "[ok](docs/guide.md) [ok](docs/guide.md#the-editors-report---html-and-review-decisions) "
        "[ok](docs/guide.md#usage-1) [ok](#title) [web](https://example.org/x) `[code](nowhere.md)`\n"
        "[missing file](docs/gone.md) [missing anchor](docs/guide.md#usage-2) ![image](docs/shot.png)\n"
        "[bad self anchor](#nothing) [outside](../../etc/passwd)\n\n"
        "```\n[in a code block](ignored.md)\n```\n"
    )
    problems = link_problems({p: Markdown.parse(p.read_text()) for p in (readme, guide)}, tmp_path)
    assert [p.split(": ", 1)[1] for p in problems] == [
        "docs/gone.md: no such file",
        "docs/guide.md#usage-2: no heading with the id 'usage-2' in docs/guide.md",
        "docs/shot.png: no such file",
        "#nothing: no heading with the id 'nothing' in README.md",
        "../../etc/passwd: leaves the repository",
    ]


@pytest.mark.parametrize(("heading", "expected"), [
    ("What happens when...", "what-happens-when"),
    ("The editor's report (`--html`) and review decisions", "the-editors-report---html-and-review-decisions"),
    ("Nightly evaluation runs (`tadqiq eval`, `tadqiq history`)", "nightly-evaluation-runs-tadqiq-eval-tadqiq-history"),
    ("The JSON report (`--json`, schema `tadqiq.check/1`)", "the-json-report---json-schema-tadqiqcheck1"),
    ("...something goes wrong while it runs, or a model is untrusted",
     "something-goes-wrong-while-it-runs-or-a-model-is-untrusted"),
    ("Arabic: تدقيق_x", "arabic-تدقيق_x"),
])
def test_slugs_follow_github(heading: str, expected: str) -> None:
    assert slug(heading) == expected


# --- the README's set-up commands -------------------------------------------------------------


def setup_problems(md: Markdown) -> list[str]:
    """The README must open with the two set-up commands, before its first section."""
    first_section = next((n for n, line in md.prose if line.startswith("## ")), None)
    blocks = md.blocks[:2]
    problems = []
    if len(blocks) < 2:
        return ["fewer than two code blocks"]
    if first_section is not None and blocks[1].line > first_section:
        problems.append("the set-up commands are not at the top (before the first '## ' section)")
    install, tests = ("\n".join(b.lines) for b in blocks)
    if "pip install -e ." not in install or "tadqiq check examples/seed/" not in install:
        problems.append("the first code block is not 'pip install -e . … tadqiq check examples/seed/…'")
    if not re.search(r"(^|&&\s*)pytest -q\s*$", tests, re.M):
        problems.append("the second code block does not run 'pytest -q'")
    for name in re.findall(r"examples/\S+", install):
        if not (ROOT / name).is_file():
            problems.append(f"the first command names {name}, which does not exist")
    return problems


def test_readme_begins_with_the_two_setup_commands() -> None:
    assert setup_problems(parsed(README)) == []


def test_missing_or_reordered_setup_commands_are_caught() -> None:
    install = "```bash\npython3 -m venv .venv && pip install -e . && tadqiq check examples/seed/article.ar.txt\n```\n"
    tests = "```bash\npip install -e '.[models,test]' && pytest -q\n```\n"
    assert setup_problems(Markdown.parse(f"# t\n\n{install}\n{tests}\n## More\n")) == []
    assert setup_problems(Markdown.parse(f"# t\n\n{tests}\n{install}\n")) != []
    assert setup_problems(Markdown.parse(f"# t\n\n## Intro\n\n{install}\n{tests}\n")) != []
    assert setup_problems(Markdown.parse(f"# t\n\n{install}\n")) != []
    gone = install.replace("examples/seed/article.ar.txt", "examples/seed/gone.ar.txt")
    assert setup_problems(Markdown.parse(f"# t\n\n{gone}\n{tests}\n")) != []



# --- installing torch ----------------------------------------------------------------------------

CPU_INDEX = "https://download.pytorch.org/whl/cpu"
_TORCH_PIN = re.compile(r"\btorch==([\w.+]+)")


def torch_install_problems(texts: dict[str, str], ci_script: str) -> list[str]:
    """The docs pin .ci/run's torch, and the README says how to get its CPU-only build elsewhere.

    The plain pinned install gives the CPU-only build only where pip finds a local CPU wheel
    (as .ci/run's machine does); PyPI's Linux wheel is the CUDA build.
    """
    pins = set(_TORCH_PIN.findall(ci_script))
    if len(pins) != 1:
        return [f".ci/run pins torch {len(pins)} times differently, expected one version"]
    (version,) = pins
    problems = [
        f"{name}: torch=={other}, but .ci/run installs torch=={version}"
        for name, text in texts.items()
        for other in sorted(set(_TORCH_PIN.findall(text)) - {version})
    ]
    wanted = f"pip install torch=={version} --index-url {CPU_INDEX}"
    if wanted not in texts.get("README.md", ""):
        problems.append(f"README.md does not show '{wanted}' for the CPU-only build")
    problems += [
        f"{name}: says the pinned torch is the CPU wheel, true only where pip finds a local one"
        for name, text in texts.items()
        if re.search(r"it is the CPU wheel", text)
    ]
    return problems


def test_torch_install_is_the_same_everywhere_and_the_cpu_build_is_explained() -> None:
    texts = {path.name: path.read_text(encoding="utf-8") for path in MARKDOWN}
    ci_script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert torch_install_problems(texts, ci_script) == []


def test_torch_install_problems_are_caught() -> None:
    ci_script = "pip install --quiet torch==2.13.0\n"
    good = f"pip install torch==2.13.0 && pytest -q\npip install torch==2.13.0 --index-url {CPU_INDEX}\n"
    assert torch_install_problems({"README.md": good}, ci_script) == []
    assert torch_install_problems({"README.md": good.replace(f" --index-url {CPU_INDEX}", "")}, ci_script)
    assert torch_install_problems({"README.md": good, "guide.md": "pip install torch==2.12.0"}, ci_script)
    claim = good + "(`torch==2.13.0` first: it is the CPU wheel)"
    assert torch_install_problems({"README.md": claim}, ci_script)
    assert torch_install_problems({"README.md": good}, ci_script + "pip install torch==2.12.0\n")


# --- tadqiq commands shown in the docs --------------------------------------------------------

_COMMAND = re.compile(r"(?:^\s*(?:\$\s+)?|&&\s*|\|\|\s*|;\s*|\brun:\s*)tadqiq\s+(.*)$")
_SHELL_OPERATORS = {"&&", "||", "|", ";", "<", ">", ">>", "2>", "2>&1"}
_BOX = "│┃|"


@functools.cache
def cli_help(path: tuple[str, ...]) -> str:
    """``tadqiq PATH --help`` as printed (wide, so nothing is cut)."""
    from tadqiq.cli import app

    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "250", "NO_COLOR": "1"})
    assert result.exit_code == 0, f"tadqiq {' '.join(path)} --help: {result.output}"
    return result.output


def _sections(help_text: str) -> dict[str, list[str]]:
    """Help text split by section title (``╭─ Options ─…`` panels, or click's ``Options:``)."""
    sections: dict[str, list[str]] = {}
    current = ""
    for line in help_text.splitlines():
        if m := re.match(r"^\s*╭─+\s*(.*?)\s*─+╮?\s*$", line) or re.match(r"^([A-Z][A-Za-z ]*):\s*$", line):
            current = m.group(1)
            sections[current] = []
        elif current:
            sections[current].append(line.strip().strip(_BOX).strip())
    return sections


def subcommands(help_text: str) -> set[str]:
    return {line.split()[0] for title, lines in _sections(help_text).items() if "Command" in title
            for line in lines if line and line[0].isalpha()}


def options(help_text: str) -> set[str]:
    """Option names in the first column of the help's option rows (not in descriptions)."""
    names = set()
    for title, lines in _sections(help_text).items():
        if "Option" not in title:
            continue
        for line in lines:
            for token in line.lstrip("* ").split():
                if not token.startswith("-"):
                    break
                names.update(n for n in re.split(r"[,/]", token) if n.startswith("-"))
    return names


def shown_commands(md: Markdown) -> Iterator[tuple[int, str]]:
    """(line, text after 'tadqiq') of every command in a code block or an inline code span."""
    for block in md.blocks:
        lines = list(block.lines)
        i = 0
        while i < len(lines):
            n, line = block.line + 1 + i, lines[i]
            # A continued line: a trailing backslash, or a synopsis going on with "[--…".
            while i + 1 < len(lines) and (
                line.rstrip().endswith("\\") or re.match(r"^\s+(\[|--?[A-Za-z])", lines[i + 1])
            ):
                i += 1
                line = line.rstrip().removesuffix("\\") + " " + lines[i].strip()
            if m := _COMMAND.search(line):
                yield n, m.group(1)
            i += 1
    for n, line in md.prose:
        for m in _INLINE_CODE.finditer(line):
            if m.group(2).strip().startswith("tadqiq "):
                yield n, m.group(2).strip().removeprefix("tadqiq ")


def command_problem(rest: str) -> str | None:
    """What is wrong with ``tadqiq REST`` (None: the subcommand and its options exist)."""
    rest = re.sub(r"(^|\s)#.*$", "", rest)  # a shell comment
    words = []
    depth = 0
    for token in rest.split():
        if depth == 0 and token in _SHELL_OPERATORS:
            break
        words.append(token)
        depth = max(0, depth + token.count("[") - token.count("]"))
    path: list[str] = []
    help_text = cli_help(())
    positional = [w for w in words if not w.lstrip("[").startswith("-")]
    for word in positional:
        commands = subcommands(help_text)
        if not commands:
            break
        if word not in commands:
            return (f"no subcommand '{word}' in 'tadqiq{''.join(' ' + p for p in path)}' "
                    f"(it has {', '.join(sorted(commands))})")
        path.append(word)
        help_text = cli_help(tuple(path))
    if subcommands(help_text) and path:
        return f"'tadqiq {' '.join(path)}' needs a subcommand ({', '.join(sorted(subcommands(help_text)))})"
    known = options(help_text)
    for word in words:
        m = re.match(r"^\[*(--?[A-Za-z][\w-]*)", word)
        if m and m.group(1) not in known:
            return f"'tadqiq {' '.join(path)}' has no option {m.group(1)}"
    return None


def command_problems(files: dict[Path, Markdown]) -> list[str]:
    problems = []
    for path, md in files.items():
        for line, rest in shown_commands(md):
            if problem := command_problem(rest):
                problems.append(f"{path.name}:{line}: tadqiq {rest.strip()}: {problem}")
    return problems


def test_every_tadqiq_command_shown_exists_with_its_options() -> None:
    files = {p: parsed(p) for p in MARKDOWN}
    assert sum(1 for md in files.values() for _ in shown_commands(md)) >= 20
    assert command_problems(files) == []


def test_wrong_commands_and_options_are_caught() -> None:
    md = Markdown.parse(
        "Run `tadqiq check a.txt --json r.json` or `tadqiq histroy`.\n\n"
        "```bash\n"
        "tadqiq check a.ar.txt -r r.en.txt --json out.json --fail-on never  # fine\n"
        "tadqiq check a.ar.txt --jsn out.json\n"
        "tadqiq models pull NAME\n"
        "tadqiq models fetch NAME\n"
        "tadqiq models\n"
        "cd /srv/tadqiq && tadqiq eval corpus --models a --quiet || mail -s x y\n"
        "tadqiq check ARTICLE [--model NAME | --hypothesis FILE]\n"
        "             [--colour]\n"
        "tadqiq bench flags \\\n    --json figures.json --verbose\n"
        "```\n"
    )
    problems = command_problems({ROOT / "x.md": md})
    assert [p.split(": ", 2)[2] for p in problems] == [
        "'tadqiq check' has no option --jsn",
        "no subcommand 'fetch' in 'tadqiq models' (it has convert, list, pull)",
        "'tadqiq models' needs a subcommand (convert, list, pull)",
        "'tadqiq check' has no option --colour",
        "'tadqiq bench flags' has no option --verbose",
        "no subcommand 'histroy' in 'tadqiq' (it has bench, check, eval, history, models)",
    ]


# --- the figures script -----------------------------------------------------------------------


def _figures_script():
    spec = importlib.util.spec_from_file_location("update_readme_figures", ROOT / "bench" / "update_readme_figures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _tally(p: float, r: float, gold: int) -> dict:
    return {"precision": p, "recall": r, "f1": 0.5, "flags": 7, "gold": gold}


def _figures(documents: int, gold: int, categories: tuple[str, ...] = ("number", "omission")) -> dict:
    return {
        "documents": documents,
        "overall": _tally(0.11, 0.22, gold),
        "critical_and_major": _tally(0.33, 0.44, gold),
        "false_flags_per_clean_segment": 0.55,
        "per_category": {c: _tally(0.66, 0.77, k) for k, c in enumerate(categories)},
    }


def test_the_figures_script_rewrites_the_benchmark_tables() -> None:
    script = _figures_script()
    assert script.FIGURES_FILE == ROOT / "docs" / "benchmarks.md"
    old = script.FIGURES_FILE.read_text(encoding="utf-8")
    categories = tuple(re.findall(r"^\| ([a-z-]+) \| [\d.]+ \| [\d.]+ \| [\d.]+ \| \d+ \| \d+ \|$", old, re.M))
    assert len(categories) >= 9  # the MQM categories of the per-category table
    new = script.update_figures(old, _figures(3, 30), _figures(4, 40), _figures(7, 70, categories))
    assert "| A (3 articles, 30 errors) | 0.33 | 0.44 | 0.11 | 0.22 | 0.55 |" in new
    assert "| B (4 articles, 40 errors) | 0.33 | 0.44 | 0.11 | 0.22 | 0.55 |" in new
    assert "| A+B | 0.33 | 0.44 | 0.11 | 0.22 | 0.55 |" in new
    assert (f"| category | precision | recall | F1 | flags | gold |\n|---|---|---|---|---|---|\n"
            f"| {categories[0]} | 0.66 | 0.77 | 0.50 | 7 | 0 |\n| {categories[1]} | 0.66 | 0.77 | 0.50 | 7 | 1 |\n") in new
    old_lines, new_lines = old.splitlines(), new.splitlines()
    assert len(old_lines) == len(new_lines)
    changed = [a for a, b in zip(old_lines, new_lines, strict=True) if a != b]
    assert len(changed) == 3 + len(categories)  # the set rows and the category rows, nothing else


def test_the_figures_script_refuses_a_file_without_its_tables() -> None:
    script = _figures_script()
    with pytest.raises(ValueError, match=r"\| A "):
        script.update_figures("# Benchmarks\n\nno tables\n", _figures(3, 30), _figures(4, 40), _figures(7, 70))


def test_the_figures_script_rewrites_the_per_check_table_from_the_development_split() -> None:
    script = _figures_script()
    old = script.FIGURES_FILE.read_text(encoding="utf-8")
    checks = re.findall(r"^\| ([a-z-]+) \| (?:[\d.]+|–) \| (?:[\d.]+|–) \| \d+ \| (?:[\d.]+|–) \|", old, re.M)
    assert "gaps" in checks and "numbers" in checks
    dev = {"per_check": {c: {"precision": 0.25, "recall": 0.125, "flags": 8} for c in checks}}
    both = _figures(7, 70)
    both["per_check"] = {c: {"precision": 0.5, "recall": 0.0625, "flags": 0 if c == "gaps" else 3} for c in checks}
    new = script.update_figures(old, _figures(3, 30), _figures(4, 40), both, dev)
    assert "| numbers | 0.25 | 0.125 | 8 | 0.50 | 0.062 | 3 |" in new
    assert "| gaps | 0.25 | 0.125 | 8 | – | – | 0 |" in new
    # without the development figures the per-check table is left as it was
    kept = script.update_figures(old, _figures(3, 30), _figures(4, 40), both)
    assert re.search(r"^\| gaps \| .*$", kept, re.M).group(0) == re.search(r"^\| gaps \| .*$", old, re.M).group(0)
    with pytest.raises(ValueError, match="C-dev precision"):
        script.update_figures(old.replace("| check | C-dev precision", "| chk | C-dev precision"),
                              _figures(3, 30), _figures(4, 40), both, dev)


# --- every runnable code block runs -----------------------------------------------------------

EXAMPLES_README = ROOT / "examples" / "README.md"
RUN_MARKDOWN = [*MARKDOWN, EXAMPLES_README]
SHELL_BLOCKS = frozenset({"bash", "sh", "shell", "console"})
NOT_COMMANDS = frozenset({"text", "yaml", "yml", "cron", "json", "jsonc"})
NOT_RUN = re.compile(r"^\s*#\s*not run by the tests:\s*\S")
_EXIT_COMMENT = re.compile(r"\bexit(?: code)? (\d+)\b")
#: Set-up commands shown next to tadqiq's own, never run by the tests.
_SETUP = re.compile(r"^(sudo\s+)?(pip3?|apt-get|apt|python3? -m venv|\.|source|eval|pytest)(\s|$)")


@dataclass(frozen=True)
class Runnable:
    """A code block to run: python source, or its tadqiq commands with their exit codes."""

    where: str  # "guide.md:106"
    kind: str  # "python" | "shell"
    python: str = ""
    commands: tuple[tuple[tuple[str, ...], int], ...] = ()  # (argv after 'tadqiq', exit code)


def _logical_lines(lines: tuple[str, ...]) -> Iterator[str]:
    """Lines with trailing-backslash continuations joined."""
    current = ""
    for line in lines:
        if line.rstrip().endswith("\\"):
            current += line.rstrip()[:-1] + " "
            continue
        yield current + line
        current = ""
    if current:
        yield current


def _split_comment(command: str) -> tuple[str, str]:
    """(command, comment) at the first unquoted ' #'."""
    quote = None
    for k, ch in enumerate(command):
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (k == 0 or command[k - 1].isspace()):
            return command[:k].strip(), command[k + 1 :].strip()
    return command.strip(), ""


def runnable_blocks(md: Markdown, name: str) -> tuple[list[Runnable], list[str]]:
    """The blocks of ``md`` to run, and the problems (see the module docstring)."""
    runs: list[Runnable] = []
    problems: list[str] = []
    for block in md.blocks:
        where = f"{name}:{block.line}"
        language = block.info.split()[0].lower() if block.info else ""
        first = next((line for line in block.lines if line.strip()), "")
        marked = bool(NOT_RUN.match(first))
        if language == "python":
            if not marked:
                runs.append(Runnable(where, "python", python="\n".join(block.lines) + "\n"))
            continue
        if language in NOT_COMMANDS:
            continue
        has_tadqiq = any(_COMMAND.search(line) for line in block.lines)
        if language not in SHELL_BLOCKS:
            if has_tadqiq:
                problems.append(f"{where}: a tadqiq command in a block labelled {block.info or 'nothing'!r}: "
                                "label it bash (run) or text (a synopsis)")
            continue
        if marked:
            continue
        commands = []
        for line in _logical_lines(block.lines):
            text, comment = _split_comment(line)
            if not text:
                continue
            for part in (p.strip() for p in text.split("&&")):
                if part.startswith("tadqiq "):
                    if re.search(r"[|;<>`$]", part):
                        problems.append(f"{where}: cannot run {part!r} (shell syntax): mark the block")
                        continue
                    expected = _EXIT_COMMENT.search(comment)
                    commands.append((tuple(shlex.split(part))[1:], int(expected.group(1)) if expected else 0))
                elif not _SETUP.match(part):
                    problems.append(f"{where}: {part.split()[0]!r} is not run by the tests: mark the block "
                                    "'# not run by the tests: <why>'")
        if commands:
            runs.append(Runnable(where, "shell", commands=tuple(commands)))
    return runs, problems


def _all_runnable() -> list[Runnable]:
    return [r for path in RUN_MARKDOWN for r in runnable_blocks(parsed(path), str(path.relative_to(ROOT)))[0]]


def test_every_code_block_runs_or_is_marked() -> None:
    problems = [p for path in RUN_MARKDOWN for p in runnable_blocks(parsed(path), str(path.relative_to(ROOT)))[1]]
    assert problems == []
    runs = _all_runnable()
    assert any(r.kind == "python" for r in runs)
    assert sum(len(r.commands) for r in runs) >= 6


def test_code_block_rules_are_caught() -> None:
    md = Markdown.parse(
        "```\ntadqiq check A -r R\n```\n"                                   # unlabelled: a problem
        "```text\ntadqiq check ARTICLE [--json OUT]\n```\n"                # a synopsis: fine
        "```bash\n# not run by the tests: needs a network\ntadqiq models pull x\n```\n"
        "```bash\npip install -e . && tadqiq check a.ar.txt -r r.en.txt  # exit code 1: a flag\n"
        "tadqiq history --html 'my trend.html'\ncurl https://example.org\n```\n"
        "```python\nprint(1)\n```\n"
        "```python\n# not run by the tests: needs weights\nimport torch\n```\n"
        "```yaml\n- run: tadqiq eval corpora/agency --models a\n```\n"
    )
    runs, problems = runnable_blocks(md, "x.md")
    assert problems == [
        "x.md:1: a tadqiq command in a block labelled 'nothing': label it bash (run) or text (a synopsis)",
        "x.md:11: 'curl' is not run by the tests: mark the block '# not run by the tests: <why>'",
    ]
    assert runs == [
        Runnable("x.md:11", "shell", commands=(
            (("check", "a.ar.txt", "-r", "r.en.txt"), 1), (("history", "--html", "my trend.html"), 0))),
        Runnable("x.md:16", "python", python="print(1)\n"),
    ]


@pytest.fixture
def docs_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str | None]:
    """A fresh folder with examples/ reachable; the environment for the commands run there."""
    work = tmp_path / "work"
    work.mkdir()
    (work / "examples").symlink_to(ROOT / "examples", target_is_directory=True)
    monkeypatch.chdir(work)
    monkeypatch.syspath_prepend(str(ROOT))
    env: dict[str, str | None] = {
        "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"), "TADQIQ_CACHE": str(tmp_path / "cache" / "t.sqlite3"),
        "TADQIQ_MODELS": None, "HF_HUB_OFFLINE": "1", "COLUMNS": "80", "NO_COLOR": "1",
    }
    for key, value in env.items():
        if value is None:
            monkeypatch.delenv(key, raising=False)
        else:
            monkeypatch.setenv(key, value)
    return env


@pytest.mark.parametrize("block", _all_runnable(), ids=lambda r: r.where)
def test_the_code_block_runs(block: Runnable, docs_workspace: dict[str, str | None]) -> None:
    if block.kind == "python":
        exec(compile(block.python, block.where, "exec"), {"__name__": "__docs__"})  # noqa: S102
        return
    from tadqiq.cli import app

    for argv, expected in block.commands:
        result = CliRunner().invoke(app, list(argv), env=docs_workspace)
        assert result.exit_code == expected, (
            f"{block.where}: tadqiq {shlex.join(argv)} exited {result.exit_code}, not {expected}:\n"
            f"{result.output}{result.stderr if result.stderr_bytes is not None else ''}"
        )
