"""The networkx view of the real graph: nodes, evidence on edges, summary, paths, neighbours, export."""

from __future__ import annotations

import csv
import itertools
import json
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from conftest import assert_one_line_error, run_cli

from spasmkg.cli import cli
from spasmkg.namespaces import SKR
from spasmkg.network import analysis as network_analysis
from spasmkg.network import graph as network_graph

SPASM = SKR + "back_muscle_spasm"
HEAVY_LIFTING = SKR + "heavy_lifting"
REST = SKR + "rest"
CATEGORIES = {
    "cause",
    "symptom",
    "risk factor",
    "treatment",
    "red flag",
    "condition",
    "body region",
    "activity",
    "precaution",
    "diagnostic procedure",
    "recommendation",
}

# Every object-property edge between two medical concepts, counted independently of spasmkg.network.
_EDGE_COUNT = """
SELECT (COUNT(*) AS ?n) WHERE {
  SELECT DISTINCT ?s ?p ?o WHERE {
    ?p a owl:ObjectProperty . ?s ?p ?o .
    FILTER EXISTS { ?s a/rdfs:subClassOf* spasmkg:MedicalConcept }
    FILTER EXISTS { ?o a/rdfs:subClassOf* spasmkg:MedicalConcept }
  }
}
"""
_NODE_COUNT = "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a/rdfs:subClassOf* spasmkg:MedicalConcept }"


@pytest.fixture(scope="module")
def g() -> nx.MultiDiGraph:
    return network_graph.to_networkx()


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


# ---------------------------------------------------------------- to_networkx


def test_nodes_and_edges_match_the_graph(g: nx.MultiDiGraph) -> None:
    import spasmkg

    assert g.number_of_nodes() > 100 and g.number_of_edges() > 100
    assert g.number_of_nodes() == spasmkg.sparql(_NODE_COUNT).rows[0]["n"]
    assert g.number_of_edges() == spasmkg.sparql(_EDGE_COUNT).rows[0]["n"]
    assert isinstance(spasmkg.to_networkx(), nx.MultiDiGraph)  # the lazy public export


def test_every_edge_has_a_verbatim_quote(g: nx.MultiDiGraph, corpus: str) -> None:
    for u, v, key, attrs in g.edges(keys=True, data=True):
        assert key == attrs["predicate"] and key.startswith("spasmkg:"), (u, v, key)
        assert attrs["predicate_label"] and attrs["predicate_label"] != key
        assert attrs["evidence"], f"{u} {key} {v} has no evidence"
        for ev in attrs["evidence"]:
            assert set(ev) == {"quote", "start", "end", "support", "hedges", "note", "prefix", "suffix"}
            assert ev["support"] in {"stated", "inferred"}
            assert corpus[ev["start"] : ev["end"]] == ev["quote"], (u, key, v, ev)


def test_nodes_are_medical_concepts_with_a_category(g: nx.MultiDiGraph) -> None:
    for node, a in g.nodes(data=True):
        assert node.startswith(SKR) and a["curie"] == "skr:" + node[len(SKR) :]
        assert a["label"] and a["types"]
        assert a["category"] in CATEGORIES, (node, a["category"])
        assert a["category"] in a["categories"] and set(a["categories"]) <= CATEGORIES
        assert a["category"] == network_graph.display_category(a["categories"])
    # left out: evidence, the source document, guidance values, urgency levels
    assert not any(n.startswith("https://w3id.org/spasmkg/evidence/") for n in g)
    assert SKR + "back-spasm-corpus" not in g
    assert not any(k == "spasmkg:hasGuidance" or k == "spasmkg:hasUrgency" for _, _, k in g.edges(keys=True))


def test_display_category_is_the_most_specific(g: nx.MultiDiGraph) -> None:
    assert g.nodes[SPASM]["category"] == "condition"
    assert g.nodes[REST]["category"] == "treatment"
    multi = [a for _, a in g.nodes(data=True) if {"symptom", "red flag"} <= set(a["categories"])]
    assert multi and all(a["category"] == "red flag" for a in multi)
    assert network_graph.display_category(["condition", "cause"]) == "cause"
    red_flags = [a for _, a in g.nodes(data=True) if a["category"] == "red flag"]
    assert red_flags and all(a.get("urgency") for a in red_flags)


# ---------------------------------------------------------------- summary


