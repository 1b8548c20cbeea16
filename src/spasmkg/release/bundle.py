"""``spasmkg release -o DIR``: every release file made in memory, then the folder written atomically.

The folder holds the graph (``spasmkg.owl|ttl|jsonld|nt.gz``), the graph with its entailments
(``spasmkg-inferred.*``), the SHACL shapes, the cross-references as SSSOM, KGX TSV with Biolink
categories and predicates, a VoID/DCAT description, a README and ``SHA256SUMS`` (``sha256sum -c``
format). Nothing depends on the clock or the machine: the same graph gives the same bytes.

Writing: the files go to a fresh folder beside ``DIR`` which is then renamed to ``DIR``; an existing
``DIR`` (empty, or an earlier release: every file listed in its ``SHA256SUMS``) is swapped out and
removed only after the new one is in place. Anything else at ``DIR`` is refused. On an error, Ctrl-C
or SIGTERM the temporary folder is removed and ``DIR`` is as it was.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from spasmkg.errors import InputError
from spasmkg.namespaces import SKR
from spasmkg.release.kgx import BIOLINK_VERSION
from spasmkg.release.meta import SHAPES_IRI, ReleaseInfo, release_info

if TYPE_CHECKING:
    import rdflib

    from spasmkg.release.void import Corpus

SUMS = "SHA256SUMS"
STEM = "spasmkg"
NOTICE = "Not medical advice: spasmkg summarises a web-text corpus; ask a clinician about your own care."


def build(
    data: Sequence[str] = (), *, inferred: bool = True, warn: Callable[[str], None] | None = None
) -> dict[str, bytes]:
    """Every file of the release (relative name -> bytes), ``SHA256SUMS`` included.

    ``warn`` receives one line per warning (ill-typed literals, axioms the materialiser does not apply).
    """
    from spasmkg import resources
    from spasmkg.io.literals import ill_typed_literals, quiet_literal_log
    from spasmkg.reason.graph import load
    from spasmkg.release.artefacts import rdf_files
    from spasmkg.release.kgx import kgx_files
    from spasmkg.release.plain_json import plain_json
    from spasmkg.release.sssom import sssom_tsv
    from spasmkg.release.void import graph_stats, void_ttl

    data = tuple(str(d) for d in data)
    with quiet_literal_log():
        g = load(data=data)
        g_inf = load(inferred=True, data=data) if inferred else None
    info = release_info(g)
    if warn is not None:
        for line in ill_typed_literals(g):
            warn(line)
    files: dict[str, bytes] = {}
    files.update(rdf_files(g, STEM))
    if g_inf is not None:
        files.update(rdf_files(g_inf, STEM + "-inferred"))
    files[STEM + ".json"] = plain_json(g)
    files["shapes.ttl"] = resources.shapes_path().read_bytes()
    files["mappings.sssom.tsv"] = sssom_tsv(g, info)

    files.update(kgx_files(data, inferred=g_inf is not None))
    if g_inf is not None and warn is not None:
        from spasmkg.reason.explain import unsupported_warning
        from spasmkg.reason.rules import cached_materialise

        unsupported = unsupported_warning(cached_materialise(g, data))
        if unsupported:
            warn(unsupported)

    datasets = {name: ("inferred" if "inferred" in name else "") for name in files}
    conforms = {name: SHAPES_IRI for name in files if name.startswith(STEM + ".") and name != STEM + ".json"}
    conforms |= {"mappings.sssom.tsv": "https://w3id.org/sssom/", "shapes.ttl": "http://www.w3.org/ns/shacl#"}
    conforms |= {name: "https://w3id.org/biolink/vocab/" for name in files if name.startswith("kgx/")}
    files["void.ttl"] = void_ttl(
        info,
        graph_stats(g),
        graph_stats(g_inf) if g_inf is not None else None,
        files,
        datasets,
        corpus_of(g),
        conforms,
    )
    files["README.md"] = readme(info, files, inferred=g_inf is not None)
    files[SUMS] = sha256sums(files)
    return files


def corpus_of(g: rdflib.Graph) -> Corpus | None:
    """The source corpus named in the graph, with its SHA-256 checked against the shipped file."""
    import rdflib

    from spasmkg import resources
    from spasmkg.namespaces import RDF, RDFS, SPASMKG
    from spasmkg.release.void import Corpus

    docs = sorted(str(d) for d in g.subjects(rdflib.URIRef(RDF + "type"), rdflib.URIRef(SPASMKG + "SourceDocument")))
    if not docs:
        return None
    doc = rdflib.URIRef(docs[0])
    recorded = str(g.value(doc, rdflib.URIRef(SPASMKG + "sha256")) or "")
    path = resources.corpus_path()
    actual = resources.sha256_file(path)
    if recorded and recorded != actual:
        raise InputError(f"the corpus SHA-256 recorded in the graph ({recorded[:12]}...) is not that of {path.name}")
    label = str(g.value(doc, rdflib.URIRef(RDFS + "label")) or path.name)
    return Corpus(str(doc), label, actual, path.stat().st_size)


def sha256sums(files: Mapping[str, bytes]) -> bytes:
    """``sha256sum`` output for every file (sorted by name; ``sha256sum -c SHA256SUMS`` checks it)."""
    lines = [f"{hashlib.sha256(files[n]).hexdigest()}  {n}\n" for n in sorted(files) if n != SUMS]
    return "".join(lines).encode("utf-8")


def readme(info: ReleaseInfo, files: Mapping[str, bytes], *, inferred: bool) -> bytes:
    """The bundle's README.md: what each file is, how to check it, the licence and the notice."""
    rows = {
        "spasmkg.owl": "the ontology and the knowledge graph, RDF/XML (owlready2, Protégé, OWL API)",
        "spasmkg.ttl": "the same graph, Turtle",
        "spasmkg.jsonld": "the same graph, JSON-LD 1.1 (context embedded, nothing fetched)",
        "spasmkg.nt.gz": "the same graph, N-Triples, gzipped",
        "spasmkg.json": "plain JSON, one object per concept: id, label, types, relations (predicate, target, "
        "quote, support, hedges); no RDF library needed",
        "spasmkg-inferred.owl": "the graph with what the ontology entails (spasmkg:derivedBy on each derived triple)",
        "spasmkg-inferred.ttl": "the same, Turtle",
        "spasmkg-inferred.jsonld": "the same, JSON-LD",
        "spasmkg-inferred.nt.gz": "the same, N-Triples, gzipped",
        "shapes.ttl": "SHACL shapes the asserted graph conforms to",
        "mappings.sssom.tsv": "cross-references to public vocabularies (SSSOM TSV)",
        "kgx/nodes.tsv": f"KGX nodes, Biolink {BIOLINK_VERSION} categories",
        "kgx/edges.tsv": "KGX edges (asserted), Biolink predicates; the spasmkg one in original_predicate",
        "kgx/inferred_edges.tsv": "KGX edges the reasoner derives (logical_entailment, automated_agent), "
        "no quote; with nodes.tsv and edges.tsv they make the entailed graph",
        "void.ttl": "VoID + DCAT description: counts, sizes, SHA-256, licence, version",
        SUMS: "SHA-256 of every file: sha256sum -c SHA256SUMS",
    }
    lines = [
        f"# spasmkg {info.version}",
        "",
        f"> {NOTICE}",
        "",
        f"Release of <{info.ontology}> (version IRI <{info.version_iri}>), made by `spasmkg release`.",
        "Every asserted edge carries a verbatim quote from the source corpus, with character offsets.",
        "",
        "| file | what it is |",
        "|---|---|",
    ]
    names = [n for n in rows if n in files or n == SUMS] + sorted(set(files) - set(rows) - {"README.md"})
    lines += [f"| `{n}` | {rows.get(n, '')} |" for n in names]
    lines += [
        "",
        "Check the files with `sha256sum -c SHA256SUMS`; `void.ttl` gives the same sizes and SHA-256 in RDF.",
        "",
        "KGX: `predicate` is a Biolink predicate, `original_predicate` the spasmkg one. A node whose exact match",
        "is in a vocabulary Biolink knows has that CURIE as its id; the others keep the local prefix",
        f"`skr:` (<{SKR}>), which Biolink's context cannot know: declare it when you run `kgx validate`.",
        "",
        f"Licence: <{info.license}>. The quotes come from third-party web text (the corpus named in `void.ttl`).",
        "",
    ]
    return "\n".join(lines).encode("utf-8")


