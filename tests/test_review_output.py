"""Regression tests for the 2026-11-30 reviews: output integrity and terminal safety.

One test (or a few) per finding, each failing before its fix: ``-o`` never destroys what it points
at (H1, L4), nothing in the data can drive the terminal (H2), export never merges blank nodes (H4),
the KGX pair is written as a pair (L5), signals clean up the temporary output (M6), ``draw --all``
needs no scipy (M7), network analysis is bounded in time (M9), and ``draw`` leaves the caller's
matplotlib backend alone (code review). Reproducers are kept in ``tests/fixtures/hostile/out-*``.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import rdflib
from conftest import ROOT, assert_one_line_error, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib.compare import isomorphic

from spasmkg import errors
from spasmkg.io import atomic
from spasmkg.io import rdf as rdfio

HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
EVIL = HOSTILE / "out-evil.ttl"

# ---------------------------------------------------------------- H1, L4: -o writes through, never replaces


def _read_fifo(path: Path, sink: list[bytes]) -> threading.Thread:
    def reader() -> None:
        with open(path, "rb") as fh:
            sink.append(fh.read())

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    return t


@pytest.mark.parametrize(
    "args",
    [("export", "-F", "nt"), ("network", "export", "-F", "graphml"), ("draw",)],
    ids=["export", "network-export", "draw"],
)
def test_output_to_a_fifo_is_written_through(tmp_path: Path, args: tuple[str, ...]) -> None:
    name = "out.svg" if args == ("draw",) else "out.nt"
    fifo = tmp_path / name
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = _read_fifo(fifo, got)
    proc = run_cli(*args, "-o", str(fifo), timeout=120)
    reader.join(10)
    assert proc.returncode == 0, proc.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode), "the FIFO was replaced by a regular file"
    assert got and len(got[0]) > 1000, "the reader of the FIFO got nothing"
    assert sorted(p.name for p in tmp_path.iterdir()) == [name], "a temporary file was left"


def test_output_through_a_symlink_keeps_the_link(tmp_path: Path) -> None:
    target = tmp_path / "real" / "precious.nt"
    target.parent.mkdir()
    target.write_text("precious\n")
    link = tmp_path / "link.nt"
    link.symlink_to(Path("real") / "precious.nt")
    proc = run_cli("export", "-F", "nt", "-o", str(link))
    assert proc.returncode == 0, proc.stderr
    assert link.is_symlink(), "the symlink was replaced by a regular file"
    assert os.readlink(link) == str(Path("real") / "precious.nt")
    assert target.read_text().count("\n") > 1000, "the link's target did not get the new content"
    assert sorted(p.name for p in target.parent.iterdir()) == ["precious.nt"]


def test_output_to_proc_self_fd_1_goes_to_stdout(tmp_path: Path) -> None:
    """``-o /dev/stdout`` (here a link to /proc/self/fd/1, as /dev/stdout is): the output reaches stdout."""
    link = tmp_path / "stdout"
    link.symlink_to("/proc/self/fd/1")
    proc = run_cli("export", "-F", "nt", "-o", str(link))
    assert proc.returncode == 0, proc.stderr
    assert link.is_symlink()
    assert proc.stdout.count("\n") > 1000 and "<https://w3id.org/spasmkg/" in proc.stdout


def test_atomic_writer_writes_through_a_fifo_and_a_link(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = _read_fifo(fifo, got)
    atomic.atomic_write_bytes(fifo, b"through the pipe\n")
    reader.join(10)
    assert got == [b"through the pipe\n"] and stat.S_ISFIFO(fifo.lstat().st_mode)

    (tmp_path / "a.txt").write_text("old")
    (tmp_path / "b").symlink_to("a.txt")
    (tmp_path / "c").symlink_to("b")  # a chain of links
    atomic.atomic_write_text(tmp_path / "c", "new")
    assert (tmp_path / "a.txt").read_text() == "new"
    assert (tmp_path / "b").is_symlink() and (tmp_path / "c").is_symlink()

    (tmp_path / "dangling").symlink_to("made-by-the-write.txt")
    atomic.atomic_write_text(tmp_path / "dangling", "created")
    assert (tmp_path / "dangling").is_symlink() and (tmp_path / "made-by-the-write.txt").read_text() == "created"


def test_output_with_a_trailing_slash_is_refused(tmp_path: Path) -> None:
    for args in (("export", "-F", "nt"), ("reason",), ("draw",), ("network", "export")):
        out = str(tmp_path / "newdir") + "/"
        proc = run_cli(*args, "-o", out)
        assert_one_line_error(proc)
        assert "folder" in proc.stderr, proc.stderr
        assert not (tmp_path / "newdir").exists(), f"{args}: wrote a file named newdir"
    with pytest.raises(errors.InputError, match="folder"):
        atomic.atomic_write_text(str(tmp_path / "x") + "/", "text")


def test_symlink_loop_gives_one_line(tmp_path: Path) -> None:
    (tmp_path / "loop").symlink_to("loop")
    proc = run_cli("export", "-F", "nt", "-o", str(tmp_path / "loop"))
    assert_one_line_error(proc)
    assert (tmp_path / "loop").is_symlink()


def test_devices_and_dev_stdout_are_written_through() -> None:
    """The decision only (nothing is written): the system's /dev/null is never a rename target."""
    assert atomic.output_target("/dev/null") == (Path("/dev/null"), True)
    assert atomic.output_target("/dev/stdout")[1] is True  # a link through /proc/self/fd