def test_summary(g: nx.MultiDiGraph) -> None:
    s = network_analysis.summary(g, top=5)
    assert {"cause", "symptom", "treatment", "red flag", "condition"} <= set(s["categories"])
    assert sum(c["nodes"] for c in s["categories"].values()) == g.number_of_nodes()
    assert sum(s["predicates"].values()) == g.number_of_edges()
    for cat in ("cause", "treatment"):
        ranked = s["most_connected"][cat]
        assert 0 < len(ranked) <= 5
        assert [r["degree"] for r in ranked] == sorted((r["degree"] for r in ranked), reverse=True)
        for r in ranked:
            assert r["degree"] == g.degree(r["iri"]) and cat in g.nodes[r["iri"]]["categories"]
            assert 0.0 <= r["betweenness"] <= 1.0
        best = max(g.degree(n) for n, a in g.nodes(data=True) if cat in a["categories"])
        assert ranked[0]["degree"] == best
    assert sum(s["components"]["sizes"]) == g.number_of_nodes()
    assert s["components"]["count"] == nx.number_weakly_connected_components(g)
    assert {r["iri"] for r in s["isolated"]} == {n for n in g if g.degree(n) == 0}


def test_summary_cli_text_and_json() -> None:
    code, out = invoke("network", "summary")
    assert code == 0
    for needle in (
        "per category",
        "cause",
        "treatment",
        "symptom",
        "most connected causes",
        "most connected treatments",
        "connected components",
    ):
        assert needle in out
    code, out = invoke("network", "summary", "-F", "json", "--top", "3")
    data = json.loads(out)
    assert code == 0 and len(data["most_connected"]["treatment"]) == 3 and "red flag" in data["categories"]


# ---------------------------------------------------------------- paths


def test_paths_from_heavy_lifting_to_rest(g: nx.MultiDiGraph, corpus: str) -> None:
    paths = network_analysis.find_paths(g, HEAVY_LIFTING, REST, max_length=4, limit=5)
    assert 1 <= len(paths) <= 5
    assert [len(p) for p in paths] == sorted(len(p) for p in paths)
    for path in paths:
        assert path[0]["from"]["iri"] == HEAVY_LIFTING and path[-1]["to"]["iri"] == REST
        assert all(a["to"]["iri"] == b["from"]["iri"] for a, b in itertools.pairwise(path))
        for hop in path:
            ends = {hop["from"]["curie"], hop["to"]["curie"]}
            assert hop["edges"]
            for e in hop["edges"]:
                assert {e["subject"], e["object"]} == ends
                assert e["evidence"] and all(corpus[v["start"] : v["end"]] == v["quote"] for v in e["evidence"])
    # the shortest explanation: heavy lifting causes back muscle spasm, which rest treats
    assert [h["to"]["iri"] for h in paths[0]] == [SPASM, REST]


def test_paths_cli_prints_real_directions_and_quotes() -> None:
    code, out = invoke("network", "paths", "heavy lifting", "skr:rest")
    assert code == 0
    assert "heavy lifting --causes--> back muscle spasm" in out
    assert "back muscle spasm --treated by--> rest" in out
    assert '"Back spasms also may follow overuse of the back muscles, such as heavy lifting' in out
    assert out.rstrip().splitlines()[-1].startswith("Not medical advice")
    # walked backwards, still printed in the edges' real direction
    code, out = invoke("network", "paths", "rest", "heavy lifting", "--limit", "1")
    assert code == 0 and "heavy lifting --causes--> back muscle spasm" in out
    assert "back muscle spasm --causes--> heavy lifting" not in out
    assert out.count("path ") == 1


def test_paths_json_and_limits() -> None:
    code, out = invoke("network", "paths", "heavy lifting", "rest", "--limit", "2", "--max-length", "3", "-F", "json")
    data = json.loads(out)
    assert code == 0 and len(data["paths"]) == 2 and all(len(p) <= 3 for p in data["paths"])
    code, out = invoke("network", "paths", "heavy lifting", "rest", "--max-length", "1")
    assert code == 0 and "no path within 1 hop" in out


def test_paths_errors_exit_2() -> None:
    proc = run_cli("network", "paths", "zebra stripes", "rest")
    assert_one_line_error(proc)
    assert "no concept matches" in proc.stderr
    proc = run_cli("network", "paths", "rest", "skr:rest")
    assert_one_line_error(proc)
    assert "same concept" in proc.stderr


# ---------------------------------------------------------------- neighbours


def test_neighbours(g: nx.MultiDiGraph) -> None:
    one = network_analysis.neighbours(g, SPASM, depth=1)
    direct = set(g.predecessors(SPASM)) | set(g.successors(SPASM))
    assert {c["iri"] for c in one["levels"][0]["concepts"]} == direct
    for c in one["levels"][0]["concepts"]:
        assert c["via"] and all("skr:back_muscle_spasm" in (e["subject"], e["object"]) for e in c["via"])
        assert all(c["curie"] in (e["subject"], e["object"]) for e in c["via"])
    two = network_analysis.neighbours(g, HEAVY_LIFTING, depth=2)
    first = {c["iri"] for c in two["levels"][0]["concepts"]}
    second = {c["iri"] for c in two["levels"][1]["concepts"]}
    assert SPASM in first and second and not first & second and HEAVY_LIFTING not in second
    assert REST in second  # heavy lifting -> back muscle spasm -> rest