# ---------------------------------------------------------------- writing the folder


def _is_earlier_release(folder: Path) -> bool:
    """An empty folder, or one whose every file is listed in its SHA256SUMS (an earlier release)."""
    entries = [p for p in folder.rglob("*") if not p.is_dir()]
    if not entries:
        return True
    sums = folder / SUMS
    if not sums.is_file() or sums.is_symlink():
        return False
    try:
        listed = {line.split("  ", 1)[1] for line in sums.read_text(encoding="utf-8").splitlines() if "  " in line}
    except (OSError, UnicodeDecodeError):
        return False
    return all(p.relative_to(folder).as_posix() in listed | {SUMS} for p in entries)


def check_target(target: Path | str) -> Path:
    """The folder to write, checked before any work is done (InputError: exit 2)."""
    raw = str(target)
    path = Path(os.path.abspath(raw))
    if path.is_symlink():
        path = path.resolve()
    parent = path.parent
    if not parent.is_dir():
        raise InputError(f"cannot write {raw!r}: folder {str(parent)!r} does not exist")
    if path.exists():
        if not path.is_dir():
            raise InputError(f"cannot write {raw!r}: it exists and is not a folder")
        if not _is_earlier_release(path):
            raise InputError(
                f"refusing to write into {raw!r}: it is neither empty nor an earlier spasmkg release "
                f"(every file listed in its {SUMS})"
            )
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(f"cannot write {raw!r}: folder {str(parent)!r} is not writable")
    try:  # access() says yes for root on pseudo file systems (/proc): try, before any work is done
        os.rmdir(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".probe", dir=parent))
    except OSError as exc:
        raise InputError(
            f"cannot write {raw!r}: cannot create a folder in {str(parent)!r} ({exc.strerror or exc})"
        ) from None
    return path


