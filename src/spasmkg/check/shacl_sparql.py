"""SHACL shapes compiled to SPARQL and run on one pyoxigraph store (issue 13).

Why home-made code instead of a SHACL library (measured in ``bench/shacl/README.md`` on a 2-core
machine, CPU seconds, SHACL step with the data parsed):

* pySHACL 0.40 (the reference, still used by the tests and ``validate --engine pyshacl``): 18 s
  on the shipped graph, 222 s at N = 10 copies, ~75 min extrapolated at N = 100 (N^1.13); it
  re-parses every SPARQL constraint per focus node and evaluates it per focus node in rdflib.
  Even with its cost centres removed (``pyshacl-fast``) 3.4 s on the shipped graph and N^1.35.
* pyrudof 0.3.35: 0.47 s on the shipped graph but crashes on blank focus nodes in ``sh:sparql``,
  counts ``sh:maxLength`` in bytes, has no RDFS typing, and is quadratic on ``NOT EXISTS``
  (killed after 15 min at 3.7 GB at N = 100).
* This compiler: 0.07 s on the shipped graph (0.27 s whole process), 0.76 s at N = 10, 7.3 s at
  N = 100 (1.05 M triples, 511 MB peak), N^0.98 from 10 to 100; same (focus node, source shape,
  severity) set as pySHACL on all 46 fixtures, the shipped graph and an RDFS domain/range case.

How: every shape with focus nodes becomes **one** SELECT over all its focus nodes. Its targets are
one ``SELECT DISTINCT ?this`` sub-select (``sh:targetClass`` as ``rdf:type/rdfs:subClassOf*`` plus
the typings RDFS entailment gives by ``rdfs:domain`` / ``rdfs:range``, ``targetNode``,
``targetSubjectsOf``, ``targetObjectsOf``, implicit class targets); each constraint component is
one UNION branch yielding the violating (focus, value) rows tagged with a branch number. Property
shapes of a node shape inherit its targets. Nested shapes (``sh:qualifiedValueShape``, ``sh:or``,
``sh:and``, ``sh:not``, ``sh:xone``, ``sh:node``) compile to a boolean "conforms" expression built
from ``EXISTS`` tests. A SPARQL-based constraint (``sh:sparql`` + ``sh:select``) gets the target
sub-select as the first element of its outermost WHERE group, which pre-binds ``$this`` as SHACL
does for the queries SHACL-SPARQL allows, and its ``sh:prefixes`` as PREFIX lines.

RDFS entailment (what pySHACL's ``inference="rdfs"`` contributes to SHACL: ``rdf:type`` by
``rdfs:subClassOf``, ``rdfs:domain``, ``rdfs:range``) is compiled into the class tests rather than
materialised; ``rdfs:subPropertyOf`` in the data (rule rdfs7) is refused at run time.

Two pyoxigraph 0.5 behaviours are worked around (:func:`oxigraph_quirks` detects both; the tests
fail if an upgrade changes them, so the work-arounds can be reconsidered):

1. **The store canonicalises typed literals.** Every type derived from ``xsd:integer`` is stored as
   ``xsd:integer`` (``"05"^^xsd:nonNegativeInteger`` -> ``"5"^^xsd:integer``), numeric and boolean
   lexical forms are canonicalised (``"10.0"`` -> ``"10"``). ``sh:datatype xsd:nonNegativeInteger``
   cannot be decided on the store, so when the shapes need it the data is loaded with a *lexical
   side table* (:func:`load_store`): a copy of each integer-family literal, in the named graph
   :data:`LEXICAL_GRAPH`, its original datatype wrapped in a private IRI (``LEXICAL_DT + IRI``) the
   store leaves alone. The default graph (what other queries see) is unchanged. For N-Triples only
   the lines naming an integer datatype are parsed again (0.46 s at N = 100).
2. **``EXISTS`` groups are planned without the outer bindings** (oxigraph issues #885, #1951): a
   ``FILTER NOT EXISTS { ?a p1 $this ; p2 ?x ; p3 ?y }`` scans a whole predicate per outer row, i.e.
   quadratic time (``EdgeEvidenceShape``: 0.08 s at N = 1, 33 s at N = 10). The compiler writes its
   own tests as chains of single-pattern ``EXISTS`` that start from the bound node, and rewrites
   the ``EXISTS`` groups of SPARQL constraints the same way when they are plain triple patterns
   and FILTERs (:func:`chain_exists`; ``s p1/p2 o`` is split in two). 0.24 s at N = 10 after it.

Refused, never skipped (:class:`UnsupportedShaclFeature` lists every occurrence): ``sh:closed``;
SPARQL-based targets, custom constraint components, SHACL-AF; ``sh:sparql`` on a property shape
(``$PATH``), with ``$currentShape`` / ``$shapesGraph``, a nested SELECT, MINUS, VALUES or SERVICE,
or ASK validators; ``sh:sparql`` or an integer ``sh:datatype`` in a nested shape, an integer
``sh:datatype`` on a path other than IRIs or an alternative of IRIs;
``sh:qualifiedValueShapesDisjoint``; ``sh:property`` of a property shape; nested counts above 4;
unknown ``sh:`` parameters; ``rdfs:subPropertyOf`` in the data.

Approximations (none matters for ``ontology/shapes.ttl``): well-formedness is checked for numeric,
boolean and integer-family datatypes only; numeric and boolean values are compared and shown in
their canonical lexical form (``sh:value`` "20" where pySHACL shows "20.0"); ``sh:pattern`` runs on
oxigraph's Rust regex (no look-around or back-references); core constraint messages are the
shape's ``sh:message`` (or a generic text), not templated; component names are this module's.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

__all__ = [
    "LEXICAL_DT",
    "LEXICAL_GRAPH",
    "CompiledShape",
    "CompiledShapes",
    "ShaclError",
    "ShaclResult",
    "UnsupportedShaclFeature",
    "add_lexical_side_table",
    "chain_exists",
    "compile_shapes",
    "lexical_copies",
    "load_store",
    "oxigraph_quirks",
    "select",
    "validate",
]

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
VIOLATION = SH + "Violation"

#: Named graph of the lexical side table (see the module docstring).
LEXICAL_GRAPH = "urn:x-spasmkg:shacl:lexical"
#: Prefix of the private datatype IRIs in the side table: LEXICAL_DT + original datatype IRI.
LEXICAL_DT = "urn:x-spasmkg:shacl:datatype:"

#: xsd:integer and its derived types, which the store keeps as xsd:integer; (min, max) of each.
INTEGER_FAMILY: dict[str, tuple[int | None, int | None]] = {
    XSD + "integer": (None, None),
    XSD + "nonNegativeInteger": (0, None),
    XSD + "positiveInteger": (1, None),
    XSD + "nonPositiveInteger": (None, 0),
    XSD + "negativeInteger": (None, -1),
    XSD + "long": (-(2**63), 2**63 - 1),
    XSD + "int": (-(2**31), 2**31 - 1),
    XSD + "short": (-(2**15), 2**15 - 1),
    XSD + "byte": (-(2**7), 2**7 - 1),
    XSD + "unsignedLong": (0, 2**64 - 1),
    XSD + "unsignedInt": (0, 2**32 - 1),
    XSD + "unsignedShort": (0, 2**16 - 1),
    XSD + "unsignedByte": (0, 2**8 - 1),
}
NUMERIC = {XSD + "decimal", XSD + "float", XSD + "double"}

TARGETS = {"targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf"}
#: Parameters of a shape that carry no constraint of their own.
NON_CONSTRAINTS = {
    "path", "property", "message", "severity", "deactivated", "name", "description", "order", "group",
    "defaultValue", "flags", "qualifiedMinCount", "qualifiedMaxCount",
} | TARGETS  # fmt: skip
#: Constraint parameters on one value node (also usable on a node shape, where the value is the focus).
VALUE_PARAMS = {
    "datatype", "nodeKind", "pattern", "minLength", "maxLength", "languageIn", "in", "class", "hasValue",
    "minInclusive", "maxInclusive", "minExclusive", "maxExclusive", "or", "and", "not", "xone", "node",
}  # fmt: skip
#: Constraint parameters that need a path.
PATH_PARAMS = {
    "minCount", "maxCount", "disjoint", "equals", "lessThan", "lessThanOrEquals", "uniqueLang",
    "qualifiedValueShape",
}  # fmt: skip
COMPARISONS = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">", "maxExclusive": "<"}
#: Nested counts (inside sh:or, sh:qualifiedValueShape, ...) are written as n distinct variables.
MAX_NESTED_COUNT = 4

Term = ox.NamedNode | ox.BlankNode | ox.Literal
#: progress(compiled shape, number of results, seconds) after each shape's query.
Progress = Callable[["CompiledShape", int, float], None]


class ShaclError(ValueError):
    """The shapes cannot be compiled or the store cannot be validated with them."""


class UnsupportedShaclFeature(ShaclError):
    """A SHACL feature this compiler does not translate; ``features`` lists every occurrence."""

    def __init__(self, features: Sequence[str]) -> None:
        self.features = tuple(features)
        shown = "; ".join(self.features[:5]) + (f"; and {len(self.features) - 5} more" if len(features) > 5 else "")
        super().__init__(f"SHACL feature(s) the compiled engine does not support: {shown}")


class _Unsupported(Exception):
    """Raised inside the compiler, collected into :class:`UnsupportedShaclFeature`."""


# ----------------------------------------------------------------------------------- results


@dataclass(frozen=True)
class CompiledShape:
    """One compiled SELECT: the results of one shape."""

    shape: Term
    severity: str
    message: str | None
    query: str
    #: sh:path as given in the shapes graph (a blank node for a complex path), and as SPARQL
    path: Term | None
    path_sparql: str | None
    #: branch number -> (constraint component, message template of a SPARQL constraint or None)
    branches: tuple[tuple[str, str | None], ...]

    @property
    def label(self) -> str:
        """The shape's IRI (or blank node label), for progress lines."""
        return self.shape.value if isinstance(self.shape, ox.NamedNode) else str(self.shape)


