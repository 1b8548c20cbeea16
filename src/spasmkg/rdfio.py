"""Reading and writing RDF with rdflib: safe parsing (no fetching) and deterministic exports."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spasmkg.safety import InputError, brief

if TYPE_CHECKING:
    import rdflib

RDFLIB_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/n-quads": "nquads",
    "application/trig": "trig",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}

MAX_JSON_DEPTH = 64


def check_jsonld(path: Path) -> Any:
    """Parse a JSON-LD file and refuse remote contexts and deep nesting (nothing is fetched)."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except RecursionError:
        raise InputError(f"{path}: JSON nested too deeply") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: invalid UTF-8 at byte {exc.start}") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    if not isinstance(doc, dict | list):
        raise InputError(f"{path}: not a JSON-LD document (expected a JSON object or array)")
    _walk_jsonld(doc, path, 0)
    return doc


def _walk_jsonld(node: Any, path: Path, depth: int) -> None:
    if depth > MAX_JSON_DEPTH:
        raise InputError(f"{path}: JSON-LD nested deeper than {MAX_JSON_DEPTH} levels")
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("@context", "@import"):
                _check_context(value, path)
            _walk_jsonld(value, path, depth + 1)
    elif isinstance(node, list):
        for item in node:
            _walk_jsonld(item, path, depth + 1)


def _check_context(ctx: Any, path: Path) -> None:
    """Refuse a context that would be fetched: a string (IRI) anywhere in it, or ``@import``."""
    items = ctx if isinstance(ctx, list) else [ctx]
    for item in items:
        if isinstance(item, str):
            raise InputError(
                f"{path}: remote JSON-LD @context {item[:80]!r} is refused (nothing is fetched); inline it"
            )
        if isinstance(item, list):
            _check_context(item, path)
        if isinstance(item, dict) and "@import" in item:
            raise InputError(f"{path}: JSON-LD @import is refused (nothing is fetched)")


def parse_files(files: Iterable[Path]) -> rdflib.Graph:
    """Parse RDF files into one rdflib Graph; errors become one-line InputErrors.

    Every file goes through :func:`spasmkg.inputs.check_input_file` first. Nothing is fetched:
    JSON-LD is checked by :func:`check_jsonld` and handed to rdflib as an already-parsed
    document; RDF/XML with a DOCTYPE is refused (expat would resolve no external entity and
    stops entity expansion, but rdflib's handler takes minutes to get there).
    """
    import rdflib

    from spasmkg.inputs import check_input_file, rdf_format
    from spasmkg.namespaces import ALL_PREFIXES

    g = rdflib.Graph()
    for prefix, ns in ALL_PREFIXES.items():
        g.bind(prefix, rdflib.Namespace(ns))
    for f in files:
        f = check_input_file(Path(f))  # again here: no caller can hand rdflib an unchecked file
        fmt = RDFLIB_FORMATS[rdf_format(f)]
        try:
            if fmt == "json-ld":
                doc = check_jsonld(f)
                g.parse(data=json.dumps(doc), format="json-ld")
            else:
                g.parse(f, format=fmt)
        except InputError:
            raise
        except RecursionError:
            raise InputError(f"{f}: cannot parse as {fmt}: nested too deeply") from None
        except Exception as exc:  # rdflib raises many types; report them as one line
            raise InputError(f"{f}: cannot parse as {fmt}: {parse_error_message(exc, f, fmt)}") from None
    return g


def parse_error_message(exc: BaseException, path: Path, fmt: str) -> str:
    """One line saying where and why a file does not parse (with its line number when known)."""
    why = getattr(exc, "_why", None)
    line = getattr(exc, "lines", None)
    if why is not None and isinstance(line, int):  # rdflib's notation3 BadSyntax
        return brief(f"line {line + 1}: {why}")
    get_line = getattr(exc, "getLineNumber", None)
    if callable(get_line):  # xml.sax.SAXParseException
        return brief(f"line {get_line()}, column {exc.getColumnNumber()}: {exc.getMessage()}")  # type: ignore[attr-defined]
    # rdflib's message is vague (or an internal error): ask pyoxigraph's parser where it fails
    better = _oxigraph_error(path, fmt)
    return better or brief(str(exc)) or type(exc).__name__