def test_stdout_link_into_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """``-o /dev/stdout | head -1``, with a link of our own (a broken fix must not touch the real one)."""
    link = tmp_path / "stdout"
    link.symlink_to("/proc/self/fd/1")
    proc = subprocess.run(
        f"{sys.executable} -m spasmkg export -F nt -o {link} | head -1",
        shell=True,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        executable="/bin/bash",
    )
    assert proc.stdout.startswith("<") and proc.stderr == "", proc.stderr


# ---------------------------------------------------------------- H2: nothing in the data drives the terminal

#: Bytes that must never reach a terminal from the data: C0 (but newline and tab), DEL, C1, bidi controls.
_RAW = [chr(c) for c in (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0))]
_RAW += ["\u061c", "\u200e", "\u200f", *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))]


def _assert_terminal_safe(text: str) -> None:
    bad = sorted({f"U+{ord(ch):04X}" for ch in text if ch in _RAW})
    assert not bad, f"raw control characters on stdout: {bad}"


def _immediate_care_labels(data: tuple[str, ...] = ()) -> list[str]:
    args = [a for d in data for a in ("--data", d)]
    rows = json.loads(run_cli(*args, "query", "red-flags", "-F", "json").stdout)["rows"]
    return [r["redFlagLabel"] for r in rows if "immediate" in r["urgencyLabel"]]


@pytest.fixture(scope="module")
def clean_immediate_care() -> list[str]:
    labels = _immediate_care_labels()
    assert len(labels) >= 5
    return labels


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_red_flags_table_cannot_be_rewritten_by_a_label(fmt: str, clean_immediate_care: list[str]) -> None:
    proc = run_cli("--data", str(EVIL), "query", "red-flags", "-F", fmt)
    assert proc.returncode == 0, proc.stderr
    _assert_terminal_safe(proc.stdout)
    lines = proc.stdout.splitlines()
    for label in clean_immediate_care:  # every immediate-care row is still there, on a line of its own
        assert any(label in line and "immediate" in line for line in lines), label
    evil = [line for line in lines if "zz_evil" in line]
    assert len(evil) == 1 and "\\x1b[7A" in evil[0] and "\\r" in evil[0]
    assert any("\\u202e" in line for line in lines)  # the bidi override is shown, not obeyed
    assert lines[-1].startswith("Not medical advice")


@pytest.mark.parametrize(
    "args",
    [
        ("show", "skr:zz_evil"),
        ("show", "skr:zz_bidi"),
        ("search", "zzz"),
        ("network", "neighbours", "--evidence", "skr:back_muscle_spasm"),
        ("network", "neighbours", "--evidence", "skr:zz_evil"),
        ("network", "paths", "skr:zz_evil", "skr:zz_bidi"),
        ("network", "summary"),
    ],
    ids=lambda a: "-".join(a[:2]),
)
def test_human_output_escapes_control_characters(args: tuple[str, ...]) -> None:
    proc = run_cli("--data", str(EVIL), *args)
    assert proc.returncode == 0, proc.stderr
    _assert_terminal_safe(proc.stdout)
    _assert_terminal_safe(proc.stderr)
    if "zz_" in " ".join(args) or args[0] == "search":
        assert "\\x1b" in proc.stdout or "\\u202e" in proc.stdout  # escaped visibly, not dropped