def test_neighbours_cli() -> None:
    code, out = invoke("network", "neighbours", "heavy lifting", "--evidence")
    assert code == 0 and "distance 1:" in out and "heavy lifting --causes--> back muscle spasm" in out
    assert '"Back spasms also may follow overuse' in out
    code, out = invoke("network", "neighbours", "skr:rest", "--depth", "2", "-F", "json")
    data = json.loads(out)
    assert code == 0 and [lv["distance"] for lv in data["levels"]] == [1, 2]


# ---------------------------------------------------------------- export


def test_graphml_export_parses(tmp_path: Path, g: nx.MultiDiGraph) -> None:
    out = tmp_path / "spasm.graphml"
    code, _ = invoke("network", "export", "--format", "graphml", "-o", str(out))
    assert code == 0
    back = nx.read_graphml(out)
    assert back.number_of_nodes() == g.number_of_nodes() and back.number_of_edges() == g.number_of_edges()
    assert back.nodes["skr:back_muscle_spasm"]["category"] == "condition"
    edge = next(iter(back.edges(data=True)))
    assert {"predicate", "predicate_label", "evidence", "quote"} <= set(edge[2])
    assert json.loads(edge[2]["evidence"])[0]["quote"] == edge[2]["quote"]
    first = out.read_bytes()
    invoke("network", "export", "-o", str(out))
    assert out.read_bytes() == first  # deterministic


def test_kgx_export(tmp_path: Path, g: nx.MultiDiGraph, corpus: str) -> None:
    code, _ = invoke("network", "export", "--format", "kgx", "-o", str(tmp_path / "spasm"))
    assert code == 0
    with (tmp_path / "spasm_nodes.tsv").open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        assert reader.fieldnames is not None and reader.fieldnames[:3] == ["id", "category", "name"]
        nodes = list(reader)
    with (tmp_path / "spasm_edges.tsv").open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        assert reader.fieldnames is not None
        assert {
            "id",
            "subject",
            "predicate",
            "object",
            "primary_knowledge_source",
            "knowledge_level",
            "biolink_predicate",
            "supporting_text",
        } <= set(reader.fieldnames)
        edges = list(reader)
    assert len(nodes) == g.number_of_nodes() and len(edges) == g.number_of_edges()
    assert [n["id"] for n in nodes] == sorted(n["id"] for n in nodes)
    by_id = {n["id"]: n for n in nodes}
    assert all(n["category"].startswith("biolink:") for n in nodes)
    assert by_id["skr:back_muscle_spasm"]["category"] == "biolink:DiseaseOrPhenotypicFeature"
    assert by_id["skr:acetaminophen"]["category"] == "biolink:Drug"
    assert by_id["skr:muscle_relaxants"]["category"] == "biolink:ChemicalEntity"
    assert by_id["skr:rest"]["category"] == "biolink:Treatment"
    assert len({e["id"] for e in edges}) == len(edges)
    for e in edges:
        assert e["subject"] in by_id and e["object"] in by_id and e["predicate"].startswith("spasmkg:")
        assert e["primary_knowledge_source"] == "infores:spasmkg"
        quotes, spans = e["supporting_text"].split("|"), e["supporting_text_offsets"].split("|")
        assert len(quotes) == len(spans) >= 1
        for q, span in zip(quotes, spans, strict=True):
            start, end = (int(x) for x in span.split("-"))
            assert corpus[start:end] == q
    causes = [e for e in edges if e["predicate"] == "spasmkg:causes"]
    assert causes and all(e["biolink_predicate"] == "biolink:causes" for e in causes)
    assert all(e["biolink_predicate"] == "" for e in edges if e["predicate"] == "spasmkg:locatedIn")


def test_export_writes_nothing_on_failure(tmp_path: Path) -> None:
    (tmp_path / "kg_edges.tsv").mkdir()  # the second file cannot be written
    proc = run_cli("network", "export", "-F", "kgx", "-o", str(tmp_path / "kg"))
    assert_one_line_error(proc)
    assert not (tmp_path / "kg_nodes.tsv").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kg_edges.tsv"]  # no temporary files left
    proc = run_cli("network", "export", "-o", str(tmp_path / "missing" / "x.graphml"))
    assert_one_line_error(proc)
    assert "does not exist" in proc.stderr


def test_cli_import_stays_light() -> None:
    code = "import sys, spasmkg.cli; bad = [m for m in ('networkx', 'matplotlib') if m in sys.modules]; print(bad)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"
