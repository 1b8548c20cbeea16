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
from spasmkg.namespaces import SKR, curie
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
            "original_predicate",
            "agent_type",
            "supporting_text",
        } <= set(reader.fieldnames)
        edges = list(reader)
    assert len(nodes) == g.number_of_nodes() and len(edges) == g.number_of_edges()
    assert [n["id"] for n in nodes] == sorted(n["id"] for n in nodes)
    by_id = {n["id"]: n for n in nodes}
    assert all(n["category"].startswith("biolink:") for n in nodes)
    by_iri = {n["iri"].replace("https://w3id.org/spasmkg/resource/", "skr:"): n for n in nodes}
    assert by_iri["skr:back_muscle_spasm"]["category"] == "biolink:DiseaseOrPhenotypicFeature"
    assert by_iri["skr:acetaminophen"]["category"] == "biolink:Drug"
    assert by_iri["skr:acetaminophen"]["id"] == "CHEBI:46195"  # its exact match, a vocabulary Biolink knows
    assert by_iri["skr:muscle_relaxants"]["category"] == "biolink:ChemicalEntity"
    assert by_iri["skr:rest"]["category"] == "biolink:Treatment"
    assert len({e["id"] for e in edges}) == len(edges)
    for e in edges:
        assert e["subject"] in by_id and e["object"] in by_id and e["predicate"].startswith("biolink:")
        assert e["original_predicate"].startswith("spasmkg:")
        assert e["primary_knowledge_source"] == "infores:spasmkg"
        quotes, spans = e["supporting_text"].split("|"), e["supporting_text_offsets"].split("|")
        assert len(quotes) == len(spans) >= 1
        for q, span in zip(quotes, spans, strict=True):
            start, end = (int(x) for x in span.split("-"))
            assert corpus[start:end] == q
    causes = [e for e in edges if e["original_predicate"] == "spasmkg:causes"]
    assert causes and all(e["predicate"] == "biolink:causes" for e in causes)
    located = [e for e in edges if e["original_predicate"] == "spasmkg:locatedIn"]
    assert located and all(e["predicate"] == "biolink:located_in" for e in located)


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


# ---------------------------------------------------------------- curies, simple, inferred (notebooks)

_DERIVED = """
SELECT ?s ?p ?o ?by WHERE {
  ?ax owl:annotatedSource ?s ; owl:annotatedProperty ?p ; owl:annotatedTarget ?o ; spasmkg:derivedBy ?by .
  FILTER(?p != rdf:type)
}
"""


@pytest.fixture(scope="module")
def gi() -> nx.MultiDiGraph:
    return network_graph.to_networkx(inferred=True)


def test_default_graph_has_no_inferred_marks(g: nx.MultiDiGraph) -> None:
    assert type(g) is nx.MultiDiGraph
    assert not any("inferred" in a for _, _, a in g.edges(data=True))
    assert not any("inferred_types" in a for _, a in g.nodes(data=True))


def test_graphml_with_inferred_edges_says_which_are_entailed(tmp_path: Path) -> None:
    """An entailed edge has no quote; in GraphML it must say it is entailed, by which rule and from which
    premises, or it reads as an asserted edge that lost its evidence."""
    inferred = network_graph.to_networkx(inferred=True)
    out = tmp_path / "inferred.graphml"
    code, _ = invoke("network", "export", "--inferred", "-o", str(out))
    assert code == 0
    back = nx.read_graphml(out)
    assert back.number_of_edges() == inferred.number_of_edges()
    flags = [a.get("inferred") for _, _, a in back.edges(data=True)]
    assert None not in flags
    assert sum(flags) == sum(bool(a["inferred"]) for _, _, a in inferred.edges(data=True)) > 0
    for _, _, a in back.edges(data=True):
        if a["inferred"]:
            assert a["rule"] and a["axiom"] and a["evidence_count"] == 0
            premises = json.loads(a["premises"])
            assert premises and all(len(t) == 3 and t[0].startswith("skr:") for t in premises)
        else:
            assert a["evidence_count"] > 0 and a["rule"] == "" and json.loads(a["premises"]) == []
    with_types = [n for n, a in back.nodes(data=True) if a.get("inferred_types")]
    assert with_types


