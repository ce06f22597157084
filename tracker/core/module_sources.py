"""The source files a module of ``tracker`` is made of: itself, the packages it sits in, and every
``tracker`` module it imports, transitively — read from the source (ast), nothing is imported.

Used to key what is kept on disk from one version of the code to the next (the parsed catalogue's
pickle): a hand-kept list of "the modules that matter" rots the first time a model moves or a new
module is imported, and a kept copy made by other code would then be loaded as if it were current.
Imports inside functions count as well as those at the top: they run when the function does.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]   # the folder holding the tracker package


def module_file(name: str, root: Path = ROOT) -> Path | None:
    """The file of module ``name`` under ``root`` (``a/b.py`` or ``a/b/__init__.py``), None if neither is."""
    base = root.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imported_names(file: Path, name: str) -> set[str]:
    """Every module name an import statement of ``file`` may bring in (``from a import b``: ``a`` and,
    in case b is a submodule, ``a.b``); relative imports resolved against ``name``."""
    package = name if file.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(file.read_bytes(), filename=str(file))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names if alias.name != "*")
    return found


@functools.lru_cache(maxsize=16)
def import_closure(name: str, root: Path = ROOT) -> tuple[Path, ...]:
    """The files of ``name`` and of every module of its top package that it imports, directly or not,
    with the ``__init__.py`` of each package on the way (they run first); sorted, so the order is the
    same in every process."""
    top = name.split(".")[0]
    seen: set[str] = set()
    files: set[Path] = set()
    pending = [name]
    while pending:
        current = pending.pop()
        if current in seen or current.split(".")[0] != top:
            continue
        seen.add(current)
        parts = current.split(".")
        pending.extend(".".join(parts[:k]) for k in range(1, len(parts)))   # the packages it sits in
        file = module_file(current, root)
        if file is None:          # a name imported from a module, not a module of its own
            continue
        files.add(file)
        pending.extend(_imported_names(file, current))
    return tuple(sorted(files))
