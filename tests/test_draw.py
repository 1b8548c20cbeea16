"""Pictures of the real graph: valid SVG/PNG files, legend text kept as text, no overlapping labels."""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import assert_one_line_error, run_cli

from spasmkg.cli import cli
from spasmkg.namespaces import SKR
from spasmkg.network import draw
from spasmkg.network import graph as network_graph

SPASM = SKR + "back_muscle_spasm"
SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def g():
    return network_graph.to_networkx()


@pytest.fixture(scope="module")
def default_view() -> draw.Drawing:
    return draw.default_drawing()


def _expected_categories(g) -> set[str]:
    view = {SPASM} | set(g.predecessors(SPASM)) | set(g.successors(SPASM))
    return {g.nodes[n]["category"] for n in view}


def _svg_text(path: Path) -> str:
    root = ET.parse(path).getroot()
    assert root.tag == SVG_NS + "svg"
    return " ".join(" ".join(t.itertext()) for t in root.iter(SVG_NS + "text"))


def test_default_svg_and_png(tmp_path: Path, g) -> None:
    runner = CliRunner()
    for name in ("x.svg", "x.png"):
        result = runner.invoke(cli, ["draw", "-o", str(tmp_path / name)], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    png = (tmp_path / "x.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width > 1000 and height > 1000  # sized to the ~90 concepts of the view

    text = _svg_text(tmp_path / "x.svg")
    categories = _expected_categories(g)
    assert {"cause", "symptom", "treatment", "red flag", "condition"} <= categories
    for category in categories:
        assert re.search(rf"(^| ){re.escape(category)}( |$)", text), f"legend entry {category!r} not in the SVG text"
    words = set(text.split())
    for n in set(g.predecessors(SPASM)) | set(g.successors(SPASM)):
        assert set(g.nodes[n]["label"].split()) <= words, g.nodes[n]["label"]
    assert "treated by →" in text and "causes →" in text  # edge labels with their direction


def test_default_view_labels_do_not_overlap(default_view: draw.Drawing, g) -> None:
    boxes = draw.label_boxes(default_view)
    neighbours = set(g.predecessors(SPASM)) | set(g.successors(SPASM))
    kinds = [b.kind for b in boxes]
    assert kinds.count("node") == len(neighbours) and kinds.count("centre") == 1
    assert kinds.count("edge") == len(neighbours) and kinds.count("legend") == 1
    assert default_view.categories == sorted(default_view.categories, key=network_graph.category_rank)
    assert set(default_view.categories) == _expected_categories(g)
    width, height = default_view.figure.bbox.width, default_view.figure.bbox.height
    for b in boxes:  # inside the picture
        assert 0 <= b.x0 < b.x1 <= width and 0 <= b.y0 < b.y1 <= height, b
    for a, b in itertools.combinations(boxes, 2):  # pairwise, independently of draw.overlapping
        apart = a.x1 <= b.x0 or b.x1 <= a.x0 or a.y1 <= b.y0 or b.y1 <= a.y0
        assert apart, f"{a.kind} {a.text!r} overlaps {b.kind} {b.text!r}"
    assert draw.overlapping(boxes) == []


def test_overlap_check_detects_overlaps() -> None:
    a = draw.LabelBox("node", "a", 0, 0, 10, 10)
    assert draw.overlapping([a, draw.LabelBox("node", "b", 5, 5, 15, 15)])
    assert not draw.overlapping([a, draw.LabelBox("node", "c", 10, 0, 20, 10)])  # touching is fine


def test_depth_two_view_has_no_overlapping_boxes(tmp_path: Path, g) -> None:
    d = draw.render(g, SKR + "heavy_lifting", depth=2)
    assert d.layout == "spring"
    boxes = [b for b in draw.label_boxes(d) if b.kind in ("node", "centre")]
    assert len(boxes) == len(draw.view_nodes(g, SKR + "heavy_lifting", 2)) > 20
    assert draw.overlapping(boxes) == []
    d.save(tmp_path / "two.png")
    assert (tmp_path / "two.png").read_bytes()[:4] == b"\x89PNG"


def test_svg_is_deterministic(tmp_path: Path) -> None:
    draw.draw(tmp_path / "a.svg", "rest")
    draw.draw(tmp_path / "b.svg", "skr:rest")
    assert (tmp_path / "a.svg").read_bytes() == (tmp_path / "b.svg").read_bytes()


def test_bad_extension_and_unknown_term_exit_2(tmp_path: Path) -> None:
    proc = run_cli("draw", "-o", str(tmp_path / "x.pdf"))
    assert_one_line_error(proc)
    assert ".svg or .png" in proc.stderr
    proc = run_cli("draw", "zebra stripes", "-o", str(tmp_path / "x.svg"))
    assert_one_line_error(proc)
    assert not list(tmp_path.iterdir())  # nothing written


def test_matplotlib_is_not_imported_with_the_package() -> None:
    code = (
        "import sys, spasmkg.network.draw, spasmkg.network.graph;"
        " print('matplotlib' in sys.modules, 'networkx' in sys.modules)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.split() == ["False", "False"]