def test_graphml_text_serves_the_notebook_graph(g: nx.MultiDiGraph) -> None:
    """nx.write_graphml cannot write list attributes (interoperability review); spasmkg.graphml_text
    writes the graph a notebook has, with CURIE or IRI keys, and the IRIs stay IRIs."""
    import io

    import spasmkg

    with pytest.raises(Exception, match="GraphML"):
        nx.write_graphml(g, io.BytesIO())
    for graph in (g, spasmkg.to_networkx(curies=True)):
        back = nx.read_graphml(io.StringIO(spasmkg.graphml_text(graph)))
        assert back.number_of_edges() == g.number_of_edges()
        assert back.nodes["skr:back_muscle_spasm"]["iri"] == SPASM


def test_curie_keys_are_the_clis_graphml_ids(tmp_path: Path, g: nx.MultiDiGraph) -> None:
    from spasmkg.engine.formatting import cell

    c = network_graph.to_networkx(curies=True)
    assert type(c) is nx.MultiDiGraph
    assert sorted(c.nodes) == sorted(cell(n) for n in g.nodes) == sorted(a["curie"] for _, a in g.nodes(data=True))
    assert all(c.nodes[a["curie"]] == a for _, a in g.nodes(data=True))  # same attributes, iri kept
    assert sorted(c.edges(keys=True)) == sorted((cell(u), cell(v), k) for u, v, k in g.edges(keys=True))
    out = tmp_path / "spasm.graphml"
    code, _ = invoke("network", "export", "-o", str(out))
    back = nx.read_graphml(out)
    assert code == 0 and set(back.nodes) == set(c.nodes)
    assert {(u, v, a["predicate"]) for u, v, a in back.edges(data=True)} == set(c.edges(keys=True))


def test_curie_keys_refuse_two_concepts_with_one_curie(tmp_path: Path) -> None:
    from spasmkg.errors import InputError

    data = tmp_path / "lookalike.ttl"
    data.write_text(
        "@prefix spasmkg: <https://w3id.org/spasmkg/> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '<skr:back_muscle_spasm> a spasmkg:Condition ; rdfs:label "a look-alike"@en .\n'
    )
    assert "skr:back_muscle_spasm" in network_graph.to_networkx([data])  # as IRIs both are there
    with pytest.raises(InputError, match="have the same CURIE skr:back_muscle_spasm: use curies=False"):
        network_graph.to_networkx([data], curies=True)


def test_simple_graph_merges_parallel_edges_and_centrality_works(g: nx.MultiDiGraph) -> None:
    import spasmkg

    with pytest.raises(nx.NetworkXNotImplemented):
        nx.eigenvector_centrality(g)  # why simple=True exists
    s = spasmkg.to_networkx(simple=True)
    assert type(s) is nx.DiGraph
    centrality = nx.eigenvector_centrality(s)
    assert set(centrality) == set(g.nodes) and max(centrality.values()) > 0
    undirected = nx.eigenvector_centrality(s.to_undirected())
    assert max(undirected, key=undirected.__getitem__) == SPASM
    assert dict(s.nodes(data=True)) == dict(g.nodes(data=True))
    assert set(s.edges) == {(u, v) for u, v, _ in g.edges(keys=True)}
    assert sum(w for _, _, w in s.edges(data="weight")) == g.number_of_edges()
    assert dict(s.degree(weight="weight")) == dict(g.degree())
    merged = 0
    for u, v, a in s.edges(data=True):
        assert set(a) == {"predicates", "predicate_labels", "evidence", "weight"}
        assert a["predicates"] == sorted(g[u][v]) and a["weight"] == len(a["predicates"])
        for i, p in enumerate(a["predicates"]):
            assert a["predicate_labels"][i] == g.edges[u, v, p]["predicate_label"]
            assert a["evidence"][i] == g.edges[u, v, p]["evidence"] and a["evidence"][i]
        merged += a["weight"] > 1
    assert merged  # the shipped graph has concept pairs linked by two predicates
    c = spasmkg.to_networkx(curies=True, simple=True)
    assert c.edges["skr:back_muscle_spasm", "skr:rest"]["predicates"] == ["spasmkg:treatedBy"]
    assert nx.betweenness_centrality(c)["skr:back_muscle_spasm"] > 0