@dataclass(frozen=True)
class CompiledShapes:
    """The compiled shapes graph."""

    shapes: tuple[CompiledShape, ...]
    inference: str
    #: an integer-family sh:datatype is used: the store needs the lexical side table
    needs_lexical: bool
    #: predicates whose integer-family literals the side table must cover
    lexical_predicates: tuple[str, ...]
    #: features not compiled (only non-empty with ``compile_shapes(..., strict=False)``)
    unsupported: tuple[str, ...] = ()
    #: rewrites done and performance warnings (not errors)
    notes: tuple[str, ...] = ()
    seconds: float = 0.0


@dataclass(frozen=True)
class ShaclResult:
    """One validation result (``sh:ValidationResult``)."""

    focus: Term
    #: sh:sourceShape
    shape: Term
    #: sh:resultSeverity (IRI)
    severity: str
    #: short constraint component name ("MinCount", "Datatype", "SPARQL", ...)
    component: str
    #: sh:resultPath: the shapes graph's path node (a blank node for a complex path)
    path: Term | None
    value: Term | None
    message: str

    @property
    def is_violation(self) -> bool:
        return self.severity == VIOLATION


# ----------------------------------------------------------------------------------- shapes graph


class _Graph:
    """A tiny read-only index of the shapes graph (subject -> predicate IRI -> objects)."""

    def __init__(self, quads: Iterable[ox.Quad]) -> None:
        self.spo: dict[Term, dict[str, list[Term]]] = {}
        for q in quads:
            self.spo.setdefault(q.subject, {}).setdefault(q.predicate.value, []).append(q.object)  # type: ignore[arg-type]

    def objects(self, s: Term, p: str) -> list[Term]:
        return self.spo.get(s, {}).get(p, [])

    def value(self, s: Term, p: str) -> Term | None:
        values = self.objects(s, p)
        return values[0] if values else None

    def items(self, head: Term) -> list[Term]:
        out: list[Term] = []
        nil = ox.NamedNode(RDF + "nil")
        while head != nil:
            first = self.value(head, RDF + "first")
            if first is None or len(out) > 10_000:
                raise _Unsupported(f"malformed RDF list at {head}")
            out.append(first)
            head = self.value(head, RDF + "rest") or nil
        return out

    def sh(self, s: Term) -> dict[str, list[Term]]:
        """The sh: parameters of a shape, by local name."""
        return {p[len(SH) :]: o for p, o in self.spo.get(s, {}).items() if p.startswith(SH)}


# ----------------------------------------------------------------------------------- the compiler


def _sparql_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def _term(t: Term) -> str:
    if isinstance(t, ox.BlankNode):
        raise _Unsupported(f"blank node {t} used as a constant in a constraint")
    return str(t)  # N-Triples syntax is valid SPARQL for IRIs and literals


def _int(t: Term, name: str) -> int:
    try:
        return int(t.value)
    except (AttributeError, ValueError):
        raise _Unsupported(f"sh:{name} {t} is not an integer") from None


def _component(name: str) -> str:
    return name[0].upper() + name[1:]


@dataclass
class _Query:
    shape: Term
    severity: str
    message: str | None
    path: Term | None = None
    path_sparql: str | None = None
    branches: list[tuple[str, str | None]] = field(default_factory=list)
    bodies: list[str] = field(default_factory=list)


