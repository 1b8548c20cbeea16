"""`spasmkg release -o DIR`: the bundle's files are what the ecosystem's tools accept, the same graph gives the
same bytes, and the folder is written atomically. Real libraries throughout (owlready2 + HermiT, sssom-py,
the Biolink model from the biolink-model wheel through bmt, rdflib); nothing is fetched."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
from conftest import ROOT, needs_java, sssom_errors

SPASMKG = "https://w3id.org/spasmkg/"


def _cli(*args: str, seed: str = "0", cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    return subprocess.run(
        [sys.executable, "-m", "spasmkg", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=600
    )


@pytest.fixture(scope="module")
def bundle_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundle written by the command line (PYTHONHASHSEED=1)."""
    out = tmp_path_factory.mktemp("release") / "spasmkg-release"
    r = _cli("release", "-o", str(out), seed="1")
    assert r.returncode == 0, r.stderr
    assert "wrote" in r.stderr and "Traceback" not in r.stderr
    return out


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    """The bundle built in this process (another hash seed than the command line's)."""
    from spasmkg.release import build

    return build()


def _tsv(data: bytes) -> list[dict[str, str]]:
    text = "\n".join(line for line in data.decode("utf-8").splitlines() if not line.startswith("#"))
    return list(csv.DictReader(io.StringIO(text), delimiter="\t"))


# ---------------------------------------------------------------- the bundle as a whole


def test_same_graph_gives_the_same_bytes_across_processes_and_hash_seeds(bundle_dir: Path, files: dict[str, bytes]):
    on_disk = {p.relative_to(bundle_dir).as_posix(): p.read_bytes() for p in bundle_dir.rglob("*") if p.is_file()}
    assert sorted(on_disk) == sorted(files)
    differ = [name for name in files if on_disk[name] != files[name]]
    assert differ == []
    expected = {
        "spasmkg.owl", "spasmkg.ttl", "spasmkg.jsonld", "spasmkg.nt.gz", "spasmkg.json",
        "spasmkg-inferred.owl", "spasmkg-inferred.ttl", "spasmkg-inferred.jsonld", "spasmkg-inferred.nt.gz",
        "shapes.ttl", "mappings.sssom.tsv", "kgx/nodes.tsv", "kgx/edges.tsv", "kgx/inferred_edges.tsv",
        "void.ttl", "README.md", "SHA256SUMS",
    }  # fmt: skip
    assert set(files) == expected


