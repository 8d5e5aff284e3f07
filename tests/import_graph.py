"""The project's imports read from its source (AST, nothing is imported), for the layer,
cycle and backend tests. Imports inside functions and under ``TYPE_CHECKING`` count:
a lazy import is still a dependency."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("tadqiq", "translator", "eval")


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    target: str  # the imported module (for "from pkg import name": pkg)
    names: tuple[str, ...]  # the names of a "from" import
    line: int


def modules(root: Path = ROOT, packages: tuple[str, ...] = PACKAGES) -> dict[str, Path]:
    """Dotted module name → source file, for every module of ``packages`` under ``root``."""
    out: dict[str, Path] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = path
    return out


def imports_of(
    module: str, source: str, is_package: bool, packages: tuple[str, ...] = PACKAGES
) -> list[Import]:
    """Every import of a module of ``packages`` in ``source`` (absolute and relative)."""
    out: list[Import] = []
    here = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out += [Import(module, a.name, (), node.lineno) for a in node.names
                    if a.name.split(".")[0] in packages]
        elif isinstance(node, ast.ImportFrom):
            target = node.module or ""
            if node.level:
                base = here[: len(here) - node.level + 1]
                target = ".".join([*base, target] if target else base)
            if target.split(".")[0] in packages:
                out.append(Import(module, target, tuple(a.name for a in node.names), node.lineno))
    return out


def all_imports(root: Path = ROOT, packages: tuple[str, ...] = PACKAGES) -> list[Import]:
    out: list[Import] = []
    for module, path in modules(root, packages).items():
        out += imports_of(module, path.read_text(encoding="utf-8"), path.name == "__init__.py", packages)
    return out


def imported_modules(imp: Import, known: set[str] | dict[str, Path]) -> list[str]:
    """The modules an import loads: ``from pkg import sub`` loads ``pkg.sub``; an
    unknown dotted name resolves to its longest known prefix."""
    subs = [f"{imp.target}.{n}" for n in imp.names if f"{imp.target}.{n}" in known]
    if subs:
        return subs
    name = imp.target
    while name and name not in known:
        name = name.rpartition(".")[0]
    return [name] if name else []


def import_graph(root: Path = ROOT, packages: tuple[str, ...] = PACKAGES) -> dict[str, set[str]]:
    """Module → the project modules it imports anywhere in its source."""
    known = modules(root, packages)
    graph: dict[str, set[str]] = {m: set() for m in known}
    for imp in all_imports(root, packages):
        graph[imp.module] |= {t for t in imported_modules(imp, known) if t != imp.module}
    return graph