class _Compiler:
    def __init__(self, graph: _Graph, *, inference: str) -> None:
        self.g = graph
        self.inference = inference
        self.n_vars = 0
        self.unsupported: list[str] = []
        self.prefixes: dict[str, str] = {}
        self.lexical_predicates: list[str] = []
        self.notes: list[str] = []

    # ------------------------------------------------------------------ helpers

    def var(self, stem: str = "v") -> str:
        self.n_vars += 1
        return f"?_{stem}{self.n_vars}"

    def refuse(self, shape: Term, what: str) -> None:
        msg = f"{shape}: {what}"
        if msg not in self.unsupported:
            self.unsupported.append(msg)

    def message(self, node: Term) -> str | None:
        msgs = [m for m in self.g.objects(node, SH + "message") if isinstance(m, ox.Literal)]
        english = [m for m in msgs if (m.language or "").startswith("en")]
        chosen = english or msgs
        return chosen[0].value if chosen else None

    def is_true(self, node: Term, name: str) -> bool:
        v = self.g.value(node, SH + name)
        return isinstance(v, ox.Literal) and v.value in ("true", "1")

    def path(self, node: Term) -> str:
        """A SHACL property path as a SPARQL property path."""
        if isinstance(node, ox.NamedNode):
            return str(node)
        if isinstance(node, ox.Literal):
            raise _Unsupported("a literal as sh:path")
        if self.g.value(node, RDF + "first") is not None:
            return "(" + "/".join(self.path(i) for i in self.g.items(node)) + ")"
        params = self.g.sh(node)
        if len(params) != 1:
            raise _Unsupported(f"path node with parameters {sorted(params)}")
        (name, (value, *_)) = next(iter(params.items()))
        if name == "inversePath":
            return f"^({self.path(value)})"
        if name == "alternativePath":
            return "(" + "|".join(self.path(i) for i in self.g.items(value)) + ")"
        modifiers = {"zeroOrMorePath": "*", "oneOrMorePath": "+", "zeroOrOnePath": "?"}
        if name in modifiers:
            return f"({self.path(value)}){modifiers[name]}"
        raise _Unsupported(f"path sh:{name}")

    def simple_predicates(self, node: Term) -> list[str] | None:
        """The predicates of an IRI path or an alternative of IRIs (None for other paths)."""
        if isinstance(node, ox.NamedNode):
            return [node.value]
        alt = self.g.value(node, SH + "alternativePath")
        if alt is not None and all(isinstance(i, ox.NamedNode) for i in self.g.items(alt)):
            return [i.value for i in self.g.items(alt)]
        return None

    def instance(self, x: str, cls: Term, *, bound: bool = False) -> str:
        """A group pattern that holds when ``x`` is a SHACL instance of ``cls`` (with RDFS entailment).

        With ``bound`` (``x`` bound outside, e.g. inside ``NOT EXISTS``) the domain and range tests
        start from ``x``'s own edges (quirk 2 of the module docstring).
        """
        c = _term(cls)
        typed = f"{{ {x} <{RDF}type>/<{RDFS}subClassOf>* {c} }}"
        if self.inference == "none":
            return typed
        p1, o1, p2, s2 = self.var("p"), self.var("o"), self.var("p"), self.var("s")
        if bound:
            by_domain = f"{{ {x} {p1} {o1} FILTER EXISTS {{ {p1} <{RDFS}domain>/<{RDFS}subClassOf>* {c} }} }}"
            by_range = f"{{ {s2} {p2} {x} FILTER EXISTS {{ {p2} <{RDFS}range>/<{RDFS}subClassOf>* {c} }} }}"
        else:
            by_domain = f"{{ {p1} <{RDFS}domain>/<{RDFS}subClassOf>* {c} . {x} {p1} {o1} }}"
            by_range = f"{{ {p2} <{RDFS}range>/<{RDFS}subClassOf>* {c} . {s2} {p2} {x} }}"
        return f"{{ {typed} UNION {by_domain} UNION {by_range} }}"

    # ------------------------------------------------------------------ value-node constraints

    def datatype_violation(self, x: str, dt: Term, *, lexical_side_table: bool) -> str:
        """Expression: ``x`` (a node in the store's default graph) is not a well-formed ``dt`` literal."""
        if not isinstance(dt, ox.NamedNode):
            raise _Unsupported("sh:datatype that is not an IRI")
        d = dt.value
        if d == RDF + "langString":
            ok = f'isLiteral({x}) && lang({x}) != ""'
        elif d in INTEGER_FAMILY:
            if not lexical_side_table:  # the store cannot tell an xsd:int from an xsd:integer
                raise _Unsupported(f"sh:datatype {d} outside a property shape with a simple path")
            ok = "false"  # stored values of the family are skipped below; the side table decides
        elif d in NUMERIC:
            ok = f"isLiteral({x}) && datatype({x}) = <{d}> && isNumeric({x})"
        elif d == XSD + "boolean":
            ok = f'isLiteral({x}) && datatype({x}) = <{d}> && STR({x}) IN ("true", "false")'
        else:  # well-formedness of other datatypes (dates, ...) is not checked
            ok = f"isLiteral({x}) && datatype({x}) = <{d}>"
        if lexical_side_table:  # integer-family values are checked in the side table instead
            family = ", ".join(f"<{t}>" for t in INTEGER_FAMILY)
            return f"!(isLiteral({x}) && datatype({x}) IN ({family})) && !({ok})"
        return f"!({ok})"

    def lexical_violation(self, w: str, dt: Term) -> str:
        """Expression: the side-table copy ``w`` of an integer-family literal is not a valid ``dt``."""
        d = dt.value
        wrong_type = f"datatype({w}) != <{LEXICAL_DT}{d}>"
        if d not in INTEGER_FAMILY:
            return wrong_type
        lo, hi = INTEGER_FAMILY[d]
        checks = [f'REGEX(STR({w}), "^[+-]?[0-9]+$")']
        if lo is not None:
            checks.append(f"<{XSD}integer>(STR({w})) >= {lo}")
        if hi is not None:
            checks.append(f"<{XSD}integer>(STR({w})) <= {hi}")
        return f"({wrong_type} || !({' && '.join(checks)}))"

    def value_violation(self, shape: Term, name: str, value: Term, x: str) -> str:
        """Expression: the value node ``x`` violates the parameter ``sh:name value`` of ``shape``."""
        g = self.g
        if name == "datatype":
            return self.datatype_violation(x, value, lexical_side_table=False)
        if name == "nodeKind":
            kinds = {
                "IRI": f"!isIRI({x})",
                "BlankNode": f"!isBlank({x})",
                "Literal": f"!isLiteral({x})",
                "BlankNodeOrIRI": f"isLiteral({x})",
                "BlankNodeOrLiteral": f"isIRI({x})",
                "IRIOrLiteral": f"isBlank({x})",
            }
            kind = value.value.removeprefix(SH) if isinstance(value, ox.NamedNode) else ""
            if kind not in kinds:
                raise _Unsupported(f"sh:nodeKind {value}")
            return kinds[kind]
        if name == "pattern":
            flags_term = g.value(shape, SH + "flags")
            flags = flags_term.value if isinstance(flags_term, ox.Literal) else None
            args = _sparql_string(value.value) + (", " + _sparql_string(flags) if flags else "")
            return f"(isBlank({x}) || !REGEX(STR({x}), {args}))"
        if name in ("minLength", "maxLength"):
            op = "<" if name == "minLength" else ">"
            return f"(isBlank({x}) || STRLEN(STR({x})) {op} {_int(value, name)})"
        if name == "languageIn":
            tags = [i.value for i in g.items(value)]
            matches = " || ".join(f"langMatches(lang({x}), {_sparql_string(t)})" for t in tags) or "false"
            return f"!(isLiteral({x}) && ({matches}))"
        if name == "in":
            members = " || ".join(f"sameTerm({x}, {_term(i)})" for i in g.items(value)) or "false"
            return f"!({members})"
        if name == "hasValue":
            return f"!sameTerm({x}, {_term(value)})"
        if name == "class":
            return f"NOT EXISTS {self.instance(x, value, bound=True)}"
        if name in COMPARISONS:
            return f"!COALESCE({x} {COMPARISONS[name]} {_term(value)}, false)"
        if name in ("or", "and", "xone"):
            parts = [self.conforms(x, s) for s in g.items(value)]
            if name == "or":
                return "!(" + (" || ".join(parts) or "false") + ")"
            if name == "and":
                return "!(" + (" && ".join(parts) or "true") + ")"
            return "((" + " + ".join(f"IF({p}, 1, 0)" for p in parts) + ") != 1)"
        if name == "not":
            return self.conforms(x, value)
        if name == "node":
            return f"!{self.conforms(x, value)}"
        raise _Unsupported(f"sh:{name}")

    # ------------------------------------------------------------------ nested shapes

    def conforms(self, x: str, shape: Term) -> str:
        """Expression: the node ``x`` conforms to ``shape`` (used for nested shapes)."""
        params = self.g.sh(shape)
        if self.is_true(shape, "deactivated"):
            return "true"
        if "sparql" in params:
            raise _Unsupported("sh:sparql in a nested shape")
        unknown = set(params) - NON_CONSTRAINTS - VALUE_PARAMS - PATH_PARAMS
        if unknown:
            raise _Unsupported(f"{', '.join('sh:' + n for n in sorted(unknown))} in a nested shape")
        parts: list[str] = []
        path = params.get("path", [None])[0]
        if path is None:
            if set(params) & PATH_PARAMS:
                raise _Unsupported(f"{sorted(set(params) & PATH_PARAMS)} without sh:path")
            for name in sorted(set(params) & VALUE_PARAMS):
                parts += [f"!{self.value_violation(shape, name, v, x)}" for v in params[name]]
        else:
            parts += self.nested_path_checks(shape, params, x, self.path(path))
        for child in params.get("property", []):
            parts.append(self.conforms(x, child))
        return "(" + (" && ".join(parts) or "true") + ")"

    def distinct_values(self, x: str, p: str, n: int) -> str:
        """A group pattern: ``x`` has at least ``n`` distinct values along ``p``."""
        if n > MAX_NESTED_COUNT:
            raise _Unsupported(f"a count of {n} in a nested shape (at most {MAX_NESTED_COUNT})")
        vs = [self.var() for _ in range(n)]
        pattern = " . ".join(f"{x} {p} {v}" for v in vs)
        diff = " && ".join(f"!sameTerm({a}, {b})" for i, a in enumerate(vs) for b in vs[i + 1 :])
        return f"{{ {pattern} {f'FILTER({diff})' if diff else ''} }}"

    def nested_path_checks(self, shape: Term, params: dict[str, list[Term]], x: str, p: str) -> list[str]:
        parts: list[str] = []
        for name, values in sorted(params.items()):
            for v in values:
                if name == "minCount":
                    n = _int(v, name)
                    if n > 0:
                        parts.append(f"EXISTS {self.distinct_values(x, p, n)}")
                elif name == "maxCount":
                    parts.append(f"NOT EXISTS {self.distinct_values(x, p, _int(v, name) + 1)}")
                elif name == "hasValue":
                    parts.append(f"EXISTS {{ {x} {p} {_term(v)} }}")
                elif name == "datatype" and v.value in INTEGER_FAMILY:
                    raise _Unsupported(f"sh:datatype {v.value} in a nested shape")
                elif name in VALUE_PARAMS:
                    y = self.var()
                    parts.append(f"NOT EXISTS {{ {x} {p} {y} FILTER({self.value_violation(shape, name, v, y)}) }}")
                elif name in ("disjoint", "lessThan", "lessThanOrEquals"):
                    y, z = self.var(), self.var()
                    parts.append(f"NOT EXISTS {{ {self.pair_violation(name, v, x, p, y, z)} }}")
                elif name in PATH_PARAMS:
                    raise _Unsupported(f"sh:{name} in a nested shape")
        return parts

    def pair_violation(self, name: str, other: Term, x: str, p: str, y: str, z: str) -> str:
        """Group pattern binding ``y`` to a value of ``p`` that violates a property pair constraint."""
        q = _term(other)
        if name == "disjoint":
            return f"{x} {p} {y} . {x} {q} {y}"
        op = "<" if name == "lessThan" else "<="
        return f"{x} {p} {y} . {x} {q} {z} FILTER(!COALESCE({y} {op} {z}, false))"

    # ------------------------------------------------------------------ top-level shapes

    def target_group(self, targets: list[tuple[str, Term]]) -> str:
        groups = []
        for kind, t in targets:
            if kind == "targetClass":
                groups.append(self.instance("?this", t))
            elif kind == "targetNode":
                groups.append(f"{{ BIND({_term(t)} AS ?this) }}")
            elif kind == "targetSubjectsOf":
                groups.append(f"{{ ?this {_term(t)} {self.var('o')} }}")
            elif kind == "targetObjectsOf":
                groups.append(f"{{ {self.var('s')} {_term(t)} ?this }}")
        return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(groups) + " } }"

    def shape_query(self, shape: Term, targets: list[tuple[str, Term]]) -> _Query | None:
        g = self.g
        params = g.sh(shape)
        severity = g.value(shape, SH + "severity") or ox.NamedNode(SH + "Violation")
        q = _Query(shape, severity.value, self.message(shape))
        unknown = set(params) - NON_CONSTRAINTS - VALUE_PARAMS - PATH_PARAMS - {"sparql"}
        for name in sorted(unknown):
            self.refuse(shape, f"sh:{name} is not supported")
        if unknown:
            return None
        try:
            tgt = self.target_group(targets)

            def add(component: str, body: str, template: str | None = None, *, with_targets: bool = True) -> None:
                q.bodies.append(f"{{ {tgt if with_targets else ''} {body} BIND({len(q.branches)} AS ?branch) }}")
                q.branches.append((component, template))

            path = params.get("path", [None])[0]
            if path is None:
                if set(params) & PATH_PARAMS:
                    raise _Unsupported(f"{sorted(set(params) & PATH_PARAMS)} without sh:path")
                for name in sorted(set(params) & VALUE_PARAMS):
                    for v in params[name]:
                        violation = self.value_violation(shape, name, v, "?this")
                        add(_component(name), f"BIND(?this AS ?value) FILTER({violation})")
            else:
                q.path, q.path_sparql = path, self.path(path)
                self.property_branches(shape, params, q.path_sparql, path, add)
            for constraint in params.get("sparql", []):
                self.sparql_branch(shape, constraint, tgt, add, property_shape=path is not None)
        except _Unsupported as exc:
            self.refuse(shape, str(exc))
            return None
        return q if q.bodies else None

    def property_branches(
        self, shape: Term, params: dict[str, list[Term]], p: str, path: Term, add: Callable[..., None]
    ) -> None:
        for name, values in sorted(params.items()):
            for v in values:
                if name == "minCount":
                    n = _int(v, name)
                    if n == 1:
                        add(_component(name), f"FILTER NOT EXISTS {{ ?this {p} {self.var()} }}")
                    elif n > 1:
                        y, c = self.var(), self.var("c")
                        count = (
                            f"{{ SELECT ?this (COUNT(DISTINCT {y}) AS {c}) WHERE {{ ?this {p} {y} }} GROUP BY ?this }}"
                        )
                        add(_component(name), f"OPTIONAL {count} FILTER(COALESCE({c}, 0) < {n})")
                elif name == "maxCount":
                    n = _int(v, name)
                    y = self.var()
                    if n == 0:
                        add(_component(name), f"FILTER EXISTS {{ ?this {p} {y} }}")
                    else:
                        having = f"GROUP BY ?this HAVING (COUNT(DISTINCT {y}) > {n})"
                        add(_component(name), f"{{ SELECT ?this WHERE {{ ?this {p} {y} }} {having} }}")
                elif name == "datatype":
                    self.datatype_branches(path, p, v, add)
                elif name in VALUE_PARAMS:
                    violation = self.value_violation(shape, name, v, "?value")
                    add(_component(name), f"?this {p} ?value FILTER({violation})")
                elif name in ("disjoint", "lessThan", "lessThanOrEquals"):
                    add(_component(name), self.pair_violation(name, v, "?this", p, "?value", self.var()))
                elif name == "equals":
                    other = _term(v)
                    add(
                        _component(name),
                        f"{{ ?this {p} ?value FILTER NOT EXISTS {{ ?this {other} ?value }} }} UNION "
                        f"{{ ?this {other} ?value FILTER NOT EXISTS {{ ?this {p} ?value }} }}",
                    )
                elif name == "uniqueLang":
                    if v.value in ("true", "1"):
                        y = self.var()
                        add(
                            _component(name),
                            f'?this {p} ?value . ?this {p} {y} FILTER(lang(?value) != "" && '
                            f"lang(?value) = lang({y}) && !sameTerm(?value, {y}))",
                        )
                elif name == "qualifiedValueShape":
                    self.qualified_branches(shape, params, p, v, add)

    def datatype_branches(self, path: Term, p: str, dt: Term, add: Callable[..., None]) -> None:
        if not (isinstance(dt, ox.NamedNode) and dt.value in INTEGER_FAMILY):
            # an integer-family value is stored as xsd:integer, which is not ``dt`` either: no side table needed
            add(
                "Datatype",
                f"?this {p} ?value FILTER({self.datatype_violation('?value', dt, lexical_side_table=False)})",
            )
            return
        predicates = self.simple_predicates(path)
        if predicates is None:
            raise _Unsupported(f"sh:datatype {dt.value} on a path other than IRIs (lexical side table)")
        self.lexical_predicates += [x for x in predicates if x not in self.lexical_predicates]
        alt = "(" + "|".join(f"<{x}>" for x in predicates) + ")"
        stored = f"?this {p} ?value FILTER({self.datatype_violation('?value', dt, lexical_side_table=True)})"
        lexical = f"GRAPH <{LEXICAL_GRAPH}> {{ ?this {alt} ?value }} FILTER({self.lexical_violation('?value', dt)})"
        add("Datatype", f"{{ {stored} }} UNION {{ {lexical} }}")

    def qualified_branches(
        self, shape: Term, params: dict[str, list[Term]], p: str, qshape: Term, add: Callable[..., None]
    ) -> None:
        if self.is_true(shape, "qualifiedValueShapesDisjoint"):
            raise _Unsupported("sh:qualifiedValueShapesDisjoint")
        for name in ("qualifiedMinCount", "qualifiedMaxCount"):
            if name not in params:
                continue
            n = _int(params[name][0], name)
            y, c = self.var("q"), self.var("c")
            ok = self.conforms(y, qshape)
            if name == "qualifiedMinCount" and n == 1:
                add("QualifiedMinCount", f"FILTER NOT EXISTS {{ ?this {p} {y} FILTER({ok}) }}")
            elif name == "qualifiedMinCount" and n > 1:
                values = f"?this {p} {y} FILTER({ok})"
                count = f"{{ SELECT ?this (COUNT(DISTINCT {y}) AS {c}) WHERE {{ {values} }} GROUP BY ?this }}"
                add("QualifiedMinCount", f"OPTIONAL {count} FILTER(COALESCE({c}, 0) < {n})")
            elif name == "qualifiedMaxCount":
                having = f"GROUP BY ?this HAVING (COUNT(DISTINCT {y}) > {n})"
                add("QualifiedMaxCount", f"{{ SELECT ?this WHERE {{ ?this {p} {y} FILTER({ok}) }} {having} }}")

    def sparql_branch(
        self, shape: Term, constraint: Term, tgt: str, add: Callable[..., None], *, property_shape: bool
    ) -> None:
        g = self.g
        if self.is_true(constraint, "deactivated"):
            return
        select_term = g.value(constraint, SH + "select")
        if not isinstance(select_term, ox.Literal):
            raise _Unsupported("sh:sparql without sh:select (ASK-based validators)")
        select = select_term.value
        if property_shape:
            raise _Unsupported("sh:sparql on a property shape ($PATH)")
        if re.search(r"[?$](currentShape|shapesGraph|PATH)\b", select):
            raise _Unsupported("sh:select uses $currentShape, $shapesGraph or $PATH")
        if len(re.findall(r"\bSELECT\b", select, re.IGNORECASE)) > 1:
            raise _Unsupported("sh:select with a nested SELECT ($this would not be pre-bound inside it)")
        if re.search(r"\b(MINUS|VALUES|SERVICE)\b", select, re.IGNORECASE):
            raise _Unsupported("sh:select with MINUS, VALUES or SERVICE (not allowed by SHACL-SPARQL)")
        for holder in g.objects(constraint, SH + "prefixes"):
            for decl in g.objects(holder, SH + "declare"):
                prefix, ns = g.value(decl, SH + "prefix"), g.value(decl, SH + "namespace")
                if not isinstance(prefix, ox.Literal) or not isinstance(ns, ox.Literal):
                    raise _Unsupported(f"malformed sh:declare {decl}")
                if self.prefixes.get(prefix.value, ns.value) != ns.value:
                    raise _Unsupported(f"prefix {prefix.value}: declared with two namespaces")
                self.prefixes[prefix.value] = ns.value
        select, notes = chain_exists(select)
        self.notes += [f"{shape}: {n}" for n in notes]
        where = re.search(r"\bWHERE\s*\{", select, re.IGNORECASE) or re.search(r"\{", select)
        if where is None:
            raise _Unsupported("sh:select without a WHERE clause")
        injected = select[: where.end()] + f" {tgt} " + select[where.end() :]
        add("SPARQL", f"{{ {injected.strip()} }}", self.message(constraint) or self.message(shape), with_targets=False)

    # ------------------------------------------------------------------ the whole shapes graph

    def compile(self) -> list[CompiledShape]:
        g = self.g
        shape_types = {ox.NamedNode(SH + "NodeShape"), ox.NamedNode(SH + "PropertyShape")}
        class_types = {ox.NamedNode(RDFS + "Class"), ox.NamedNode(OWL + "Class")}
        targets: dict[Term, list[tuple[str, Term]]] = {}
        order: list[Term] = []

        def add_targets(shape: Term, ts: list[tuple[str, Term]]) -> None:
            if shape not in targets:
                targets[shape] = []
                order.append(shape)
            targets[shape] += [t for t in ts if t not in targets[shape]]

        for s in sorted(g.spo, key=str):
            if self.is_true(s, "deactivated"):
                continue
            own = [(k, o) for k in sorted(TARGETS) for o in g.objects(s, SH + k)]
            if SH + "target" in g.spo[s]:
                self.refuse(s, "sh:target (SPARQL-based and custom targets) is not supported")
            types = set(g.objects(s, RDF + "type"))
            if types & {ox.NamedNode(SH + "ConstraintComponent"), ox.NamedNode(SH + "SPARQLRule")}:
                self.refuse(s, "custom constraint components and SHACL-AF rules are not supported")
            if types & class_types and types & shape_types:
                own.append(("targetClass", s))  # implicit class target
            if SH + "rule" in g.spo[s]:
                self.refuse(s, "sh:rule (SHACL-AF) is not supported")
            if own:
                add_targets(s, own)
        for s in list(order):
            for child in g.objects(s, SH + "property"):
                if self.is_true(child, "deactivated"):
                    continue
                add_targets(child, targets[s])
                if g.objects(child, SH + "property"):
                    self.refuse(child, "sh:property on a property shape is not supported")
        queries = [q for q in (self.shape_query(s, targets[s]) for s in order) if q is not None]
        prefixes = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(self.prefixes.items()))
        return [
            CompiledShape(
                shape=q.shape,
                severity=q.severity,
                message=q.message,
                query=prefixes + "SELECT * WHERE {\n  " + "\n  UNION\n  ".join(q.bodies) + "\n}",
                path=q.path,
                path_sparql=q.path_sparql,
                branches=tuple(q.branches),
            )
            for q in queries
        ]