def test_sha256sums_lists_every_other_file_and_sha256sum_accepts_it(bundle_dir: Path):
    sums = (bundle_dir / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    listed = {}
    for line in sums:
        digest, name = line.split("  ", 1)
        listed[name] = digest
    files = {p.relative_to(bundle_dir).as_posix() for p in bundle_dir.rglob("*") if p.is_file()} - {"SHA256SUMS"}
    assert set(listed) == files
    for name, digest in listed.items():
        assert hashlib.sha256((bundle_dir / name).read_bytes()).hexdigest() == digest, name
    if Path("/usr/bin/sha256sum").exists():
        r = subprocess.run(
            ["sha256sum", "--strict", "-c", "SHA256SUMS"], cwd=bundle_dir, capture_output=True, text=True
        )
        assert r.returncode == 0, r.stdout + r.stderr


def test_readme_names_every_file_and_carries_the_notice(files: dict[str, bytes]):
    text = files["README.md"].decode("utf-8")
    assert "Not medical advice" in text
    for name in files:
        if name != "README.md":
            assert f"`{name}`" in text, name


# ---------------------------------------------------------------- RDF files


def test_rdf_files_are_the_export_bytes_and_all_hold_the_same_graph(files: dict[str, bytes]):
    from spasmkg import resources
    from spasmkg.io.rdf import export
    from spasmkg.reason.graph import load

    g = load()
    assert files["spasmkg.ttl"] == export(g, "turtle", resources.context_path())
    nt = gzip.decompress(files["spasmkg.nt.gz"])
    assert nt == export(g, "nt")
    assert files["spasmkg.nt.gz"][4:8] == b"\0\0\0\0"  # gzip time stamp 0: no clock in the bytes
    graphs = {}
    for name, fmt in (("spasmkg.owl", "xml"), ("spasmkg.ttl", "turtle"), ("spasmkg.jsonld", "json-ld")):
        graphs[name] = rdflib.Graph().parse(data=files[name], format=fmt)
    graphs["spasmkg.nt.gz"] = rdflib.Graph().parse(data=nt, format="nt")
    sizes = {name: len(x) for name, x in graphs.items()}
    assert set(sizes.values()) == {len(g)}, sizes
    # the same graph: canonical blank-node labels are content-derived, so re-exporting gives the same bytes
    # (rdflib.compare.to_isomorphic takes minutes on this graph)
    for name, parsed in graphs.items():
        assert export(parsed, "nt") == nt, name


def test_inferred_files_hold_the_entailments(files: dict[str, bytes]):
    g = rdflib.Graph().parse(data=gzip.decompress(files["spasmkg-inferred.nt.gz"]), format="nt")
    asserted = rdflib.Graph().parse(data=gzip.decompress(files["spasmkg.nt.gz"]), format="nt")
    edge = (
        rdflib.URIRef(SPASMKG + "resource/skeletal_muscle_relaxants"),
        rdflib.URIRef(SPASMKG + "contraindicatedDuring"),
        rdflib.URIRef(SPASMKG + "resource/driving"),
    )
    assert edge in g and edge not in asserted
    assert len(g) > len(asserted)


@needs_java
@pytest.mark.slow
def test_owl_file_loads_in_owlready2_and_hermit_finds_it_consistent(bundle_dir: Path):
    """RDF/XML that owlready2 reads (it cannot read Turtle); HermiT: consistent, and it entails the
    headline edge (skeletal muscle relaxants are contraindicated while driving)."""
    from spasmkg.reason.hermit import HermitRun

    with HermitRun(bundle_dir / "spasmkg.owl", infer_property_values=True) as run:
        report = run.report(limit=300)
    assert report.consistent and report.unsatisfiable == [], report.message
    assert (
        SPASMKG + "resource/skeletal_muscle_relaxants",
        SPASMKG + "contraindicatedDuring",
        SPASMKG + "resource/driving",
    ) in report.inferred_values
    code = (
        "import owlready2, sys\n"
        "w = owlready2.World(); o = w.get_ontology(sys.argv[1]).load()\n"
        "ns = w.get_namespace('https://w3id.org/spasmkg/')\n"
        "print(o.base_iri, len(list(w.classes())), len(list(w.individuals())), ns.Cause is not None)\n"
    )
    r = subprocess.run(
        [sys.executable, "-c", code, (bundle_dir / "spasmkg.owl").as_uri()], capture_output=True, text=True, timeout=300
    )
    assert r.returncode == 0, r.stderr
    base, classes, individuals, has_cause = r.stdout.split()
    assert base.startswith("https://w3id.org/spasmkg/spasmkg.owl")
    assert int(classes) >= 29 and int(individuals) > 300 and has_cause == "True"


# ---------------------------------------------------------------- SSSOM


def test_sssom_validates_and_keeps_where_each_identifier_was_seen(bundle_dir: Path, tmp_path: Path):
    path = bundle_dir / "mappings.sssom.tsv"
    assert sssom_errors(path) == []
    text = path.read_text(encoding="utf-8")
    meta = "\n".join(line[1:] for line in text.splitlines() if line.startswith("#"))
    for key in ("mapping_set_id: https://w3id.org/", "license: https://creativecommons.org/licenses/by/4.0/"):
        assert key in meta
    assert "creator_label:" in meta and "spasmkg contributors" in meta
    rows = _tsv(path.read_bytes())
    curated = []
    for table in sorted((ROOT / "ontology/curation/mappings").glob("*.sssom.tsv")):
        curated += _tsv(table.read_bytes())
    assert len(rows) == len(curated) > 100
    by_key = {(r["subject_id"], r["predicate_id"], r["object_id"]): r for r in rows}
    for c in curated:
        row = by_key[(c["subject_id"], c["predicate_id"], c["object_id"])]
        assert row["mapping_justification"] == "semapv:ManualMappingCuration"
        assert row["other"] == c["other"] and row["other"].startswith("where_seen=")
        assert row["comment"] == c["comment"] and row["object_label"] == c["object_label"]
    from sssom.parsers import parse_sssom_table

    read = parse_sssom_table(path).df  # sssom-py keeps `other` (it drops extension columns)
    assert sorted(read["other"]) == sorted(r["other"] for r in rows)
    bad = tmp_path / "bad.sssom.tsv"
    bad.write_text(text.replace("semapv:ManualMappingCuration", "semapv:GuessedIt", 1), encoding="utf-8")
    assert sssom_errors(bad), "a made-up mapping_justification must fail validation"


def test_sssom_command_line_validate_passes(bundle_dir: Path):
    exe = Path(sys.executable).with_name("sssom")
    if not exe.exists():
        pytest.skip("sssom command not installed next to this Python")
    r = subprocess.run([str(exe), "validate", str(bundle_dir / "mappings.sssom.tsv")], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


# ---------------------------------------------------------------- KGX with Biolink


@pytest.fixture(scope="module")
def biolink():
    """bmt's Toolkit on the Biolink model shipped in the biolink-model wheel (no download), and its prefix map."""
    import biolink_model
    from bmt import Toolkit

    from spasmkg.io.guards import network_guard

    root = Path(next(iter(biolink_model.__path__)))
    with network_guard():
        tk = Toolkit(schema=str(root / "schema/biolink_model.yaml"), predicate_map={"predicate mappings": []})
    prefixes = json.loads((root / "prefixmaps/biolink-model-prefix-map.json").read_text(encoding="utf-8"))
    return tk, prefixes


def biolink_problems(biolink, nodes: list[dict[str, str]], edges: list[dict[str, str]]) -> tuple[list[str], int]:
    """What `kgx validate` checks, against the Biolink model offline: required columns, categories,
    predicates (Biolink, snake_case), enum values, CURIE prefixes known to Biolink, edges between
    nodes. Returns the problems and the number of ids in the local ``skr`` prefix (the one prefix
    Biolink cannot know)."""
    tk, prefix_map = biolink
    problems: list[str] = []
    local = 0
    levels = {"knowledge_assertion", "logical_entailment", "prediction", "statistical_association",
              "text_co_occurrence", "observation", "not_provided"}  # fmt: skip
    agents = {"manual_agent", "automated_agent", "data_analysis_pipeline", "computational_model", "text_mining_agent",
              "image_processing_agent", "manual_validation_of_automated_agent", "not_provided"}  # fmt: skip

    def check_curie(value: str, where: str) -> None:
        nonlocal local
        prefix = value.split(":", 1)[0]
        if prefix == "skr":
            local += 1
        elif prefix not in prefix_map:
            problems.append(f"{where}: prefix of {value!r} is not in the Biolink context")

    ids = set()
    for n in nodes:
        if not n.get("id") or not n.get("category"):
            problems.append(f"node {n.get('id')!r}: id and category are required")
            continue
        if n["id"] in ids:
            problems.append(f"node {n['id']}: duplicate id")
        ids.add(n["id"])
        check_curie(n["id"], f"node {n['id']}")
        for cat in n["category"].split("|"):
            el = tk.get_element(cat)
            if not tk.is_category(cat) or el is None or el.abstract or el.mixin:
                problems.append(f"node {n['id']}: category {cat} is not a concrete Biolink class")
    for e in edges:
        for col in ("id", "subject", "predicate", "object", "knowledge_level", "agent_type"):
            if not e.get(col):
                problems.append(f"edge {e.get('id')}: {col} is required")
        p = e["predicate"]
        if not re.fullmatch(r"biolink:[a-z][a-z0-9_]*", p) or not tk.is_predicate(p):
            problems.append(f"edge {e['id']}: predicate {p!r} is not a snake_case Biolink predicate")
        elif tk.get_element(p).abstract:
            problems.append(f"edge {e['id']}: predicate {p} is abstract")
        if e["knowledge_level"] not in levels or e["agent_type"] not in agents:
            problems.append(f"edge {e['id']}: knowledge_level/agent_type not in the Biolink enums")
        for col in ("subject", "object"):
            if e[col] not in ids:
                problems.append(f"edge {e['id']}: {col} {e[col]} is not a node")
            check_curie(e[col], f"edge {e['id']}")
    return problems, local


def test_kgx_files_pass_the_biolink_checks_offline(files: dict[str, bytes], biolink):
    nodes = _tsv(files["kgx/nodes.tsv"])
    edges = _tsv(files["kgx/edges.tsv"])
    inferred = _tsv(files["kgx/inferred_edges.tsv"])
    problems, local = biolink_problems(biolink, nodes, edges + inferred)
    assert problems == []
    # ids are external exact matches where Biolink knows the vocabulary; the rest keep the spasmkg prefix
    external = [n for n in nodes if not n["id"].startswith("skr:")]
    assert len(external) >= 40 and local < 3 * (len(nodes) + len(edges) + len(inferred))
    assert all(n["iri"].startswith(SPASMKG + "resource/") for n in nodes)
    assert len({n["iri"] for n in nodes}) == len({n["id"] for n in nodes}) == len(nodes)
    for e in edges:
        assert e["original_predicate"].startswith("spasmkg:") and e["original_subject"].startswith("skr:")
        assert (e["knowledge_level"], e["agent_type"]) == ("knowledge_assertion", "manual_agent")
        assert e["supporting_text"]
    assert inferred
    for e in inferred:
        assert (e["knowledge_level"], e["agent_type"]) == ("logical_entailment", "automated_agent")
        assert e["supporting_text"] == ""
    driving = [e for e in inferred if e["original_subject"] == "skr:skeletal_muscle_relaxants"
               and e["original_predicate"] == "spasmkg:contraindicatedDuring"]  # fmt: skip
    assert [e["predicate"] for e in driving] == ["biolink:contraindicated_in"]
    assert not {e["id"] for e in edges} & {e["id"] for e in inferred}
    related = sum(e["predicate"] == "biolink:related_to" for e in edges)
    assert related < len(edges) / 3  # most edges have a specific Biolink predicate


def test_biolink_checks_catch_what_kgx_rejected(files: dict[str, bytes], biolink):
    """The check is not vacuous: the review's kgx errors (a spasmkg CURIE as predicate, a camelCase
    predicate, an unknown category, an unknown prefix, a dangling edge) are all reported."""
    nodes = _tsv(files["kgx/nodes.tsv"])
    edges = _tsv(files["kgx/edges.tsv"])[:3]
    edges[0] = {**edges[0], "predicate": "spasmkg:hasSymptom"}
    edges[1] = {**edges[1], "predicate": "biolink:hasSymptom"}
    edges[2] = {**edges[2], "object": "FOO:1"}
    nodes[0] = {**nodes[0], "category": "biolink:Spasm"}
    problems, _ = biolink_problems(biolink, nodes, edges)
    text = "\n".join(problems)
    assert text.count("is not a snake_case Biolink predicate") == 2
    assert "is not a concrete Biolink class" in text
    assert "'FOO:1' is not in the Biolink context" in text and "FOO:1 is not a node" in text


def test_predicate_category_and_prefix_tables_are_biolink(biolink):
    from spasmkg.network import kgx

    tk, prefix_map = biolink
    assert tk.get_model_version() == kgx.BIOLINK_VERSION
    for ours, theirs in [*kgx.BIOLINK_PREDICATE.items(), ("*", kgx.FALLBACK_PREDICATE)]:
        assert tk.is_predicate(theirs) and re.fullmatch(r"biolink:[a-z_]+", theirs), (ours, theirs)
    for category in [*kgx.BIOLINK_CATEGORY.values(), "biolink:Drug", "biolink:ChemicalEntity", "biolink:NamedThing"]:
        assert tk.is_category(category), category
    for category, prefixes in kgx.ID_PREFIXES.items():
        allowed = set(tk.get_element(category).id_prefixes or [])
        for name in ("disease", "phenotypic feature"):  # DiseaseOrPhenotypicFeature is their union
            if category == "biolink:DiseaseOrPhenotypicFeature":
                allowed |= set(tk.get_element(name).id_prefixes)
        assert set(prefixes) <= allowed, category
    assert set(kgx.ANY_PREFIXES) <= set(prefix_map)


# ---------------------------------------------------------------- VoID / DCAT


def test_void_describes_every_distribution_with_size_and_sha256(files: dict[str, bytes]):
    from spasmkg import resources
    from spasmkg.reason.graph import load

    v = rdflib.Graph().parse(data=files["void.ttl"], format="turtle")
    q = """
    PREFIX dcat: <http://www.w3.org/ns/dcat#> PREFIX dct: <http://purl.org/dc/terms/>
    PREFIX spdx: <http://spdx.org/rdf/terms#>
    SELECT ?title ?size ?sha WHERE {
      ?d a dcat:Distribution ; dct:title ?title ; dcat:byteSize ?size ;
         spdx:checksum [ spdx:algorithm spdx:checksumAlgorithm_sha256 ; spdx:checksumValue ?sha ] .
    }"""
    described = {str(row[0]): (int(str(row[1])), str(row[2])) for row in v.query(q)}  # type: ignore[index]
    assert set(described) == set(files) - {"void.ttl", "README.md", "SHA256SUMS"}
    for name, (size, sha) in described.items():
        assert size == len(files[name]) and sha == hashlib.sha256(files[name]).hexdigest(), name
    base = rdflib.URIRef("https://w3id.org/spasmkg/releases/0.1.0/")
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    dct = rdflib.Namespace("http://purl.org/dc/terms/")
    assert int(str(v.value(base, void.triples))) == len(load())
    assert int(str(v.value(rdflib.URIRef(str(base) + "#inferred"), void.triples))) == len(load(inferred=True))
    assert (base, dct.conformsTo, rdflib.URIRef("https://w3id.org/spasmkg/shapes")) in v
    assert str(v.value(base, rdflib.OWL.versionIRI)) == "https://w3id.org/spasmkg/releases/0.1.0/spasmkg.owl"
    assert str(v.value(base, dct.license)) == "https://creativecommons.org/licenses/by/4.0/"
    corpus = v.value(base, dct.source)
    checksum = v.value(corpus, rdflib.URIRef("http://spdx.org/rdf/terms#checksum"))
    sha_value = v.value(checksum, rdflib.URIRef("http://spdx.org/rdf/terms#checksumValue"))
    assert str(sha_value) == resources.sha256_file(resources.corpus_path())


# ---------------------------------------------------------------- writing the folder


def test_a_folder_that_is_not_a_release_is_refused_untouched(tmp_path: Path):
    target = tmp_path / "mine"
    target.mkdir()
    (target / "notes.txt").write_text("keep me", encoding="utf-8")
    r = _cli("release", "-o", str(target))
    assert r.returncode == 2
    assert r.stderr.startswith("error: refusing to write into") and len(r.stderr.strip().splitlines()) == 1
    assert [p.name for p in target.iterdir()] == ["notes.txt"]
    (tmp_path / "file").write_text("x", encoding="utf-8")
    r = _cli("release", "-o", str(tmp_path / "file"))
    assert r.returncode == 2 and "not a folder" in r.stderr and "Traceback" not in r.stderr
    r = _cli("release", "-o", str(tmp_path / "missing" / "out"))
    assert r.returncode == 2 and "does not exist" in r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "mine"]


def test_an_earlier_release_is_replaced_and_a_failed_write_leaves_it_whole(tmp_path: Path, monkeypatch):
    from spasmkg.errors import InputError
    from spasmkg.release import bundle

    target = tmp_path / "rel"
    old = {"a.txt": b"old a\n", "kgx/b.tsv": b"old b\n"}
    bundle.write({**old, "SHA256SUMS": bundle.sha256sums(old)}, target)
    new = {"a.txt": b"new a\n", "c.txt": b"new c\n"}
    new["SHA256SUMS"] = bundle.sha256sums(new)

    calls = 0
    real_fsync = os.fsync

    def failing_fsync(fd: int) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(InputError, match="No space left"):
        bundle.write(new, target)
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert (target / "a.txt").read_bytes() == b"old a\n" and (target / "kgx/b.tsv").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rel"]  # no temporary folder left

    bundle.write(new, target)
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()) == [
        "SHA256SUMS",
        "a.txt",
        "c.txt",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rel"]


# ---------------------------------------------------------------- plain JSON (export -F json)


def test_export_json_is_one_plain_object_per_concept(files: dict[str, bytes]):
    from spasmkg.reason.graph import load

    r = _cli("export", "-F", "json", seed="3")
    assert r.returncode == 0, r.stderr
    assert r.stdout.encode("utf-8") == files["spasmkg.json"]  # deterministic across processes and hash seeds
    concepts = json.loads(r.stdout)
    assert isinstance(concepts, list) and [c["id"] for c in concepts] == sorted(c["id"] for c in concepts)
    for c in concepts:
        assert list(c) == ["id", "label", "types", "relations"]
        assert c["id"].startswith("skr:") and c["label"] and c["types"]
        for rel in c["relations"]:
            assert list(rel) == ["predicate", "target", "quote", "support", "hedges"]
            assert rel["support"] in ("stated", "inferred") and rel["quote"], (c["id"], rel)
    by_id = {c["id"]: c for c in concepts}
    lifting = by_id["skr:heavy_lifting"]
    assert lifting["label"] == "heavy lifting" and "spasmkg:PhysicalActivityCause" in lifting["types"]
    assert {
        "predicate": "spasmkg:causes",
        "target": "skr:back_muscle_spasm",
        "quote": "Back spasms also may follow overuse of the back muscles, such as heavy lifting, or some other "
        "injury.",
        "support": "stated",
        "hedges": ["may"],
    } in lifting["relations"]
    # every asserted edge between two concepts is there, once per piece of evidence
    g = load()
    props = set(g.subjects(rdflib.RDF.type, rdflib.OWL.ObjectProperty))
    from spasmkg.namespaces import curie

    edges = {
        (curie(str(s)), curie(str(p)), curie(str(o)))
        for s, p, o in g
        if p in props and str(s).startswith(SPASMKG + "resource/") and str(o).startswith(SPASMKG + "resource/")
    }
    listed = {(c["id"], r["predicate"], r["target"]) for c in concepts for r in c["relations"]}
    assert edges <= listed and len(edges) > 300


def test_export_json_inferred_marks_entailed_relations(tmp_path: Path):
    out = tmp_path / "kg.json"
    r = _cli("export", "-F", "json", "--inferred", "-o", str(out))
    assert r.returncode == 0, r.stderr
    by_id = {c["id"]: c for c in json.loads(out.read_text(encoding="utf-8"))}
    rels = by_id["skr:skeletal_muscle_relaxants"]["relations"]
    driving = [r for r in rels if r["predicate"] == "spasmkg:contraindicatedDuring" and r["target"] == "skr:driving"]
    assert driving == [
        {"predicate": "spasmkg:contraindicatedDuring", "target": "skr:driving", "quote": None, "support": "entailed",
         "hedges": []}
    ]  # fmt: skip


def test_no_inferred_leaves_out_the_entailed_files():
    from spasmkg.release import build

    files = build(inferred=False)
    assert not [name for name in files if "inferred" in name]
    assert {"spasmkg.owl", "kgx/edges.tsv", "void.ttl", "SHA256SUMS"} <= set(files)
    v = rdflib.Graph().parse(data=files["void.ttl"], format="turtle")
    assert (rdflib.URIRef("https://w3id.org/spasmkg/releases/0.1.0/#inferred"), None, None) not in v
    listed = [line.split("  ", 1)[1] for line in files["SHA256SUMS"].decode().splitlines()]
    assert listed == sorted(set(files) - {"SHA256SUMS"})


def test_an_unwritable_pseudo_folder_is_refused_before_any_work() -> None:
    """``release -o /proc/x``: root's access() says yes, but no folder can be made there; a clear one-line
    error from the target check, before the artefacts are built (it was a bare FileNotFoundError)."""
    from spasmkg.errors import InputError
    from spasmkg.release.bundle import check_target

    with pytest.raises(InputError, match=r"cannot write '/proc/spasmkg-release-test'"):
        check_target("/proc/spasmkg-release-test")