def _oxigraph_error(path: Path, fmt: str) -> str | None:
    media = {v: k for k, v in RDFLIB_FORMATS.items()}.get(fmt)
    if media is None or fmt == "json-ld":
        return None
    try:
        import pyoxigraph

        rdf_format = pyoxigraph.RdfFormat.from_media_type(media)
        for _ in pyoxigraph.parse(path=str(path), format=rdf_format, base_iri=path.resolve().as_uri()):
            pass
    except (SyntaxError, ValueError) as exc:
        return brief(str(exc))
    except Exception:
        return None
    return None


# ----------------------------------------------------------------- deterministic serialisation

EXPORT_FORMATS = ("turtle", "json-ld", "nt", "xml")


def canonical(graph: rdflib.Graph) -> rdflib.Graph:
    """A copy whose blank nodes carry content-derived labels (same graph -> same labels).

    Labels are computed by iterated hashing of each blank node's outgoing edges, then its
    incoming edges (a linear-time refinement that separates every blank node of our graphs:
    axiom annotations and OWL lists/restrictions). rdflib's ``to_canonical_graph`` gives the
    same guarantee in general but is far slower on graphs with thousands of blank nodes.
    """
    import hashlib

    import rdflib

    from spasmkg.namespaces import ALL_PREFIXES

    out_edges: dict[rdflib.BNode, list[tuple[str, rdflib.term.Node]]] = {}
    in_edges: dict[rdflib.BNode, list[tuple[rdflib.term.Node, str]]] = {}
    for s, p, o in graph:
        if isinstance(s, rdflib.BNode):
            out_edges.setdefault(s, []).append((p.n3(), o))
        if isinstance(o, rdflib.BNode):
            in_edges.setdefault(o, []).append((s, p.n3()))
            out_edges.setdefault(o, [])
    label: dict[rdflib.BNode, str] = dict.fromkeys(out_edges, "")

    def name(node: rdflib.term.Node) -> str:
        return "_:" + label[node] if isinstance(node, rdflib.BNode) else node.n3()

    def refine(use_incoming: bool) -> None:
        for _ in range(64):
            new = {}
            for b, edges in out_edges.items():
                parts = sorted(f"{p} {name(o)}" for p, o in edges)
                if use_incoming:
                    parts += sorted(f"^{p} {name(s)}" for s, p in in_edges.get(b, []))
                new[b] = hashlib.sha1("\n".join(parts).encode("utf-8")).hexdigest()[:16]
            if len(set(new.values())) == len(set(label.values())) and new == label:
                break
            stable = len(set(new.values())) == len(set(label.values()))
            label.update(new)
            if stable and _ > 0:
                break

    refine(use_incoming=False)
    if len(set(label.values())) < len(label):
        refine(use_incoming=True)
    mapping = {b: rdflib.BNode("b" + h) for b, h in label.items()}
    out = type(graph)()
    for prefix, ns in ALL_PREFIXES.items():
        out.bind(prefix, ns)
    triples = [tuple(mapping.get(x, x) for x in t) for t in graph]  # type: ignore[call-overload]
    for t in sorted(triples, key=lambda t: tuple(x.n3() for x in t)):
        out.add(t)
    return out


