"""The layers import downward only (docs/architecture.md).

Every module's imports are read with :mod:`ast` — top-level ones and those inside functions
(the lazy imports), ``from … import …`` (a name that is a submodule counts as that module),
relative imports, ``importlib.import_module("…")`` with a literal name, and, for
``import liuan_eval``, each ``liuan_eval.<name>`` the module uses (resolved through the lazy
public API). A module may import its own layer and the layers below it, never one above.
``liuan_eval/__init__.py``, the public API re-exporting every layer, is exempt.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

import liuan_eval

PACKAGE = Path(liuan_eval.__file__).resolve().parent

#: layer -> modules (a package name covers its submodules); lower layers may be imported by higher
LAYERS: dict[int, tuple[str, ...]] = {
    0: ("schemas", "i18n", "errors", "memory"),
    1: ("clean", "validation", "workdays", "raw", "io", "dataset", "output", "templates", "sample_data",
        "sample_content"),
    2: ("criteria", "scoring", "text", "preflight"),
    3: ("report",),
    4: ("commands", "cli", "__main__"),
}
EXEMPT = {"liuan_eval"}  # the lazy public API


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES: dict[str, Path] = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer(module: str) -> int | None:
    """The layer of ``liuan_eval.<name>[.…]``; ``None`` for the package itself or outside it."""
    parts = module.split(".")
    if parts[0] != "liuan_eval" or len(parts) < 2:
        return None
    return next((n for n, names in LAYERS.items() if parts[1] in names), None)


def _resolve_relative(importer: str, is_package: bool, level: int, module: str | None) -> str:
    base = importer.split(".") if is_package else importer.split(".")[:-1]
    base = base[: len(base) - (level - 1)] if level > 1 else base
    return ".".join(base + ([module] if module else []))


def _root_name(name: str) -> str | None:
    """What ``liuan_eval.<name>`` is: a submodule, or the module the public API takes it from."""
    if f"liuan_eval.{name}" in MODULES:
        return f"liuan_eval.{name}"
    return liuan_eval._EXPORTS.get(name)  # None: defined in the package itself (__version__)


def imports(source: str, importer: str, is_package: bool = False) -> list[tuple[int, str]]:
    """``(line, module)`` for every liuan_eval module ``source`` imports, wherever the import is."""
    tree = ast.parse(source)
    found: list[tuple[int, str]] = []
    root_imported = False
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "liuan_eval" or (alias.name.startswith("liuan_eval.") and not alias.asname):
                    root_imported = True  # the name ``liuan_eval`` is bound
                if alias.name.startswith("liuan_eval."):
                    found.append((node.lineno, alias.name))
        elif isinstance(node, ast.ImportFrom):
            module = (_resolve_relative(importer, is_package, node.level, node.module) if node.level
                      else node.module or "")
            if module != "liuan_eval" and not module.startswith("liuan_eval."):
                continue
            for alias in node.names:
                target = f"{module}.{alias.name}"
                if module == "liuan_eval":
                    resolved = _root_name(alias.name)
                    if resolved:
                        found.append((node.lineno, resolved))
                else:
                    found.append((node.lineno, target if target in MODULES else module))
        elif (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str) and node.args[0].value.startswith("liuan_eval")
              and (isinstance(node.func, ast.Attribute) and node.func.attr == "import_module"
                   or isinstance(node.func, ast.Name) and node.func.id in ("import_module", "__import__"))):
            found.append((node.lineno, node.args[0].value))
    if root_imported:  # ``import liuan_eval`` then ``liuan_eval.load(...)``
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id == "liuan_eval"):
                resolved = _root_name(node.attr)
                if resolved:
                    found.append((node.lineno, resolved))
    return found


def violations(module: str, source: str, where: str, is_package: bool = False) -> list[str]:
    """Each import of ``source`` (module ``module``) from a layer above its own, as ``where:line: …``."""
    own = layer(module)
    if own is None:  # not placed: test_every_module_has_a_layer says so
        return []
    out = []
    for line, target in sorted(set(imports(source, module, is_package))):
        theirs = layer(target)
        if theirs is not None and theirs > own:
            out.append(f"{where}:{line}: {module} (layer {own}) imports {target} (layer {theirs})")
    return out


def test_every_module_has_a_layer():
    unplaced = [m for m in MODULES if m not in EXEMPT and layer(m) is None]
    assert not unplaced, f"place these modules in a layer (tests/test_layers.py, docs/architecture.md): {unplaced}"


@pytest.mark.parametrize("module", [m for m in MODULES if m not in EXEMPT])
def test_no_module_imports_a_higher_layer(module):
    path = MODULES[module]
    found = violations(module, path.read_text(encoding="utf-8"), str(path.relative_to(PACKAGE.parent)),
                       path.name == "__init__.py")
    assert not found, "imports from a higher layer:\n" + "\n".join(found)


def test_the_reader_sees_lazy_relative_dynamic_and_public_api_imports():
    source = '''
import importlib
import liuan_eval
from liuan_eval.schemas import TABLES


def f():
    from liuan_eval.report.tables import named_accounts
    from . import declare
    from ..report import sections
    import liuan_eval.commands.run as r
    importlib.import_module("liuan_eval.cli")
    from liuan_eval import run_assessment, __version__
    return liuan_eval.load, liuan_eval.text
'''
    got = {m for _, m in imports(source, "liuan_eval.scoring", is_package=True)}
    assert got == {"liuan_eval.schemas", "liuan_eval.report.tables", "liuan_eval.scoring.declare",
                   "liuan_eval.report.sections", "liuan_eval.commands.run", "liuan_eval.cli",
                   "liuan_eval.report", "liuan_eval.io", "liuan_eval.text"}


def test_a_violation_is_reported_with_its_line():
    source = "import pandas as pd\n\n\ndef f():\n    from liuan_eval.report.tables import key_figures\n"
    assert violations("liuan_eval.scoring.lists", source, "lists.py") == [
        "lists.py:5: liuan_eval.scoring.lists (layer 2) imports liuan_eval.report.tables (layer 3)"]
    assert violations("liuan_eval.report.tables", source, "tables.py") == []