def compile_shapes(shapes: Path | str | bytes, *, inference: str = "rdfs", strict: bool = True) -> CompiledShapes:
    """Compile a Turtle shapes graph: a file path, or its text (``str`` or ``bytes``).

    ``inference`` is ``"rdfs"`` (what the project uses with pySHACL: typing by subclass, domain and
    range) or ``"none"``. A feature the compiler does not translate raises
    :class:`UnsupportedShaclFeature` listing all of them; with ``strict=False`` they are listed in
    :attr:`CompiledShapes.unsupported` instead, and :func:`validate` refuses to run with them.
    A shapes graph that does not parse raises :class:`ShaclError`.
    """
    if inference not in ("rdfs", "none"):
        raise ValueError("inference must be 'rdfs' or 'none'")
    started = time.perf_counter()
    try:
        if isinstance(shapes, Path):
            quads = list(ox.parse(path=str(shapes), format=ox.RdfFormat.TURTLE))
        else:
            quads = list(ox.parse(shapes, format=ox.RdfFormat.TURTLE))
    except (SyntaxError, OSError, ValueError) as exc:
        raise ShaclError(f"cannot read the shapes graph: {exc}") from exc
    compiler = _Compiler(_Graph(quads), inference=inference)
    compiled = compiler.compile()
    if compiler.unsupported and strict:
        raise UnsupportedShaclFeature(compiler.unsupported)
    return CompiledShapes(
        shapes=tuple(compiled),
        inference=inference,
        needs_lexical=bool(compiler.lexical_predicates),
        lexical_predicates=tuple(compiler.lexical_predicates),
        unsupported=tuple(compiler.unsupported),
        notes=tuple(compiler.notes),
        seconds=time.perf_counter() - started,
    )