def test_inferred_edges_are_the_materialised_entailments(g: nx.MultiDiGraph, gi: nx.MultiDiGraph) -> None:
    import spasmkg

    assert dict(gi.nodes(data=True)).keys() == dict(g.nodes(data=True)).keys()
    for u, v, k, a in g.edges(keys=True, data=True):
        assert gi.edges[u, v, k] == {**a, "inferred": False}
    inferred = {(u, v, k): a for u, v, k, a in gi.edges(keys=True, data=True) if a["inferred"]}
    assert len(inferred) == gi.number_of_edges() - g.number_of_edges() > 100
    # the same entailments, read independently from the reified graph (spasmkg:derivedBy)
    from rdflib.query import ResultRow

    rows = [tuple(map(str, r)) for r in spasmkg.load(inferred=True).query(_DERIVED) if isinstance(r, ResultRow)]
    derived = {(s, o, curie(p)): by for s, p, o, by in rows if s in g and o in g}
    assert set(inferred) == set(derived)
    for (u, v, k), a in inferred.items():
        assert a["predicate"] == k and a["predicate_label"] and a["evidence"] == []
        assert derived[u, v, k] == f"{a['rule']}: {a['axiom']}"
        assert a["premises"]
        for s, p, o in a["premises"]:
            assert p.startswith("spasmkg:") and (gi.has_edge(s, o, key=p) or s not in gi or o not in gi)
        if a["rule"] == "inverse":
            assert a["premises"] == [(v, a["premises"][0][1], u)] and gi.has_edge(v, u, key=a["premises"][0][1])
    rules = {a["rule"] for a in inferred.values()}
    assert {"inverse", "property chain"} <= rules
    # spasmkg:causes has an inverse: every asserted causes edge is entailed backwards
    causes = [(u, v) for u, v, k in g.edges(keys=True) if k == "spasmkg:causes"]
    assert causes and all(gi.has_edge(v, u, key="spasmkg:causedBy") for u, v in causes)
    for n, a in gi.nodes(data=True):
        assert not set(a["inferred_types"]) & set(a["types"]) and a["category"] == g.nodes[n]["category"]
    assert any("medical concept" in a["inferred_types"] for _, a in gi.nodes(data=True))


def test_inferred_with_curies_and_simple(gi: nx.MultiDiGraph) -> None:
    c = network_graph.to_networkx(curies=True, inferred=True)
    s = network_graph.to_networkx(curies=True, simple=True, inferred=True)
    assert c.number_of_edges() == gi.number_of_edges()
    assert sum(w for *_, w in s.edges(data="weight")) == c.number_of_edges()
    for u, v, k, a in c.edges(keys=True, data=True):
        if a["inferred"]:
            assert all(not x.startswith("http") for t in a["premises"] for x in t)
        merged = s.edges[u, v]
        i = merged["predicates"].index(k)
        assert merged["inferred"][i] is a["inferred"] and merged["rules"][i] == a.get("rule", "")
        assert merged["evidence"][i] == a["evidence"]
    nx.eigenvector_centrality(s)


def test_export_inferred(tmp_path: Path, g: nx.MultiDiGraph, gi: nx.MultiDiGraph) -> None:
    n_inferred = gi.number_of_edges() - g.number_of_edges()
    out = tmp_path / "inferred.graphml"
    code, _ = invoke("network", "export", "--inferred", "-o", str(out))
    assert code == 0
    back = nx.read_graphml(out)
    assert back.number_of_nodes() == g.number_of_nodes() and back.number_of_edges() == gi.number_of_edges()
    assert sum(a["evidence_count"] == 0 for *_, a in back.edges(data=True)) == n_inferred
    assert back.has_edge("skr:back_muscle_spasm", "skr:heavy_lifting")  # causedBy, the inverse of causes
    first = out.read_bytes()
    invoke("network", "export", "--inferred", "-o", str(out))
    assert out.read_bytes() == first  # deterministic
    code, _ = invoke("network", "export", "-F", "kgx", "--inferred", "-o", str(tmp_path / "kg"))
    assert code == 0
    with (tmp_path / "kg_edges.tsv").open(encoding="utf-8", newline="") as fh:
        edges = list(csv.DictReader(fh, delimiter="\t"))
    assert len(edges) == gi.number_of_edges() and len({e["id"] for e in edges}) == len(edges)
    assert sum(e["supporting_text"] == "" for e in edges) == n_inferred  # no quote of their own


def test_export_inferred_kgx_marks_entailments(tmp_path: Path) -> None:
    code, _ = invoke("network", "export", "-F", "kgx", "--inferred", "-o", str(tmp_path / "kg"))
    with (tmp_path / "kg_edges.tsv").open(encoding="utf-8", newline="") as fh:
        edges = list(csv.DictReader(fh, delimiter="\t"))
    entailed = [e for e in edges if e["supporting_text"] == ""]
    assert code == 0 and entailed
    assert all(e["knowledge_level"] == "logical_entailment" and e["agent_type"] == "automated_agent" for e in entailed)
