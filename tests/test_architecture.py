"""The package's layers only point down (README "Code map").

Every ``import`` in ``src/spasmkg`` (top level or inside a function) is an edge of the import graph;
the test fails on the first edge that points up a layer or sideways between sibling sub-packages, and
on any cycle between modules (strongly connected components, computed with networkx).
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "spasmkg"

#: Low to high. A module may import modules of its own unit and of lower layers. Units on one layer
#: are siblings and do not import each other.
LAYERS: list[set[str]] = [
    {"_version", "text", "namespaces"},
    {"errors", "resources"},
    {"io"},
    {"kb"},
    {"engine"},
    {"reason"},
    {"network"},
    {"check"},
    {"serve", "release", "site"},
    {"api"},
    {"cli"},
    {"__main__", "__init__"},
]
RANK = {unit: i for i, units in enumerate(LAYERS) for unit in units}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def unit(module: str) -> str:
    """The layer unit of a module: ``spasmkg.engine.store`` -> ``engine``; the root package -> ``__init__``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(SRC.rglob("*.py"))}


def imports(path: Path, known: set[str]) -> set[str]:
    """The spasmkg modules ``path`` imports (``from spasmkg.x import y`` counts ``spasmkg.x.y`` if it is a module)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.split(".")[0] == "spasmkg")
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "spasmkg":
            for a in node.names:
                sub = f"{node.module}.{a.name}"
                out.add(sub if sub in known else node.module)
    return out


def import_graph() -> nx.DiGraph:
    mods = modules()
    g = nx.DiGraph()
    g.add_nodes_from(mods)
    for name, path in mods.items():
        for target in imports(path, set(mods)):
            if target != name:
                g.add_edge(name, target)
    return g


def test_every_unit_has_a_layer() -> None:
    missing = sorted({unit(m) for m in modules()} - set(RANK))
    assert not missing, f"add these to LAYERS (and the README code map): {missing}"


def test_no_import_cycles() -> None:
    cycles = [sorted(c) for c in nx.strongly_connected_components(import_graph()) if len(c) > 1]
    assert not cycles, f"import cycles: {cycles}"


def test_layers_only_point_down() -> None:
    bad = []
    for a, b in import_graph().edges:
        ua, ub = unit(a), unit(b)
        if ua == ub:
            continue
        if ub == "__init__" and b == "spasmkg" and ua not in ("cli", "__main__"):
            bad.append(f"{a} -> {b} (only the CLI may import the root package)")
        elif RANK[ub] >= RANK[ua]:
            bad.append(f"{a} -> {b}")
    assert not bad, "upward or sideways imports:\n" + "\n".join(sorted(bad))


@pytest.mark.parametrize(
    "edge, message",
    [
        (("spasmkg.engine.store", "spasmkg.api"), "upward"),
        (("spasmkg.network.graph", "spasmkg.reason.rules"), "fine"),
        (("spasmkg.serve.app", "spasmkg.site.build"), "sideways"),
    ],
)
def test_the_rule_itself(edge: tuple[str, str], message: str) -> None:
    """The check can fail: an upward and a sideways edge are caught, a downward one is not."""
    a, b = (unit(x) for x in edge)
    ok = a == b or RANK[b] < RANK[a]
    assert ok == (message == "fine")


def test_readme_code_map_matches_the_tree() -> None:
    """Every module of ``src/spasmkg`` is in the README's code map, and the map names no missing file."""
    import re

    readme = (SRC.parents[1] / "README.md").read_text()
    start = readme.index("**Code map**")
    header = readme.index("| layer |", start)
    table = readme[header : readme.index("\n\n", header)]
    named: set[str] = set()
    for row in table.splitlines()[2:]:
        cells = row.split("|")
        unit_cell, modules_cell = cells[2].strip(), cells[3]
        for unit_name in re.findall(r"`([\w.]+/?)`", unit_cell):
            if unit_name.endswith("/"):
                files = re.findall(r"`(\w+\.py)`", modules_cell)
                named.update(f"{unit_name}{f}" for f in files) if files else named.add(unit_name)
            else:
                named.add(unit_name)
    tree = {str(p.relative_to(SRC)) for p in SRC.rglob("*.py") if p.name != "__init__.py" or p.parent.name == "cli"}
    tree = {t for t in tree if t != "__main__.py"}
    dirs_named = {n for n in named if n.endswith("/")}
    covered = {t for t in tree if any(t.startswith(d) for d in dirs_named)}
    assert sorted(tree - named - covered) == [], "modules missing from the README code map"
    missing = sorted(n for n in named if not (SRC / n).exists())
    assert missing == [], "the README code map names files that do not exist"
