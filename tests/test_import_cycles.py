"""No import cycles between the modules of eval/, translator/ and tadqiq/.

The graph is built from the source (AST), with imports inside functions counted too: a
lazy import is still a dependency, and it is how the old lexicon cycle
(buckwalter ↔ index ↔ bilingual) stayed hidden.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from import_graph import ROOT, import_graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def test_no_import_cycles():
    assert cycles(import_graph(ROOT)) == []


def test_the_lexicon_imports_go_one_way():
    graph = import_graph(ROOT)
    order = ["eval.lexicon.dictfiles", "eval.lexicon.index", "eval.lexicon.buckwalter", "eval.lexicon.bilingual"]
    for k, lower in enumerate(order):
        for higher in order[k + 1:]:
            assert higher not in graph[lower], f"{lower} imports {higher}"
    assert "eval.lexicon.index" in graph["eval.lexicon.buckwalter"]
    assert "eval.lexicon.index" in graph["eval.lexicon.bilingual"]


def test_a_lazy_import_cycle_is_found(tmp_path: Path):
    pkg = tmp_path / "eval"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "a.py").write_text("from eval.sub.b import thing\n")
    (pkg / "sub" / "b.py").write_text("def thing():\n    from . import c\n")
    (pkg / "sub" / "c.py").write_text("import eval.sub.a\n")
    (pkg / "d.py").write_text("from eval.sub import a\n")
    graph = import_graph(tmp_path, ("eval",))
    assert graph["eval.d"] == {"eval.sub.a"}
    assert cycles(graph) == [["eval.sub.a", "eval.sub.b", "eval.sub.c"]]


def test_values_do_not_load_the_text_layer():
    # Document.original_span maps offsets in layer 1, without importing eval.text.
    code = (
        "import sys\n"
        "from eval.values import Document\n"
        "doc = Document('p', 'a\\u200fb', 'ab', (0, 2, 3), 'ar', 'utf-8')\n"
        "assert doc.original_span(0, 1) == (0, 1), doc.original_span(0, 1)\n"
        "assert doc.original_span(1, 2) == (2, 3)\n"
        "assert not [m for m in sys.modules if m.startswith('eval.text')], sorted(sys.modules)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
