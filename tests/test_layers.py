"""The import direction between tadqiq's layers, read from the source (no import is run).

``LAYERS`` is the one place the layers are written down (docs/architecture.md draws
them): a module may import modules of its own layer or of a lower one, never of a
higher one, and never a private name (``_x``) of another module. Imports inside
functions and under ``TYPE_CHECKING`` count too: a lazy import is still a dependency.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from import_graph import Import, all_imports, imported_modules, imports_of, modules


@dataclass(frozen=True)
class Layer:
    name: str
    modules: tuple[str, ...]  # a module belongs where the longest of these names is its prefix
    only: tuple[str, ...] = ()  # if set: besides layer 1, the layer may import just these


#: Lowest first. "=name" matches that module alone (a package's __init__), not its children.
LAYERS: tuple[Layer, ...] = (
    Layer("shared values and errors", ("=tadqiq", "tadqiq.errors", "=eval", "eval.values", "eval.records", "eval.runtime")),
    Layer("text and lexical resources", ("eval.text", "eval.lexicon")),
    # The gloss backend reads the Buckwalter lexicon; nothing else of eval is a backend's business.
    Layer("translator", ("translator",), only=("eval.lexicon", "eval.text.tokens", "eval.text.arabic")),
    Layer("alignment and scoring", ("eval.align", "eval.scoring")),
    Layer("flags", ("eval.flags",)),
    Layer("evaluate", ("eval.evaluate",)),
    Layer("reports", ("eval.reports",)),
    Layer("one check flow", ("eval.flow",)),
    Layer("nightly runs and history", ("eval.nightly",)),
    Layer("application: CLI and library entry points", ("tadqiq",)),
)


def _matches(entry: str, module: str) -> int:
    """Length of the match of a LAYERS entry on ``module`` (0: no match)."""
    if entry.startswith("="):
        return len(entry) if module == entry[1:] else 0
    return len(entry) if module == entry or module.startswith(entry + ".") else 0


def layer_of(module: str, layers: tuple[Layer, ...] = LAYERS) -> int:
    best, found = 0, -1
    for k, layer in enumerate(layers):
        for entry in layer.modules:
            n = _matches(entry, module)
            if n > best:
                best, found = n, k
    if found < 0:
        raise LookupError(f"{module} is in no layer: add it to LAYERS")
    return found


def violations(imports: list[Import], known: set[str], layers: tuple[Layer, ...] = LAYERS) -> list[str]:
    out = []
    for imp in imports:
        here = layer_of(imp.module, layers)
        for target in imported_modules(imp, known):
            there = layer_of(target, layers)
            only = layers[here].only
            if only and there > 0 and there != here and not any(_matches(e, target) for e in only):
                out.append(f"{imp.module}:{imp.line} ({layers[here].name}) may not import {target}")
            elif there > here:
                out.append(
                    f"{imp.module}:{imp.line} ({layers[here].name}) imports the higher "
                    f"{target} ({layers[there].name})"
                )
    return out


def private_imports(imports: list[Import], known: set[str]) -> list[str]:
    out = []
    for imp in imports:
        if imp.target == imp.module:
            continue
        for name in imp.names:
            if name.startswith("_") and not name.startswith("__") and f"{imp.target}.{name}" not in known:
                out.append(f"{imp.module}:{imp.line} imports the private name {name} from {imp.target}")
    return out


def test_every_module_has_a_layer():
    for module in modules():
        layer_of(module)  # raises LookupError naming the module


def test_lower_layers_never_import_higher_ones():
    known = set(modules())
    assert violations(all_imports(), known) == []


def test_no_private_name_is_imported_across_modules():
    known = set(modules())
    assert private_imports(all_imports(), known) == []


def test_the_checker_catches_an_upward_import():
    layers = (
        Layer("base", ("z",)), Layer("low", ("a",)), Layer("high", ("b",)),
        Layer("strict", ("c",), only=("a.ok",)),
    )
    known = {"a", "a.ok", "a.other", "b", "c", "z"}
    abc = ("a", "b", "c", "z")
    up = imports_of("a", "from b import thing\n", is_package=False, packages=abc)
    assert violations(up, known, layers) == ["a:1 (low) imports the higher b (high)"]
    down = imports_of("b", "import a\nfrom a import other\n", is_package=False, packages=abc)
    assert violations(down, known, layers) == []
    strict = imports_of("c", "import z\nfrom a import ok\nfrom a import other\n", is_package=False, packages=abc)
    assert violations(strict, known, layers) == ["c:3 (strict) may not import a.other"]


def test_relative_and_lazy_imports_are_read():
    source = "def f():\n    from .sibling import _hidden\n"
    imps = imports_of("eval.flags.view", source, is_package=False)
    assert [(i.target, i.names, i.line) for i in imps] == [("eval.flags.sibling", ("_hidden",), 2)]
    assert private_imports(imps, {"eval.flags.sibling"}) == [
        "eval.flags.view:2 imports the private name _hidden from eval.flags.sibling"
    ]


@pytest.mark.parametrize("module, layer", [
    ("tadqiq", 0), ("tadqiq.errors", 0), ("tadqiq.cli", 9), ("eval.values", 0),
    ("eval.text.segment", 1), ("translator.hf", 2), ("eval.flags.merge", 4), ("eval.nightly.runner", 8),
])
def test_modules_fall_in_their_layers(module, layer):
    assert layer_of(module) == layer