# ----------------------------------------------------------------------------------- EXISTS chains

_IRI = re.compile(r"<[^<>\"{}|^`\\\s]*>")
_TOKEN = re.compile(
    r"""(?P<iri><[^<>"{}|^`\\\s]*>)|(?P<str>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')(?:@[A-Za-z0-9-]+|\^\^[^\s.;,]+)?"""
    r"""|(?P<var>[?$][A-Za-z_][A-Za-z0-9_]*)|(?P<punct>[.;,])|(?P<word>[^\s.;,{}()\[\]"'<>#]+)"""
)
_SEQUENCE = re.compile(r"^[^\s/^*+?|()!]+(/[^\s/^*+?|()!]+)+$")
_VARIABLE = re.compile(r"[?$]([A-Za-z_]\w*)")


def _skip_string(text: str, i: int) -> int:
    """Index of the quote closing the string that starts at ``i``."""
    quote, j = text[i], i + 1
    while j < len(text) and text[j] != quote:
        j += 2 if text[j] == "\\" else 1
    if j >= len(text):
        raise ValueError("unterminated string")
    return j


def _balanced(text: str, start: int, open_: str, close: str) -> int:
    """Index just after the bracket that closes the one at ``start`` (strings, IRIs, comments skipped)."""
    depth, i = 0, start
    while i < len(text):
        ch = text[i]
        if ch in "\"'":
            i = _skip_string(text, i)
        elif ch == "<" and (m := _IRI.match(text, i)):
            i = m.end() - 1
        elif ch == "#":
            i = text.find("\n", i) if "\n" in text[i:] else len(text)
        elif ch == open_:
            depth += 1
        elif ch == close:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise ValueError("unbalanced brackets")


