"""Reading and writing RDF with rdflib: safe parsing (no fetching) and deterministic, lossless exports."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

from spasmkg.errors import InputError
from spasmkg.text import brief

if TYPE_CHECKING:
    import rdflib

__all__ = [
    "EXPORT_FORMATS",
    "MAX_INLINE_DEPTH",
    "RDFLIB_FORMATS",
    "ExportFormat",
    "canonical",
    "export",
    "load_context",
    "parse_bytes",
    "parse_error_message",
    "parse_files",
    "serialise",
]

RDFLIB_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/n-quads": "nquads",
    "application/trig": "trig",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}


def parse_files(files: Iterable[Path]) -> rdflib.Graph:
    """Parse RDF files into one rdflib Graph; errors become one-line InputErrors.

    Every file goes through :func:`spasmkg.io.inputs.check_input_file` first. Nothing is fetched:
    JSON-LD is checked by :func:`check_jsonld` and handed to rdflib as an already-parsed
    document; RDF/XML with a DOCTYPE is refused (expat would resolve no external entity and
    stops entity expansion, but rdflib's handler takes minutes to get there).
    """
    import rdflib

    from spasmkg.io.inputs import check_input_file, check_jsonld, rdf_format
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
        except Exception as exc:  # rdflib raises many types; report them as one line, without file content
            from spasmkg.io.inputs import parse_error_text

            why = parse_error_text(parse_error_message(exc, f, fmt))
            raise InputError(f"{f}: cannot parse as {fmt}: {why}") from None
    from spasmkg.io.inputs import merge_named_graphs

    merge_named_graphs(g)  # TriG / N-Quads: named graphs merged into the default graph, as on the query path
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

#: RDF export formats (rdflib names; the CLI's ``export -F`` choices).
ExportFormat = Literal["turtle", "json-ld", "nt", "xml"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = get_args(ExportFormat)


def canonical(graph: rdflib.Graph) -> rdflib.Graph:
    """A copy whose blank nodes carry content-derived labels: the same graph gives the same labels,
    and distinct blank nodes always get distinct labels (nothing is ever merged).

    Two stages:

    * **Hash labels** (:func:`_hash_labels`): each blank node's label is the hash of its outgoing
      edges, iterated (at most 64 rounds), then of its outgoing and incoming edges. Used whenever it
      separates every blank node, as it does for our graphs (axiom annotations, OWL lists and
      restrictions); :func:`_hash_labels_separate` finds out first, without hashing. Why home-made:
      an edit to one axiom of ``knowledge.ttl`` changes only the labels it touches (one added axiom:
      -0/+4 N-Triples lines; RDFC-1.0 relabels -482/+486), so the generated file diffs cleanly.
    * **Tie-break** (:func:`_distinct_labels`), for graphs it cannot separate: blank-node chains or
      nestings longer than the rounds, lists of equal values, twins such as ``[a ex:P], [a ex:P]``
      (before, their labels collided and the export merged them: 19,806 of 20,001 triples of a
      20,000-deep RDF/XML nesting were lost). Colour refinement to the stable partition, then the
      first of any blank nodes that still look alike is told apart and refinement resumes. A
      20,000-long chain: 0.6 s (the hash rounds take 15 s on it and still collide).

    Libraries measured instead: rdflib's ``to_canonical_graph`` 33.5 s on the shipped graph (0.5 s
    here), and ``rdflib.compare.isomorphic`` 3 minutes for two 2,000-node chains; pyoxigraph's
    RDFC-1.0 0.03 s on the shipped graph, but over 100 s on a 2,000-node chain and a segmentation
    fault on a 20,000-node one.
    """
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
    label = _hash_labels(out_edges, in_edges) if _hash_labels_separate(out_edges, in_edges) else None
    if label is None or len(set(label.values())) < len(label):
        label = _distinct_labels(out_edges, in_edges)
    mapping: dict[Any, Any] = {b: rdflib.BNode("b" + h) for b, h in label.items()}
    out = type(graph)()
    for prefix, ns in ALL_PREFIXES.items():
        out.bind(prefix, ns)
    triples = [(mapping.get(s, s), p, mapping.get(o, o)) for s, p, o in graph]
    for t in sorted(triples, key=lambda t: (t[0].n3(), t[1].n3(), t[2].n3())):
        out.add(t)
    return out


_Out = dict[Any, list[tuple[str, Any]]]
_In = dict[Any, list[tuple[Any, str]]]
_ROUNDS = 64


def _hash_labels(out_edges: _Out, in_edges: _In) -> dict[Any, str]:
    """The hash labels (16 hex digits): outgoing edges, then both directions if some still collide."""
    import hashlib

    import rdflib

    label: dict[Any, str] = dict.fromkeys(out_edges, "")
    term_n3: dict[Any, str] = {}

    def name(node: Any) -> str:
        if isinstance(node, rdflib.BNode):
            return "_:" + label[node]
        if node not in term_n3:
            term_n3[node] = node.n3()
        return term_n3[node]

    def refine(use_incoming: bool) -> None:
        for round_no in range(_ROUNDS):
            new = {}
            for b, edges in out_edges.items():
                parts = sorted(f"{p} {name(o)}" for p, o in edges)
                if use_incoming:
                    parts += sorted(f"^{p} {name(s)}" for s, p in in_edges.get(b, []))
                new[b] = hashlib.sha1("\n".join(parts).encode("utf-8")).hexdigest()[:16]
            stable = len(set(new.values())) == len(set(label.values()))
            if stable and new == label:
                break
            label.update(new)
            if stable and round_no > 0:
                break

    refine(use_incoming=False)
    if len(set(label.values())) < len(label):
        refine(use_incoming=True)
    return label


def _hash_labels_separate(out_edges: _Out, in_edges: _In) -> bool:
    """Whether :func:`_hash_labels` will give every blank node its own label, found without hashing.

    The hash rounds split blank nodes exactly as colour refinement does (same rounds, same stopping
    rule), so this replays them on class numbers, re-reading only the nodes next to one that changed
    class (on a 20,000-long chain the hash rounds take 15 s and fail; this takes milliseconds).
    """
    import rdflib

    nodes = list(out_edges)
    index = {b: i for i, b in enumerate(nodes)}
    terms: dict[Any, int] = {}

    def ref(node: Any) -> int:  # a blank node: its index; any other term: a negative id
        if isinstance(node, rdflib.BNode):
            return index[node]
        return -terms.setdefault(node, len(terms) + 1)

    preds: dict[str, int] = {}
    out_adj = [[(preds.setdefault(p, len(preds)), ref(o)) for p, o in out_edges[b]] for b in nodes]
    both_adj = [
        out_adj[i] + [(-1 - preds.setdefault(p, len(preds)), ref(s)) for s, p in in_edges.get(b, [])]
        for i, b in enumerate(nodes)
    ]
    cls = [0] * len(nodes)
    count = _replay(out_adj, cls, 1 if nodes else 0)
    if count < len(nodes):
        count = _replay(both_adj, cls, count)
    return count == len(nodes)


def _replay(adj: list[list[tuple[int, int]]], cls: list[int], count: int) -> int:
    """Refine ``cls`` (in place) in rounds as :func:`_hash_labels` does; return the number of classes."""
    n = len(cls)
    readers: list[list[int]] = [[] for _ in range(n)]
    for v, edges in enumerate(adj):
        for _, u in edges:
            if u >= 0:
                readers[u].append(v)
    size: dict[int, int] = {}
    members: dict[int, set[int]] = {}
    for v, c in enumerate(cls):
        size[c] = size.get(c, 0) + 1
        members.setdefault(c, set()).add(v)
    next_id = max(cls, default=-1) + 1
    changed: set[int] | None = None  # None: every node (first round)
    for round_no in range(_ROUNDS):
        dirty = range(n) if changed is None else {v for u in changed for v in readers[u]}
        groups: dict[int, dict[tuple[Any, ...], list[int]]] = {}
        for v in dirty:
            sig = tuple(sorted((k, cls[u] if u >= 0 else u) for k, u in adj[v]))
            groups.setdefault(cls[v], {}).setdefault(sig, []).append(v)
        changed = set()
        added = 0
        for old, by_sig in groups.items():
            parts = list(by_sig.values())
            rest = size[old] - sum(len(p) for p in parts)
            if len(parts) + (rest > 0) == 1:
                continue
            if rest < max(len(p) for p in parts):  # a re-read part is the largest: it keeps the number
                parts.sort(key=len, reverse=True)
                stay = set(parts[0])
                moved = parts[1:]
                if rest:
                    moved.append([v for v in members[old] if v not in stay and cls[v] == old and v not in dirty])
            else:
                moved = parts
            for part in moved:
                for v in part:
                    cls[v] = next_id
                members[next_id] = set(part)
                members[old] -= members[next_id]
                size[next_id] = len(part)
                size[old] -= len(part)
                changed.update(part)
                next_id += 1
                added += 1
        stable = added == 0
        count += added
        if stable and round_no > 0:
            break
    return count


def _distinct_labels(out_edges: _Out, in_edges: _In) -> dict[Any, str]:
    """One label per blank node (16 hex digits), for graphs the hash labels cannot separate.

    Colour refinement over edges in both directions, started from each node's edges to named
    terms and literals, run to the stable partition with Hopcroft's rule (split classes by their
    edges into one class at a time; re-queue all but the largest part), classes named by hashing
    how they were split. While a class still has several members, its first member in the graph's
    order is given a class of its own and refinement resumes. Class names never depend on blank
    node ids or hash seeds. Blank nodes that still look alike are nearly always interchangeable
    (twins, the nodes of a cycle): which one is told apart first then does not change the output.
    Where they are not (rare regular structures, e.g. two blank triangles beside a blank hexagon),
    the output follows the graph's order, which is the same on every run for a given input file.
    """
    import hashlib
    import heapq
    from collections import deque

    import rdflib

    def h(text: str) -> str:
        return hashlib.sha1(text.encode("utf-8")).hexdigest()

    nodes = list(out_edges)  # first occurrence in the graph's order
    index = {b: i for i, b in enumerate(nodes)}
    adj: list[list[tuple[str, int]]] = [[] for _ in nodes]  # (edge kind seen from the neighbour, neighbour)
    colour: list[str] = []
    for i, b in enumerate(nodes):
        parts = []
        for p, o in out_edges[b]:
            if isinstance(o, rdflib.BNode):
                parts.append(f"{p} _:")
                adj[index[o]].append((p, i))
            else:
                parts.append(f"{p} {o.n3()}")
        for s, p in in_edges.get(b, []):
            parts.append(f"^{p} " + ("_:" if isinstance(s, rdflib.BNode) else s.n3()))
        colour.append(h("\n".join(sorted(parts))))
    for i, b in enumerate(nodes):  # the reverse direction of every blank-to-blank edge
        for p, o in out_edges[b]:
            if isinstance(o, rdflib.BNode):
                adj[i].append(("^" + p, index[o]))

    members: dict[str, set[int]] = {}
    for i, c in enumerate(colour):
        members.setdefault(c, set()).add(i)
    waiting = sorted(members)  # a heap of class names to split others by
    pending = set(waiting)
    crowded = [c for c in members if len(members[c]) > 1]  # a heap of classes with several members
    heapq.heapify(crowded)
    first: dict[str, deque[int]] = {c: deque(sorted(m)) for c, m in members.items() if len(m) > 1}

    def add_class(name: str, part: list[int]) -> None:
        members[name] = set(part)
        for v in part:
            colour[v] = name
        heapq.heappush(waiting, name)
        pending.add(name)
        if len(part) > 1:
            first[name] = deque(sorted(part))
            heapq.heappush(crowded, name)

    def refine() -> None:
        while waiting:
            splitter = heapq.heappop(waiting)
            pending.discard(splitter)
            counts: dict[int, dict[str, int]] = {}
            for u in members[splitter]:
                for kind, v in adj[u]:
                    seen = counts.setdefault(v, {})
                    seen[kind] = seen.get(kind, 0) + 1
            touched: dict[str, dict[tuple[tuple[str, int], ...], list[int]]] = {}
            for v, seen in counts.items():
                touched.setdefault(colour[v], {}).setdefault(tuple(sorted(seen.items())), []).append(v)
            for name in sorted(touched):
                by_sig = touched[name]
                untouched = len(members[name]) - sum(len(p) for p in by_sig.values())
                parts = sorted(by_sig.items())
                if untouched:
                    parts.append(((), []))  # the members with no edge into the splitter
                if len(parts) == 1:
                    continue
                sizes = [untouched if not sig else len(vs) for sig, vs in parts]
                keep = max(range(len(parts)), key=lambda k: (sizes[k], k == len(parts) - 1 and untouched > 0))
                for k, (sig, vs) in enumerate(parts):
                    if k == keep:
                        continue
                    if not sig:  # the untouched members move: find them
                        moved = {v for sig2, vs2 in parts if sig2 for v in vs2}
                        vs = [v for v in members[name] if v not in moved]
                    members[name] -= set(vs)
                    add_class(h(f"{name}|{splitter}|{sig!r}"), vs)

    refine()
    while crowded:
        name = heapq.heappop(crowded)
        if len(members[name]) < 2:
            continue
        order = first[name]
        while colour[order[0]] != name:  # drop members that have left the class
            order.popleft()
        v = order.popleft()
        members[name].discard(v)
        add_class(h(f"{name}|first|{len(members[name])}"), [v])  # the class shrinks: a new name each time
        if len(members[name]) > 1:
            heapq.heappush(crowded, name)
        refine()

    labels = {b: colour[i][:16] for i, b in enumerate(nodes)}
    if len(set(labels.values())) < len(labels):  # 64-bit prefixes collide (never seen): use the whole hash
        labels = {b: colour[i] for i, b in enumerate(nodes)}
    if len(set(labels.values())) < len(labels):
        raise RuntimeError("blank-node labels collide; the export would merge blank nodes")
    return labels


def serialise(graph: rdflib.Graph, fmt: str, context: dict[str, Any] | None = None) -> bytes:
    """Serialise deterministically: the same graph gives byte-identical output, isomorphic to ``graph``.

    Turtle and JSON-LD use rdflib's writers with two repairs (:func:`_longturtle`, :func:`_jsonld`):
    as shipped they drop or duplicate triples of some blank-node structures (cycles of blank nodes,
    malformed or shared lists) and recurse once per level of nesting.
    """
    g = canonical(graph)
    if fmt == "nt":
        lines = sorted({line for line in g.serialize(format="nt").splitlines() if line.strip()})
        return ("\n".join(lines) + "\n").encode("utf-8")
    if fmt == "turtle":
        return _longturtle(g).encode("utf-8")
    if fmt == "json-ld":
        raw = _jsonld(g, context)
        return (json.dumps(_sorted_jsonld(raw), ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")
    if fmt == "xml":
        return _rdfxml(g).encode("utf-8")
    raise InputError(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")


#: Deepest nesting of ``[ ... ]`` blank nodes written inline in Turtle; deeper ones get a label (rdflib's
#: writer recurses per level: a 20,000-deep nesting would exhaust the stack). Our graphs nest 3 deep.
MAX_INLINE_DEPTH = 40


def _plain_lists(graph: rdflib.Graph) -> set[Any]:
    """The blank nodes that start an RDF list writable as a list literal (Turtle ``( )``, JSON-LD
    ``@list``) without losing or adding a triple: every node of it, up to ``rdf:nil``, a blank node
    with exactly one ``rdf:first``, one ``rdf:rest`` and nothing else, referenced by exactly one
    triple, and no cycle. (rdflib's writers accept a node with ``rdf:first`` and any one other
    property, drop ``rdf:type rdf:List``, and repeat a list whose nodes are shared.) Every suffix of
    such a list is one too, so a node is inside a written list exactly when it is in this set.
    """
    from collections import Counter

    import rdflib
    from rdflib.namespace import RDF

    refs = Counter(o for _, _, o in graph if isinstance(o, rdflib.BNode))
    rest_of: dict[Any, Any] = {}
    for node in set(graph.subjects(RDF.first, None)):
        props = list(graph.predicate_objects(node))
        if isinstance(node, rdflib.BNode) and refs[node] == 1 and len(props) == 2:
            values = dict(props)
            if set(values) == {RDF.first, RDF.rest}:
                rest_of[node] = values[RDF.rest]
    plain: dict[Any, bool] = {}
    for start in rest_of:
        path: list[Any] = []
        on_path: set[Any] = set()
        node = start
        while True:
            if node == RDF.nil:
                ok = True
            elif node in plain:
                ok = plain[node]
            elif node not in rest_of or node in on_path:
                ok = False
            else:
                path.append(node)
                on_path.add(node)
                node = rest_of[node]
                continue
            break
        plain.update(dict.fromkeys(path, ok))
    return {node for node, ok in plain.items() if ok}


def _list_items(graph: rdflib.Graph, head: Any) -> list[Any]:
    from rdflib.namespace import RDF

    items = []
    while head != RDF.nil:
        items.append(graph.value(head, RDF.first))
        head = graph.value(head, RDF.rest)
    return items


def _longturtle(g: rdflib.Graph) -> str:
    """rdflib's ``longturtle`` (sorted, diff-friendly), with strict list detection and a nesting cap."""
    import io

    from rdflib.plugins.serializers.longturtle import LongTurtleSerializer

    lists = _plain_lists(g)

    class Writer(LongTurtleSerializer):
        def isValidList(self, l_: Any) -> bool:  # rdflib's name
            return l_ in lists

        def p_squared(self, node: Any, position: Any) -> bool:
            if self.depth > MAX_INLINE_DEPTH:
                return False  # written with its label, as a subject of its own
            return bool(super().p_squared(node, position))

    buf = io.BytesIO()
    Writer(g).serialize(buf, encoding="utf-8")
    return buf.getvalue().decode("utf-8")