def write(files: Mapping[str, bytes], target: Path | str) -> Path:
    """Write the release folder atomically (see the module docstring); return its path."""
    from spasmkg.io.atomic import cleanup_on_signals

    path = check_target(target)
    umask = os.umask(0)
    os.umask(umask)
    with cleanup_on_signals():
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
        old: Path | None = None
        try:
            for name in sorted(files):
                out = tmp / name
                if out.resolve().parent != tmp.resolve() and tmp.resolve() not in out.resolve().parents:
                    raise InputError(f"release file name {name!r} leaves the folder")
                out.parent.mkdir(parents=True, exist_ok=True)
                with open(out, "wb") as fh:
                    fh.write(files[name])
                    fh.flush()
                    os.fsync(fh.fileno())
                os.chmod(out, 0o666 & ~umask)
            for folder in sorted({tmp, *(p for p in tmp.rglob("*") if p.is_dir())}):
                os.chmod(folder, 0o777 & ~umask)
                _fsync_dir(folder)
            if path.exists():
                old = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".old", dir=path.parent))
                os.rename(path, old / "release")
            os.rename(tmp, path)
            _fsync_dir(path.parent)
        except BaseException as exc:
            if old is not None and (old / "release").exists() and not path.exists():
                os.rename(old / "release", path)  # put the earlier release back
            shutil.rmtree(tmp, ignore_errors=True)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
            if isinstance(exc, OSError):
                raise InputError(f"cannot write {str(target)!r}: {exc.strerror or exc}") from None
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    return path


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