def _group_tokens(body: str) -> list[tuple[str, str]] | None:
    """Tokens of a group of triple patterns and FILTERs: ("term" | "punct" | "filter", text)."""
    out: list[tuple[str, str]] = []
    pos = 0
    while True:
        while pos < len(body) and (body[pos].isspace() or body[pos] == "#"):
            pos = (body.find("\n", pos) if "\n" in body[pos:] else len(body)) if body[pos] == "#" else pos + 1
        if pos >= len(body):
            return out
        if re.match(r"FILTER\s*\(", body[pos:], re.IGNORECASE):
            opening = body.index("(", pos)
            end = _balanced(body, opening, "(", ")")
            expr = body[opening:end]
            if re.search(r"\bEXISTS\b", expr, re.IGNORECASE):
                return None
            out.append(("filter", f"FILTER{expr}"))
            pos = end
            continue
        m = _TOKEN.match(body, pos)
        if m is None or m.group(0) == "" or (m.group("word") or "").upper() in ("OPTIONAL", "UNION", "BIND", "GRAPH"):
            return None
        out.append(("punct" if m.group("punct") else "term", m.group(0)))
        pos = m.end()


def _parse_bgp(body: str) -> tuple[list[str], list[str]] | None:
    """The triple patterns and FILTERs of a group made only of those (None for anything else)."""
    toks = _group_tokens(body)
    if toks is None:
        return None
    triples: list[str] = []
    filters: list[str] = []
    i = 0

    def term() -> str | None:
        nonlocal i
        if i < len(toks) and toks[i][0] == "term":
            i += 1
            return toks[i - 1][1]
        return None

    def at(punct: str) -> bool:
        return i < len(toks) and toks[i] == ("punct", punct)

    while i < len(toks):
        if toks[i][0] == "filter":
            filters.append(toks[i][1])
            i += 1
            continue
        if at("."):
            i += 1
            continue
        subject = term()
        while True:
            predicate = term()
            if subject is None or predicate is None:
                return None
            while True:
                obj = term()
                if obj is None:
                    return None
                triples.append(f"{subject} {predicate} {obj}")
                if not at(","):
                    break
                i += 1
            if not at(";"):
                break
            i += 1
            if i >= len(toks) or toks[i][0] != "term":
                break
    return triples, filters