def _jsonld(g: rdflib.Graph, context: dict[str, Any] | None) -> Any:
    """The JSON-LD document (a Python object) rdflib's serializer makes with ``auto_compact``, except
    that every subject gets a node object (rdflib writes only IRIs and unreferenced blank nodes and
    what it reaches from them, so it drops cycles of blank nodes), blank-node objects are referenced
    by ``@id`` without recursion, and lists become ``@list`` only where :func:`_plain_lists` allows.
    """
    import rdflib
    from rdflib.plugins.serializers.jsonld import Converter
    from rdflib.plugins.shared.jsonld.context import Context

    class _PrefixContext(Context):
        """rdflib's Context, plus JSON-LD 1.1 ``"@prefix": true`` terms whose IRI does not end in '/' or '#'
        (``"HP": {"@id": ".../obo/HP_", "@prefix": true}``): rdflib splits an IRI only at '/' or '#', so
        ``.../obo/HP_0003394`` would stay a full IRI. The longest matching prefix wins."""

        def _prefix_terms(self) -> list[tuple[str, str]]:
            cached = getattr(self, "_spasmkg_prefixes", None)
            if cached is None:
                cached = sorted(((iri, name) for iri, name in self._prefixes.items()), key=lambda t: -len(t[0]))
                self._spasmkg_prefixes = cached
            return cached

        def _by_prefix(self, iri: str) -> str | None:
            for ns, name in self._prefix_terms():
                local = iri[len(ns) :]
                if iri.startswith(ns) and local and ":" not in local and "/" not in local and "#" not in local:
                    return f"{name}:{local}"
            return None

        def shrink_iri(self, iri: str) -> str:
            short = super().shrink_iri(iri)
            return short if str(short) != str(iri) else (self._by_prefix(str(iri)) or short)

        def to_symbol(self, iri: str) -> Any:
            symbol = super().to_symbol(iri)
            if str(symbol) == str(iri):
                return self._by_prefix(str(iri)) or symbol
            return symbol

    lists = _plain_lists(g)

    class Lossless(Converter):
        def from_graph(self, graph: rdflib.Graph) -> list[Any]:
            nodemap: dict[Any, Any] = {}
            subjects: list[Any] = sorted(set(graph.subjects()), key=lambda n: n.n3())
            for subject in subjects:
                if isinstance(subject, rdflib.URIRef) or not any(graph.subjects(None, subject)):
                    self.process_subject(graph, subject, nodemap)
            for subject in subjects:  # what rdflib leaves out: blank nodes reachable only from blank nodes
                if subject not in lists:
                    self.process_subject(graph, subject, nodemap)
            return list(nodemap.values())

        def to_collection(self, graph: rdflib.Graph, l_: Any) -> list[Any] | None:
            if l_ == rdflib.RDF.nil:
                return []
            return _list_items(graph, l_) if l_ in lists else None

        def add_to_node(self, graph: rdflib.Graph, s: Any, p: Any, o: Any, s_node: Any, nodemap: Any) -> None:
            if p == rdflib.RDF.type and not isinstance(o, rdflib.URIRef):
                # "@type" holds IRIs only: a literal or blank-node type goes under the rdf:type key
                self.use_rdf_type, saved = True, self.use_rdf_type
                try:
                    super().add_to_node(graph, s, p, o, s_node, nodemap)
                finally:
                    self.use_rdf_type = saved
                return
            super().add_to_node(graph, s, p, o, s_node, nodemap)

        def to_raw_value(self, graph: rdflib.Graph, s: Any, o: Any, nodemap: dict[str, Any]) -> Any:
            if isinstance(o, rdflib.BNode) and o not in lists:
                return {self.context.id_key: o.n3()}  # its node object is written by from_graph
            return super().to_raw_value(graph, s, o, nodemap)

    data = context
    if not data:  # rdflib's auto_compact: the graph's prefixes
        data = {p: str(ns) for p, ns in g.namespaces() if p and str(ns) != "http://www.w3.org/XML/1998/namespace"}
    ctx = _PrefixContext(data)
    # use_native_types=True: rdflib's serializer passes the tuple (False,), which is true
    result = Lossless(ctx, True, False).convert(g)
    if ctx.active:
        if isinstance(result, list):
            result = {ctx.get_key("@graph"): result}
        result["@context"] = data
    return result


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