@pytest.mark.parametrize("depth", ["1", "2"])
def test_draw_of_hostile_labels_is_valid_svg_and_escaped_on_stderr(tmp_path: Path, depth: str) -> None:
    import xml.etree.ElementTree as ET

    out = tmp_path / "x.svg"
    proc = run_cli("--data", str(EVIL), "draw", "skr:zz_evil", "--depth", depth, "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    _assert_terminal_safe(proc.stderr)
    assert proc.stderr.startswith("wrote ") and proc.stderr.count("\n") == 1, proc.stderr  # no glyph warnings
    assert "\\x1b" in proc.stderr
    text = " ".join(t.text or "" for t in ET.parse(out).iter())  # control characters are not valid XML
    assert "\\x1b[7A" in text


def test_machine_formats_keep_the_raw_label() -> None:
    raw = EVIL.read_text(encoding="utf-8")
    want = rdflib.Graph().parse(data=raw, format="turtle")
    label = str(want.value(rdflib.URIRef("https://w3id.org/spasmkg/resource/zz_evil"), rdflib.RDFS.label))
    assert "\x1b" in label
    rows = json.loads(run_cli("--data", str(EVIL), "query", "red-flags", "-F", "json").stdout)["rows"]
    assert label in {r["redFlagLabel"] for r in rows}
    page = json.loads(run_cli("--data", str(EVIL), "show", "skr:zz_evil", "-F", "json").stdout)
    assert page["label"] == label
    csv_out = run_cli("--data", str(EVIL), "query", "red-flags", "-F", "tsv").stdout
    assert "\x1b[7A" in csv_out


def test_terminal_safe() -> None:
    from spasmkg.engine.formatting import terminal_safe

    assert terminal_safe("a\tb\nc") == "a\tb\nc"
    assert terminal_safe("a\tb\nc", multiline=False) == "a\\tb\\nc"
    assert terminal_safe("x\r\x1b[2J\x07\x7f\x85\x9b") == "x\\r\\x1b[2J\\x07\\x7f\\x85\\x9b"
    assert terminal_safe("\u202eabc\u2066d\u2069\u200f") == "\\u202eabc\\u2066d\\u2069\\u200f"
    assert terminal_safe("caf\u00e9 \u00a0 \u200d \U0001f600") == "caf\u00e9 \u00a0 \u200d \U0001f600"
    assert terminal_safe("\ud800") == "\\ud800"  # a lone surrogate cannot even be encoded: shown escaped
    s = "zzz\r\x1b]0;t\x07"
    assert terminal_safe(terminal_safe(s)) == terminal_safe(s)


# ---------------------------------------------------------------- H4: export never merges blank nodes


def _export_roundtrip(graph: rdflib.Graph, fmt: str) -> rdflib.Graph:
    out = rdfio.serialise(graph, fmt)
    return rdfio.parse_bytes(out, fmt)


@pytest.mark.parametrize("fixture", ["out-twins.ttl", "out-bnode-symmetric.ttl", "out-samelist300.ttl"])
@pytest.mark.parametrize("fmt", rdfio.EXPORT_FORMATS)
def test_export_keeps_every_blank_node(fixture: str, fmt: str) -> None:
    parsed = rdflib.Graph().parse(HOSTILE / fixture)
    back = _export_roundtrip(rdfio.parse_files([HOSTILE / fixture]), fmt)
    assert len(back) == len(parsed)
    assert isomorphic(back, parsed)


@pytest.mark.parametrize("fmt", ["nt", "xml"])
def test_export_keeps_a_300_long_blank_node_chain(fmt: str) -> None:
    parsed = rdflib.Graph().parse(HOSTILE / "out-chain300.nt")
    back = _export_roundtrip(rdfio.parse_files([HOSTILE / "out-chain300.nt"]), fmt)
    assert len(back) == len(parsed) == 301
    assert isomorphic(back, parsed)


def _deep_rdfxml(path: Path, depth: int) -> None:
    """The reviewer's 20,000-deep RDF/XML nesting: e:root e:p [ e:p [ ... e:leaf "x" ] ]."""
    path.write_text(
        '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:e="http://e/">\n<rdf:Description rdf:about="http://e/root">'
        + "<e:p><rdf:Description>" * depth
        + "<e:leaf>x</e:leaf>"
        + "</rdf:Description></e:p>" * depth
        + "</rdf:Description>\n</rdf:RDF>\n",
        encoding="utf-8",
    )


def _chain_from_root(g: rdflib.Graph) -> list[rdflib.term.Node]:
    p = rdflib.URIRef("http://e/p")
    node: rdflib.term.Node = rdflib.URIRef("http://e/root")
    seen: list[rdflib.term.Node] = []
    while True:
        nxt = list(g.objects(node, p))
        if not nxt:
            return seen
        assert len(nxt) == 1
        node = nxt[0]
        seen.append(node)


@pytest.fixture(scope="module")
def deep_graph(tmp_path_factory: pytest.TempPathFactory) -> tuple[rdflib.Graph, rdflib.Graph]:
    src = tmp_path_factory.mktemp("deep") / "deep.rdf"
    _deep_rdfxml(src, 20_000)
    return rdflib.Graph().parse(src, format="xml"), rdfio.parse_files([src])


@pytest.mark.parametrize("fmt", rdfio.EXPORT_FORMATS)
def test_export_keeps_a_20000_deep_rdfxml_nesting(deep_graph: tuple[rdflib.Graph, rdflib.Graph], fmt: str) -> None:
    """rdflib.compare needs minutes beyond a few thousand blank nodes, so isomorphism is checked by
    shape: the input is one path root -> b1 -> ... -> b20000 -> "x"; so must the output be."""
    parsed, loaded = deep_graph
    assert len(parsed) == 20_001
    t0 = time.monotonic()
    out = rdfio.serialise(loaded, fmt)
    took = time.monotonic() - t0
    back = rdfio.parse_bytes(out, fmt)
    assert len(back) == len(parsed)
    chain = _chain_from_root(back)
    assert len(chain) == len(set(chain)) == 20_000
    assert str(back.value(chain[-1], rdflib.URIRef("http://e/leaf"))) == "x"
    assert took < 30, f"export took {took:.1f} s"


def test_cli_export_of_hostile_blank_nodes_loses_nothing(tmp_path: Path) -> None:
    for name in ("out-chain300.nt", "out-samelist300.ttl", "out-twins.ttl"):
        data = str(HOSTILE / name)
        count = run_cli("--data", data, "sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "-F", "csv")
        n = int(count.stdout.split()[-1])
        a = run_cli("--data", data, "export", "-F", "nt", "-o", str(tmp_path / "a.nt"), env={"PYTHONHASHSEED": "1"})
        b = run_cli("--data", data, "export", "-F", "nt", "-o", str(tmp_path / "b.nt"), env={"PYTHONHASHSEED": "99"})
        assert a.returncode == b.returncode == 0, a.stderr + b.stderr
        assert (tmp_path / "a.nt").read_bytes() == (tmp_path / "b.nt").read_bytes(), name
        assert (tmp_path / "a.nt").read_text().count("\n") == n, name


def test_shipped_graph_keeps_its_labels() -> None:
    """knowledge.ttl's blank-node labels are the hash labels (diff-stable): the build check still passes."""
    proc = subprocess.run(
        [sys.executable, "-m", "spasmkg.kb.build", "--check"], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert proc.returncode == 0, proc.stderr


_BNODES = [rdflib.BNode(f"n{i}") for i in range(7)]
_IRIS = [rdflib.URIRef(f"http://example.org/{c}") for c in "abc"]
_PREDS = [rdflib.URIRef(f"http://example.org/p{i}") for i in range(2)]
_PREDS += [rdflib.RDF.first, rdflib.RDF.rest, rdflib.RDF.type]  # lists, well- and ill-formed
_OTHER = [rdflib.Literal("1"), rdflib.Literal("x", lang="en"), rdflib.RDF.nil, rdflib.RDF.List]
_triples = st.lists(
    st.tuples(
        st.sampled_from(_BNODES + _IRIS[:1]),
        st.sampled_from(_PREDS),
        st.sampled_from(_BNODES + _IRIS + _OTHER),
    ),
    min_size=1,
    max_size=18,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_triples)
def test_export_round_trips_random_blank_node_graphs(triples: list[tuple[rdflib.term.Node, ...]]) -> None:
    g = rdflib.Graph()
    for t in triples:
        g.add(t)  # type: ignore[arg-type]
    for fmt in rdfio.EXPORT_FORMATS:
        back = _export_roundtrip(g, fmt)
        assert len(back) == len(g) and isomorphic(back, g), fmt
    # the same graph with other blank-node ids (as every parse makes) gives the same bytes
    other = rdflib.Graph()
    for t in triples:
        other.add(tuple(rdflib.BNode("z" + x) if isinstance(x, rdflib.BNode) else x for x in t))  # type: ignore[arg-type]
    assert rdfio.serialise(other, "nt") == rdfio.serialise(g, "nt")


# ---------------------------------------------------------------- L5: the KGX pair is written as a pair


def test_kgx_pair_is_written_both_or_neither(tmp_path: Path) -> None:
    prefix = tmp_path / "kg"
    nodes, edges = tmp_path / "kg_nodes.tsv", tmp_path / "kg_edges.tsv"
    ok = run_cli("network", "export", "-F", "kgx", "-o", str(prefix))
    assert ok.returncode == 0, ok.stderr
    size_nodes, size_edges = nodes.stat().st_size, edges.stat().st_size
    assert size_nodes < size_edges
    nodes.write_text("OLD-NODES\n")
    edges.write_text("OLD-EDGES\n")
    limit = (size_nodes + size_edges) // 2  # the nodes file fits, the edges file does not

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    proc = subprocess.run(
        [sys.executable, "-m", "spasmkg", "network", "export", "-F", "kgx", "-o", str(prefix)],
        capture_output=True,
        text=True,
        preexec_fn=small_files,
        timeout=120,
        check=False,
    )
    assert_one_line_error(proc)
    assert nodes.read_text() == "OLD-NODES\n" and edges.read_text() == "OLD-EDGES\n", "half a pair was written"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kg_edges.tsv", "kg_nodes.tsv"]


def test_write_pair_rolls_back_when_the_second_rename_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = tmp_path / "a.tsv", tmp_path / "b.tsv"
    a.write_text("old a")
    b.write_text("old b")
    real_replace = os.replace

    def replace(src: str, dst: str) -> None:
        if str(dst) == str(b):
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(errors.InputError):
        atomic.atomic_write_many({a: b"new a", b: b"new b"})
    monkeypatch.undo()
    assert a.read_text() == "old a" and b.read_text() == "old b"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.tsv", "b.tsv"]


# ---------------------------------------------------------------- M6: signals during a write


_SLOW_WRITER = """
import sys, time
from pathlib import Path
from spasmkg.io import atomic
with atomic.atomic_writer(Path(sys.argv[1])) as fh:
    fh.write(b"partial ")
    fh.flush()
    print("writing", flush=True)
    time.sleep(60)
    fh.write(b"never")
"""


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_during_a_write_removes_the_temporary_file(tmp_path: Path, sig: signal.Signals) -> None:
    target = tmp_path / "out.ttl"
    target.write_text("old content\n")
    proc = subprocess.Popen(
        [sys.executable, "-c", _SLOW_WRITER, str(target)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "writing"
        assert len(list(tmp_path.iterdir())) == 2  # the temporary file exists now
        proc.send_signal(sig)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode != 0
    assert target.read_text() == "old content\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.ttl"], "the temporary file was left behind"


def test_sigterm_handler_is_restored_after_a_write(tmp_path: Path) -> None:
    before = signal.getsignal(signal.SIGTERM)
    atomic.atomic_write_text(tmp_path / "x.txt", "x")
    assert signal.getsignal(signal.SIGTERM) is before


# ---------------------------------------------------------------- M7: draw --all without scipy


def _extra_concepts(path: Path, n: int, *, edges_per_concept: int = 1) -> None:
    """``n`` generated symptoms, each linked to back muscle spasm and to ``edges_per_concept - 1`` others."""
    lines = [
        "@prefix spasmkg: <https://w3id.org/spasmkg/> . @prefix skr: <https://w3id.org/spasmkg/resource/> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
    ]
    for i in range(n):
        lines.append(f'skr:gen_{i} a spasmkg:Symptom ; rdfs:label "generated symptom {i}" ;')
        others = [f"skr:gen_{(i * 7 + k * 13 + 1) % n}" for k in range(edges_per_concept - 1)]
        links = ["skr:back_muscle_spasm", *others]
        lines.append(f"  spasmkg:symptomOf {', '.join(links)} .")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_draw_all_with_500_concepts_needs_no_scipy(tmp_path: Path) -> None:
    data = tmp_path / "plus300.ttl"
    _extra_concepts(data, 300)
    out = tmp_path / "all.png"
    proc = run_cli("--data", str(data), "draw", "--all", "-o", str(out), timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    probe = subprocess.run(
        [sys.executable, "-c", "import importlib.util as u; print(u.find_spec('scipy') is None)"],
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.stdout.strip() == "True":
        return
    pytest.skip("scipy is installed here: the run above did not prove the scipy-free path")  # pragma: no cover


def test_spring_layout_of_a_large_component_is_deterministic_and_spread() -> None:
    import networkx as nx

    from spasmkg.network import draw

    g = nx.cycle_graph([f"n{i:04d}" for i in range(520)])
    size = {n: (60.0, 14.0) for n in g}
    a = draw._component_layout(g, size)
    b = draw._component_layout(g, size)
    assert a == b and len(a) == 520
    boxes = [draw.LabelBox("node", n, x - 30, y - 7, x + 30, y + 7) for n, (x, y) in a.items()]
    assert not draw.overlapping(boxes)


def test_whole_graph_layout_does_not_depend_on_the_hash_seed() -> None:
    """``draw --all`` laid out the main component in set order (a subgraph view of part of a graph)."""
    code = """
import hashlib
from spasmkg.network import draw
from spasmkg.network import analysis as network_analysis, graph as network_graph, kgx as network_kgx
g = network_graph.to_networkx()
simple = network_graph.undirected(g, sorted(g.nodes, key=lambda n: g.nodes[n]["curie"]))
pos = draw._component_layout(simple, {n: (60.0, 14.0) for n in simple})
print(hashlib.sha256(repr(sorted(pos.items())).encode()).hexdigest())
"""
    runs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            timeout=120,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(runs) == 1, runs


# ---------------------------------------------------------------- code review: no global backend switch


def test_draw_leaves_the_matplotlib_backend_alone() -> None:
    code = """
import matplotlib
matplotlib.use("svg")
from spasmkg.network import draw
d = draw.default_drawing()
print(matplotlib.get_backend(), len(d.labels) > 10)
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["svg", "True"]


# ---------------------------------------------------------------- M9: network analysis is bounded in time


@pytest.fixture(scope="module")
def dense_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("dense") / "dense.ttl"
    _extra_concepts(path, 1500, edges_per_concept=5)
    return path


@pytest.mark.parametrize(
    "args",
    [("network", "summary"), ("draw", "--all", "-o", "{tmp}/x.png")],
    ids=["summary", "draw-all"],
)
def test_network_analysis_stops_at_the_time_limit(dense_data: Path, tmp_path: Path, args: tuple[str, ...]) -> None:
    argv = [a.replace("{tmp}", str(tmp_path)) for a in args]
    t0 = time.monotonic()
    proc = run_cli("--data", str(dense_data), *argv, "--timeout", "2", timeout=60)
    took = time.monotonic() - t0
    assert_one_line_error(proc)
    assert "stopped after 2 s" in proc.stderr, proc.stderr
    assert took < 10, f"took {took:.1f} s"
    assert not list(tmp_path.iterdir())


def test_network_commands_document_their_time_limit() -> None:
    commands = [("network", c) for c in ("summary", "paths", "neighbours", "export")] + [("draw",)]
    for args in commands:
        proc = run_cli(*args, "--help")
        assert "--timeout" in proc.stdout and "default: 60" in proc.stdout, (args, proc.stdout)


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "0"])
def test_timeouts_refuse_values_that_switch_them_off(value: str) -> None:
    assert_one_line_error(run_cli("network", "summary", "--timeout", value))