def serialise(graph: rdflib.Graph, fmt: str, context: dict[str, Any] | None = None) -> bytes:
    """Serialise deterministically: the same graph gives byte-identical output."""
    g = canonical(graph)
    if fmt == "nt":
        lines = sorted({line for line in g.serialize(format="nt").splitlines() if line.strip()})
        return ("\n".join(lines) + "\n").encode("utf-8")
    if fmt == "turtle":
        return g.serialize(format="longturtle").encode("utf-8")
    if fmt == "json-ld":
        raw = json.loads(g.serialize(format="json-ld", context=context, auto_compact=True))
        return (json.dumps(_sorted_jsonld(raw), ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")
    if fmt == "xml":
        return _rdfxml(g).encode("utf-8")
    raise InputError(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")


def _sorted_jsonld(node: Any, *, ordered: bool = False) -> Any:
    """Sort JSON-LD arrays for stable output, except ``@list`` arrays (RDF lists are ordered)."""
    if isinstance(node, dict):
        return {k: _sorted_jsonld(v, ordered=(k == "@list")) for k, v in node.items()}
    if isinstance(node, list):
        items = [_sorted_jsonld(v) for v in node]
        if ordered:
            return items
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return node


def _rdfxml(g: rdflib.Graph) -> str:
    """RDF/XML with subjects and predicates in sorted order (rdflib's own writer follows set order)."""
    from xml.sax.saxutils import escape, quoteattr

    import rdflib

    ns: dict[str, str] = {}

    def qname(iri: str) -> str:
        for i in range(len(iri) - 1, 0, -1):
            if iri[i] in "#/" and i < len(iri) - 1 and (iri[i + 1].isalpha() or iri[i + 1] == "_"):
                base, local = iri[: i + 1], iri[i + 1 :]
                if all(c.isalnum() or c in "_-." for c in local):
                    if base not in ns:
                        ns[base] = f"ns{len(ns)}"
                    return f"{ns[base]}:{local}"
                break
        raise InputError(f"cannot write predicate {iri} as RDF/XML")

    body: list[str] = []
    by_subject: dict[Any, list[tuple[Any, Any]]] = {}
    for s, p, o in g:
        by_subject.setdefault(s, []).append((p, o))
    for s in sorted(by_subject, key=lambda x: x.n3()):
        attr = f"rdf:nodeID={quoteattr(str(s))}" if isinstance(s, rdflib.BNode) else f"rdf:about={quoteattr(str(s))}"
        body.append(f"  <rdf:Description {attr}>")
        for p, o in sorted(by_subject[s], key=lambda po: (po[0].n3(), po[1].n3())):
            q = qname(str(p))
            if isinstance(o, rdflib.BNode):
                body.append(f"    <{q} rdf:nodeID={quoteattr(str(o))}/>")
            elif isinstance(o, rdflib.URIRef):
                body.append(f"    <{q} rdf:resource={quoteattr(str(o))}/>")
            else:
                extra = ""
                if o.language:
                    extra = f" xml:lang={quoteattr(o.language)}"
                elif o.datatype:
                    extra = f" rdf:datatype={quoteattr(str(o.datatype))}"
                body.append(f"    <{q}{extra}>{escape(str(o))}</{q}>")
        body.append("  </rdf:Description>")
    head = [
        '<?xml version="1.0" encoding="utf-8"?>',
        "<rdf:RDF",
        '  xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"',
    ]
    head += [f"  xmlns:{prefix}={quoteattr(base)}" for base, prefix in sorted(ns.items(), key=lambda kv: kv[1])]
    head[-1] += ">"
    return "\n".join([*head, *body, "</rdf:RDF>"]) + "\n"


def load_context(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data.get("@context", data)


def parse_bytes(data: bytes, fmt: str) -> rdflib.Graph:
    """Parse exported bytes back (used by tests and round-trip checks)."""
    import rdflib

    g = rdflib.Graph()
    g.parse(data=data.decode("utf-8"), format={"nt": "nt", "turtle": "turtle", "json-ld": "json-ld", "xml": "xml"}[fmt])
    return g


def export(graph: rdflib.Graph, fmt: str, context_path: Path | None = None) -> bytes:
    ctx = load_context(context_path) if (fmt == "json-ld" and context_path) else None
    return serialise(graph, fmt, ctx)
