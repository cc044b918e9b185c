"""The layout keeps its layers: boundary → core → capabilities → plan → report and CLI.

Read from the source with ``ast`` (nothing is imported), so a new upward import or an import
cycle fails here, with the modules named, before it confuses a reader.
"""

from __future__ import annotations

import ast
from pathlib import Path

import navkompetanse

SRC = Path(navkompetanse.__file__).parent

#: Layer of each top-level part of the package; a module imports only its own layer or lower.
LAYER = {  # privacy is the lowest: text and exceptions use it

    "_frozen": 0, "exceptions": 0, "privacy": 0, "models": 0, "policy": 0, "text": 0, "results": 0,
    "io": 0, "_state": 0,
    "anonymize": 1,
    "scoring": 1, "optimize": 1, "synthetic": 1, "trust": 1,
    "pairing": 2, "allocation": 2, "analysis": 2,
    "plan": 3, "scenario": 3, "many": 3,
    "report": 4, "cli": 4, "plot": 4,
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(["navkompetanse", *parts])


def _imports(path: Path) -> tuple[set[str], set[str]]:
    """(module-level imports, imports inside functions) of navkompetanse modules, resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    top, lazy = set(), set()

    def resolve(node: ast.ImportFrom) -> list[str]:
        if node.level:
            base = package.split(".")
            base = base[: len(base) - node.level + 1]
            stem = ".".join(base + ([node.module] if node.module else []))
        else:
            stem = node.module or ""
        if not stem.startswith("navkompetanse"):
            return []
        # "from . import fmt" names a module only when a file of that name exists
        out = []
        for alias in node.names:
            candidate = f"{stem}.{alias.name}"
            rel = candidate.split(".")[1:]
            if (SRC.joinpath(*rel).with_suffix(".py").exists()
                    or SRC.joinpath(*rel, "__init__.py").exists()):
                out.append(candidate)
            else:
                out.append(stem)
        return out

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.ImportFrom):
                (lazy if in_function else top).update(resolve(child))
            elif isinstance(child, ast.Import):
                for alias in child.names:
                    if alias.name.startswith("navkompetanse"):
                        (lazy if in_function else top).add(alias.name)
            visit(child, inner)

    visit(tree, False)
    top.discard(name)
    lazy.discard(name)
    return top, lazy


def _graph() -> dict[str, tuple[set[str], set[str]]]:
    return {_module_name(p): _imports(p) for p in SRC.rglob("*.py")}


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_every_part_of_the_package_has_a_layer():
    parts = {_part(m) for m in _graph()} - {""}
    assert parts <= set(LAYER), f"give these a layer in LAYER: {sorted(parts - set(LAYER))}"


def test_no_module_imports_a_higher_layer():
    upward = []
    for module, (top, _) in _graph().items():
        if not _part(module):
            continue  # navkompetanse/__init__ re-exports everything
        for target in top:
            if _part(target) and LAYER[_part(target)] > LAYER[_part(module)]:
                upward.append(f"{module} -> {target}")
    assert not upward, "upward imports: " + ", ".join(sorted(upward))


def test_no_import_cycles_in_src():
    graph = {m: {t for t in top | lazy if t in _graph_keys()} for m, (top, lazy) in
             _graph().items()}
    # a package's __init__ importing its own modules is not a cycle with them
    edges = {m: {t for t in ts if not t.startswith(m + ".")} for m, ts in graph.items()}
    state: dict[str, int] = {}
    stack: list[str] = []

    def dfs(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = dfs(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state:
            cycle = dfs(node)
            assert cycle is None, "import cycle: " + " -> ".join(cycle)


def _graph_keys() -> set[str]:
    return {_module_name(p) for p in SRC.rglob("*.py")}


def test_no_two_modules_share_a_file_name_in_one_role():
    # two unrelated files both named _pairing_lp.py made the docs ambiguous; keep names unique
    stems = {}
    for p in SRC.rglob("*.py"):
        if p.name == "__init__.py":
            continue
        stems.setdefault(p.stem, []).append(str(p.relative_to(SRC)))
    shared = {k: v for k, v in stems.items() if len(v) > 1 and k not in ("propose",)}
    assert not shared, f"modules with the same name in different places: {shared}"