def _expand_sequences(triples: list[str]) -> list[str]:
    """``s p1/p2 o`` -> ``s p1 ?_seqN . ?_seqN p2 o`` (a sequence path of plain predicates)."""
    out: list[str] = []
    for t in triples:
        subject, predicate, obj = t.split(" ", 2)
        if not _SEQUENCE.match(predicate):
            out.append(t)
            continue
        steps = predicate.split("/")
        nodes = [subject] + [f"?_seq{len(out)}_{k}" for k in range(len(steps) - 1)] + [obj]
        out += [f"{nodes[k]} {step} {nodes[k + 1]}" for k, step in enumerate(steps)]
    return out


def _chain_order(triples: list[str], outside: set[str]) -> list[str]:
    """Order triple patterns so that each one starts from terms already bound (subject first)."""

    def is_bound(term: str) -> bool:
        return not term.startswith(("?", "$")) or term[1:] in bound

    bound = set(outside)
    order: list[str] = []
    rest = list(triples)
    while rest:
        scores = []
        for k, t in enumerate(rest):
            subject, _, obj = t.split(" ", 2)
            scores.append((2 * is_bound(subject) + is_bound(obj), -k))
        best = rest.pop(scores.index(max(scores)))
        order.append(best)
        bound |= set(_VARIABLE.findall(best))
    return order


def chain_exists(query: str) -> tuple[str, list[str]]:
    """Rewrite each ``EXISTS { t1 . t2 ... FILTER(f) }`` of plain triple patterns into nested EXISTS.

    ``EXISTS { t1 . t2 . t3 FILTER(f) }`` means the same as ``EXISTS { t1 FILTER EXISTS { t2 FILTER
    EXISTS { t3 FILTER(f) } } }``. The chain starts from a pattern using a variable bound outside the
    group and follows shared variables, so each step is an index lookup (quirk 2 of the module
    docstring). Returns the query and one note per group rewritten or left as written.
    """
    notes: list[str] = []
    out, pos = [], 0
    for m in re.finditer(r"\bEXISTS\s*\{", query, re.IGNORECASE):
        if m.start() < pos:
            continue
        open_at = m.end() - 1
        close_at = _balanced(query, open_at, "{", "}")
        parsed = _parse_bgp(query[open_at + 1 : close_at - 1])
        if parsed is None:
            notes.append("an EXISTS group was not rewritten (not plain triple patterns): may scale badly")
            continue
        triples, filters = _expand_sequences(parsed[0]), parsed[1]
        if len(triples) < 2:
            continue
        outside = set(_VARIABLE.findall(query[:open_at] + query[close_at:]))
        order = _chain_order(triples, outside)
        inner = f"{order[-1]} {' '.join(filters)}"
        for t in reversed(order[:-1]):
            inner = f"{t} FILTER EXISTS {{ {inner} }}"
        out.append(query[pos : open_at + 1] + f" {inner} ")
        pos = close_at - 1
        notes.append(f"EXISTS group of {len(triples)} triple patterns chained: {' -> '.join(order)}")
    out.append(query[pos:])
    return "".join(out), notes


# ----------------------------------------------------------------------------------- loading


def rdf_format(path: Path) -> ox.RdfFormat:
    """The pyoxigraph format of a file, by its suffix (Turtle by default)."""
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".").lower()) if path.suffix else None
    return fmt if fmt is not None else ox.RdfFormat.TURTLE


def lexical_copies(path: Path, fmt: ox.RdfFormat | None = None) -> Iterator[ox.Quad]:
    """The side-table copies of the integer-family literals of one file (quirk 1 of the module docstring).

    For N-Triples / N-Quads only the lines that name an integer datatype are parsed (one triple per
    line); other formats are parsed in full.
    """
    fmt = fmt or rdf_format(path)
    if fmt in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS):
        data = path.read_bytes()
        lines: list[bytes] = []
        marker = f"^^<{XSD}".encode()
        names = tuple(f"{t[len(XSD) :]}>".encode() for t in INTEGER_FAMILY)
        pos = data.find(marker)
        while pos >= 0:
            if data.startswith(names, pos + len(marker)):
                start = data.rfind(b"\n", 0, pos) + 1
                end = data.find(b"\n", pos)
                end = len(data) if end < 0 else end
                lines.append(data[start:end])
                pos = end
            pos = data.find(marker, pos + 1)
        quads: Iterable[ox.Quad] = ox.parse(b"\n".join(lines), format=fmt)
    else:
        quads = ox.parse(path=str(path), format=fmt, base_iri=path.resolve().as_uri())
    yield from _copies(quads)


def _copies(quads: Iterable[ox.Quad | ox.Triple]) -> Iterator[ox.Quad]:
    graph = ox.NamedNode(LEXICAL_GRAPH)
    for q in quads:
        o = q.object
        if isinstance(o, ox.Literal) and o.datatype.value in INTEGER_FAMILY:
            lexical = ox.Literal(o.value, datatype=ox.NamedNode(LEXICAL_DT + o.datatype.value))
            yield ox.Quad(q.subject, q.predicate, lexical, graph)


def add_lexical_side_table(store: ox.Store, quads: Iterable[ox.Quad | ox.Triple]) -> None:
    """Add the side-table copies of the integer-family literals among ``quads`` (as parsed, not as stored)."""
    store.extend(list(_copies(quads)))


def load_store(files: Sequence[Path], *, lexical: bool = True, store: ox.Store | None = None) -> ox.Store:
    """An in-memory store with the files in its default graph (and the lexical side table)."""
    store = store if store is not None else ox.Store()
    for f in map(Path, files):
        fmt = rdf_format(f)
        store.load(path=str(f), format=fmt, base_iri=f.resolve().as_uri())
        if lexical:
            store.extend(list(lexical_copies(f, fmt)))
    return store


# ----------------------------------------------------------------------------------- running


def select(store: ox.Store, query: str) -> ox.QuerySolutions:
    """The solutions of a SELECT query (TypeError for another query form)."""
    solutions = store.query(query)
    if not isinstance(solutions, ox.QuerySolutions):
        raise TypeError("not a SELECT query")
    return solutions


def _get(row: ox.QuerySolution, name: str) -> Term | None:
    try:
        return row[name]
    except (KeyError, IndexError, TypeError, ValueError):
        return None


def _substitute(template: str, row: ox.QuerySolution) -> str:
    def repl(m: re.Match[str]) -> str:
        v = _get(row, m.group(1))
        return m.group(0) if v is None else (v.value if not isinstance(v, ox.BlankNode) else str(v))

    return re.sub(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}", repl, template)


def _run(store: ox.Store, q: CompiledShape) -> list[ShaclResult]:
    out: dict[tuple[object, ...], ShaclResult] = {}
    for row in select(store, q.query):
        component, template = q.branches[int(row["branch"].value)]
        focus = row["this"]
        value = _get(row, "value")
        if component == "SPARQL":
            value = value if value is not None else focus
            path = _get(row, "path")
            message = _substitute(template, row) if template else "SPARQL constraint not satisfied"
        else:
            path, message = q.path, q.message or f"{component} constraint not satisfied"
        if isinstance(value, ox.Literal) and value.datatype.value.startswith(LEXICAL_DT):  # a side-table copy
            value = ox.Literal(value.value, datatype=ox.NamedNode(value.datatype.value[len(LEXICAL_DT) :]))
        result = ShaclResult(focus, q.shape, q.severity, component, path, value, message)
        out.setdefault((focus, component, path, value), result)
    return list(out.values())


def _store_problems(store: ox.Store, compiled: CompiledShapes) -> list[str]:
    problems = list(compiled.unsupported)
    if compiled.inference == "rdfs" and store.query(f"ASK {{ ?a <{RDFS}subPropertyOf> ?b }}"):
        problems.append("the data uses rdfs:subPropertyOf (RDFS rule rdfs7 is not compiled)")
    if compiled.needs_lexical:
        predicates = " ".join(f"<{p}>" for p in compiled.lexical_predicates)
        integer = f"<{XSD}integer>"
        missing = f"""ASK {{ VALUES ?p {{ {predicates} }} ?s ?p ?o FILTER(isLiteral(?o) && datatype(?o) = {integer})
            FILTER NOT EXISTS {{ GRAPH <{LEXICAL_GRAPH}> {{ ?s ?p ?w }} }} }}"""
        if store.query(missing):
            raise ShaclError(
                "the store has integer literals without their lexical side table "
                "(load the data with load_store() or add_lexical_side_table())"
            )
    return problems


def validate(store: ox.Store, compiled: CompiledShapes, *, progress: Progress | None = None) -> list[ShaclResult]:
    """Run every compiled shape on ``store``'s default graph (with its lexical side table).

    Raises :class:`UnsupportedShaclFeature` if the shapes or the data need a feature that is not
    compiled, :class:`ShaclError` if the store lacks a side table the shapes need. ``progress`` is
    called after each shape's query with (shape, number of results, seconds).
    """
    problems = _store_problems(store, compiled)
    if problems:
        raise UnsupportedShaclFeature(problems)
    results: list[ShaclResult] = []
    for q in compiled.shapes:
        started = time.perf_counter()
        rows = _run(store, q)
        results += rows
        if progress is not None:
            progress(q, len(rows), time.perf_counter() - started)
    return results


# ----------------------------------------------------------------------------------- quirks


def oxigraph_quirks() -> dict[str, bool]:
    """Whether the two pyoxigraph behaviours worked around here are still there.

    ``canonical_literals``: the store turns ``"05"^^xsd:nonNegativeInteger`` into ``"5"^^xsd:integer``
    (the parser keeps it). ``exists_unbound``: a multi-pattern ``NOT EXISTS`` is planned without the
    outer bindings: a three-pattern group takes over 5x the time of the chained form on 4,000 claims
    (measured ~20x with pyoxigraph 0.5.13; two-pattern groups are planned well).
    """
    data = f'<urn:s> <urn:p> "05"^^<{XSD}nonNegativeInteger> .\n'
    parsed = next(iter(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))).object
    store = ox.Store()
    store.load(data, format=ox.RdfFormat.N_TRIPLES)
    stored = next(iter(store)).object
    canonical = str(parsed) != str(stored)
    n = 4000
    lines = []
    for i in range(n):
        lines.append(f"<urn:s{i}> <urn:rel{i % 7}> <urn:o{i}> .")
        if i % 2 == 0:
            lines.append(f"<urn:ax{i}> <urn:source> <urn:s{i}> .")
            lines.append(f"<urn:ax{i}> <urn:property> <urn:rel{i % 7}> .")
            lines.append(f"<urn:ax{i}> <urn:target> <urn:o{i}> .")
    store = ox.Store()
    store.load("\n".join(lines), format=ox.RdfFormat.N_TRIPLES)
    claims = "?s ?p ?o FILTER(STRSTARTS(STR(?p), 'urn:rel'))"
    group = "?a <urn:source> ?s ; <urn:property> ?p ; <urn:target> ?o"
    group = f"SELECT (COUNT(*) AS ?n) WHERE {{ {claims} FILTER NOT EXISTS {{ {group} }} }}"
    chained, _ = chain_exists(group)
    times = []
    for q in (group, chained):
        started = time.perf_counter()
        count = next(iter(select(store, q)))[0].value
        times.append(time.perf_counter() - started)
        if count != str(n // 2):
            raise AssertionError(f"wrong count {count}")
    return {"canonical_literals": canonical, "exists_unbound": times[0] > 5 * max(times[1], 1e-3)}
