"""Prototype: compile SHACL shapes to SPARQL and run them on pyoxigraph (issue 13).

    python bench/shacl/compile.py --show                      # print the compiled queries
    python bench/shacl/compile.py ontology/knowledge.ttl     # validate (ontology/spasmkg.ttl is added)

Every shape with focus nodes becomes **one** SELECT over all of its focus nodes at once (no query per
focus node): its targets are one sub-select (``?this``) and each constraint component is one UNION
branch that yields the violating (focus, value) pairs. The property shapes of a node shape get the
node shape's targets. Nested shapes (``sh:qualifiedValueShape``, ``sh:or``, ``sh:and``, ``sh:not``,
``sh:xone``, ``sh:node``) compile to a boolean SPARQL expression "the node conforms", built from
``EXISTS`` / ``NOT EXISTS``. A SPARQL-based constraint (``sh:sparql`` with ``sh:select``) becomes one
branch too: the target sub-select is put first in the outermost group of its WHERE clause, which
binds ``$this`` the way SHACL's pre-binding does for the queries SHACL-SPARQL allows.

RDFS entailment (what pySHACL's ``inference="rdfs"`` adds that matters for SHACL: ``rdf:type``
triples from ``rdfs:subClassOf``, ``rdfs:domain`` and ``rdfs:range``) is compiled into the class
tests -- ``sh:targetClass`` and ``sh:class`` -- instead of being materialised; ``rdfs:subPropertyOf``
in the data is reported as unsupported (its entailed edges would change paths).

pyoxigraph's store keeps typed literals in a canonical form: every integer type derived from
``xsd:integer`` (``xsd:nonNegativeInteger``, ``xsd:int``, ...) is stored as ``xsd:integer`` and
lexical forms are canonicalised ("05" -> "5", "10.0" -> "10"). That loses what ``sh:datatype
xsd:nonNegativeInteger`` tests, so :func:`load_store` keeps a *lexical side table* when the shapes
need it: a copy of every integer-family literal, in the named graph :data:`LEXICAL_GRAPH`, with
the original datatype wrapped in a private datatype IRI the store leaves alone.

pyoxigraph 0.5 also plans the group of an ``EXISTS`` / ``NOT EXISTS`` without knowing which of its
variables are bound outside (oxigraph issues #885, #1951): a group of several triple patterns can
then scan a whole predicate once per outer row, i.e. quadratic time. The compiler therefore writes
its own tests as chains of single-pattern ``EXISTS`` that start from the bound node, and rewrites the
``EXISTS`` groups of SPARQL constraints the same way when they are plain triple patterns and
FILTERs (:func:`chain_exists`; ``s p1/p2 o`` is split into two patterns); :attr:`Compiled.notes`
lists each rewrite and each group it could not rewrite.

A feature the compiler does not handle is never skipped silently: :attr:`Compiled.unsupported`
lists it, and :func:`validate_store` refuses to run unless told to ignore it.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"

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

Term = ox.NamedNode | ox.BlankNode | ox.Literal


class UnsupportedError(Exception):
    """A SHACL feature this compiler does not translate."""


# ----------------------------------------------------------------------------------- shapes graph


class Graph:
    """A tiny read-only index of the shapes graph (subject -> predicate IRI -> objects)."""

    def __init__(self, quads: Iterable[ox.Quad]) -> None:
        self.spo: dict[Term, dict[str, list[Term]]] = {}
        for q in quads:
            self.spo.setdefault(q.subject, {}).setdefault(q.predicate.value, []).append(q.object)

    def objects(self, s: Term, p: str) -> list[Term]:
        return self.spo.get(s, {}).get(p, [])

    def value(self, s: Term, p: str) -> Term | None:
        values = self.objects(s, p)
        return values[0] if values else None

    def subjects(self, p: str, o: Term | None = None) -> list[Term]:
        return [s for s, po in self.spo.items() if p in po and (o is None or o in po[p])]

    def items(self, head: Term) -> list[Term]:
        out: list[Term] = []
        while head != ox.NamedNode(RDF + "nil"):
            first = self.value(head, RDF + "first")
            if first is None or len(out) > 10_000:
                raise UnsupportedError(f"malformed RDF list at {head}")
            out.append(first)
            head = self.value(head, RDF + "rest") or ox.NamedNode(RDF + "nil")
        return out

    def sh(self, s: Term) -> dict[str, list[Term]]:
        """The sh: parameters of a shape, by local name."""
        return {p[len(SH) :]: o for p, o in self.spo.get(s, {}).items() if p.startswith(SH)}


# ----------------------------------------------------------------------------------- results


@dataclass
class ShapeQuery:
    """One compiled SELECT: the results of one shape (or of a SPARQL constraint's shape)."""

    shape: Term
    severity: str
    message: str | None
    text: str
    path: Term | None = None
    #: branch number -> (constraint component, message template of a SPARQL constraint or None)
    branches: list[tuple[str, str | None]] = field(default_factory=list)


@dataclass
class Compiled:
    queries: list[ShapeQuery]
    unsupported: list[str]
    #: the shapes use sh:datatype with an integer type: load the data with the lexical side table
    needs_lexical: bool = False
    inference: str = "rdfs"
    #: rewrites done and performance warnings (not errors)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Result:
    focus: Term
    shape: Term
    severity: str
    component: str
    path: Term | None
    value: Term | None
    message: str


# ----------------------------------------------------------------------------------- the compiler


def sparql_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def term_text(t: Term) -> str:
    if isinstance(t, ox.BlankNode):
        raise UnsupportedError(f"blank node {t} used as a constant in a constraint")
    return str(t)  # N-Triples syntax is valid SPARQL for IRIs and literals


class Vars:
    def __init__(self) -> None:
        self.n = 0

    def __call__(self, stem: str = "v") -> str:
        self.n += 1
        return f"?{stem}{self.n}"


class Compiler:
    def __init__(self, graph: Graph, *, inference: str = "rdfs") -> None:
        if inference not in ("rdfs", "none"):
            raise ValueError("inference must be 'rdfs' or 'none'")
        self.g = graph
        self.inference = inference
        self.var = Vars()
        self.unsupported: list[str] = []
        self.prefixes: dict[str, str] = {}
        self.needs_lexical = False
        self.notes: list[str] = []

    # ------------------------------------------------------------------ helpers

    def note(self, shape: Term, what: str) -> None:
        msg = f"{shape}: {what}"
        if msg not in self.unsupported:
            self.unsupported.append(msg)

    def literal_text(self, t: Term | None) -> str | None:
        return t.value if isinstance(t, ox.Literal) else None

    def message(self, node: Term) -> str | None:
        msgs = [m for m in self.g.objects(node, SH + "message") if isinstance(m, ox.Literal)]
        english = [m for m in msgs if (m.language or "").startswith("en")]
        chosen = english or msgs
        return chosen[0].value if chosen else None

    def int_param(self, shape: Term, name: str) -> int:
        v = self.g.value(shape, SH + name)
        try:
            return int(v.value)  # type: ignore[union-attr]
        except (AttributeError, ValueError):
            raise UnsupportedError(f"sh:{name} is not an integer") from None

    def is_true(self, node: Term, name: str) -> bool:
        v = self.g.value(node, SH + name)
        return isinstance(v, ox.Literal) and v.value in ("true", "1")

    def path(self, node: Term) -> str:
        """A SHACL property path as a SPARQL property path."""
        if isinstance(node, ox.NamedNode):
            return str(node)
        if isinstance(node, ox.Literal):
            raise UnsupportedError("a literal as sh:path")
        if self.g.value(node, RDF + "first") is not None:
            return "(" + "/".join(self.path(i) for i in self.g.items(node)) + ")"
        params = self.g.sh(node)
        if len(params) != 1:
            raise UnsupportedError(f"path node {node} with parameters {sorted(params)}")
        (name, (value, *_)) = next(iter(params.items()))
        if name == "inversePath":
            return f"^({self.path(value)})"
        if name == "alternativePath":
            return "(" + "|".join(self.path(i) for i in self.g.items(value)) + ")"
        modifiers = {"zeroOrMorePath": "*", "oneOrMorePath": "+", "zeroOrOnePath": "?"}
        if name in modifiers:
            return f"({self.path(value)}){modifiers[name]}"
        raise UnsupportedError(f"path sh:{name}")

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

        With ``bound`` (``x`` is bound outside, e.g. inside ``NOT EXISTS``) the domain and range tests
        start from ``x``'s own edges: oxigraph 0.5 plans an EXISTS group without looking at the
        outer bindings and would otherwise scan every triple of the property once per node.
        """
        c = term_text(cls)
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
            raise UnsupportedError("sh:datatype that is not an IRI")
        d = dt.value
        if d == RDF + "langString":
            ok = f'isLiteral({x}) && lang({x}) != ""'
        elif d in INTEGER_FAMILY:
            if not lexical_side_table:  # the store cannot tell an xsd:int from an xsd:integer
                raise UnsupportedError(f"sh:datatype {d} outside a property shape with a simple path")
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
                raise UnsupportedError(f"sh:nodeKind {value}")
            return kinds[kind]
        if name == "pattern":
            flags = self.literal_text(g.value(shape, SH + "flags"))
            args = sparql_string(value.value) + (", " + sparql_string(flags) if flags else "")
            return f"(isBlank({x}) || !REGEX(STR({x}), {args}))"
        if name in ("minLength", "maxLength"):
            op = "<" if name == "minLength" else ">"
            return f"(isBlank({x}) || STRLEN(STR({x})) {op} {int(value.value)})"
        if name == "languageIn":
            tags = [i.value for i in g.items(value)]
            matches = " || ".join(f"langMatches(lang({x}), {sparql_string(t)})" for t in tags) or "false"
            return f"!(isLiteral({x}) && ({matches}))"
        if name == "in":
            members = " || ".join(f"sameTerm({x}, {term_text(i)})" for i in g.items(value)) or "false"
            return f"!({members})"
        if name == "hasValue":
            return f"!sameTerm({x}, {term_text(value)})"
        if name == "class":
            return f"NOT EXISTS {self.instance(x, value, bound=True)}"
        if name in COMPARISONS:
            return f"!COALESCE({x} {COMPARISONS[name]} {term_text(value)}, false)"
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
        raise UnsupportedError(f"sh:{name}")

    # ------------------------------------------------------------------ nested shapes

    def conforms(self, x: str, shape: Term) -> str:
        """Expression: the node ``x`` conforms to ``shape`` (used for nested shapes)."""
        params = self.g.sh(shape)
        if self.is_true(shape, "deactivated"):
            return "true"
        parts: list[str] = []
        for name in sorted(set(params) - NON_CONSTRAINTS - TARGETS):
            if name not in VALUE_PARAMS | PATH_PARAMS:
                raise UnsupportedError(f"sh:{name} in a nested shape")
        path = params.get("path", [None])[0]
        if path is None:
            for name in sorted(set(params) & VALUE_PARAMS):
                parts += [f"!{self.value_violation(shape, name, v, x)}" for v in params[name]]
            if set(params) & PATH_PARAMS:
                raise UnsupportedError(f"{sorted(set(params) & PATH_PARAMS)} without sh:path")
        else:
            p = self.path(path)
            parts += self.nested_path_checks(shape, params, x, p)
        for child in params.get("property", []):
            parts.append(self.conforms(x, child))
        if "sparql" in params:
            raise UnsupportedError("sh:sparql in a nested shape")
        return "(" + (" && ".join(parts) or "true") + ")"

    def distinct_values(self, x: str, p: str, n: int) -> str:
        """A group pattern: ``x`` has at least ``n`` distinct values along ``p``."""
        if n > 4:
            raise UnsupportedError(f"a nested count of {n}")
        vs = [self.var() for _ in range(n)]
        pattern = " . ".join(f"{x} {p} {v}" for v in vs)
        diff = " && ".join(f"!sameTerm({a}, {b})" for i, a in enumerate(vs) for b in vs[i + 1 :])
        return f"{{ {pattern} {f'FILTER({diff})' if diff else ''} }}"

    def nested_path_checks(self, shape: Term, params: dict[str, list[Term]], x: str, p: str) -> list[str]:
        parts: list[str] = []
        for name, values in sorted(params.items()):
            for v in values:
                if name == "minCount" and int(v.value) > 0:
                    parts.append(f"EXISTS {self.distinct_values(x, p, int(v.value))}")
                elif name == "maxCount":
                    parts.append(f"NOT EXISTS {self.distinct_values(x, p, int(v.value) + 1)}")
                elif name == "hasValue":
                    parts.append(f"EXISTS {{ {x} {p} {term_text(v)} }}")
                elif name == "datatype" and v.value in INTEGER_FAMILY:
                    raise UnsupportedError("sh:datatype with an integer type in a nested shape")
                elif name in VALUE_PARAMS:
                    y = self.var()
                    parts.append(f"NOT EXISTS {{ {x} {p} {y} FILTER({self.value_violation(shape, name, v, y)}) }}")
                elif name in ("disjoint", "lessThan", "lessThanOrEquals"):
                    y, z = self.var(), self.var()
                    parts.append(f"NOT EXISTS {{ {self.pair_violation(name, v, x, p, y, z)} }}")
                elif name in PATH_PARAMS and name != "minCount":
                    raise UnsupportedError(f"sh:{name} in a nested shape")
        return parts

    def pair_violation(self, name: str, other: Term, x: str, p: str, y: str, z: str) -> str:
        """Group pattern binding ``y`` to a value of ``p`` that violates a property pair constraint."""
        q = term_text(other)
        if name == "disjoint":
            return f"{x} {p} {y} . {x} {q} {y}"
        op = "<" if name == "lessThan" else "<="
        return f"{x} {p} {y} . {x} {q} {z} FILTER(!COALESCE({y} {op} {z}, false))"

    # ------------------------------------------------------------------ top-level shapes

    def target_group(self, shape: Term, targets: list[tuple[str, Term]]) -> str:
        groups = []
        for kind, t in targets:
            if kind == "targetClass":
                groups.append(self.instance("?this", t))
            elif kind == "targetNode":
                groups.append(f"{{ BIND({term_text(t)} AS ?this) }}")
            elif kind == "targetSubjectsOf":
                groups.append(f"{{ ?this {term_text(t)} {self.var('o')} }}")
            elif kind == "targetObjectsOf":
                groups.append(f"{{ {self.var('s')} {term_text(t)} ?this }}")
        return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(groups) + " } }"

    def shape_query(self, shape: Term, targets: list[tuple[str, Term]]) -> ShapeQuery | None:
        g = self.g
        params = g.sh(shape)
        severity = g.value(shape, SH + "severity") or ox.NamedNode(SH + "Violation")
        q = ShapeQuery(shape, severity.value, self.message(shape), "")
        tgt = self.target_group(shape, targets)
        branches: list[str] = []

        def add(component: str, body: str, template: str | None = None, *, with_targets: bool = True) -> None:
            k = len(q.branches)
            q.branches.append((component, template))
            branches.append(f"{{ {tgt if with_targets else ''} {body} BIND({k} AS ?branch) }}")

        for name in sorted(set(params) - NON_CONSTRAINTS - {"sparql"}):
            if name not in VALUE_PARAMS | PATH_PARAMS:
                self.note(shape, f"sh:{name} is not supported (shape not compiled)")
                return None
        path = params.get("path", [None])[0]
        try:
            if path is None:
                if set(params) & PATH_PARAMS:
                    raise UnsupportedError(f"{sorted(set(params) & PATH_PARAMS)} without sh:path")
                for name in sorted(set(params) & VALUE_PARAMS):
                    for v in params[name]:
                        add(
                            component(name),
                            f"BIND(?this AS ?value) FILTER({self.value_violation(shape, name, v, '?this')})",
                        )
            else:
                q.path = path
                self.property_branches(shape, params, self.path(path), path, add)
            for constraint in params.get("sparql", []):
                self.sparql_branch(shape, constraint, tgt, add, property_shape=path is not None)
        except UnsupportedError as exc:
            self.note(shape, f"{exc} (shape not compiled)")
            return None
        if not branches:
            return None
        q.text = "SELECT * WHERE {\n  " + "\n  UNION\n  ".join(branches) + "\n}"
        return q

    def property_branches(
        self, shape: Term, params: dict[str, list[Term]], p: str, path: Term, add: Callable[..., None]
    ) -> None:
        for name, values in sorted(params.items()):
            for v in values:
                if name == "minCount":
                    n = int(v.value)
                    if n == 1:
                        add(component(name), f"FILTER NOT EXISTS {{ ?this {p} {self.var()} }}")
                    elif n > 1:
                        y, c = self.var(), self.var("c")
                        count = (
                            f"{{ SELECT ?this (COUNT(DISTINCT {y}) AS {c}) WHERE {{ ?this {p} {y} }} GROUP BY ?this }}"
                        )
                        add(component(name), f"OPTIONAL {count} FILTER(COALESCE({c}, 0) < {n})")
                elif name == "maxCount":
                    n = int(v.value)
                    y = self.var()
                    if n == 0:
                        add(component(name), f"FILTER EXISTS {{ ?this {p} {y} }}")
                    else:
                        having = f"GROUP BY ?this HAVING (COUNT(DISTINCT {y}) > {n})"
                        add(component(name), f"{{ SELECT ?this WHERE {{ ?this {p} {y} }} {having} }}")
                elif name == "datatype":
                    self.datatype_branches(path, p, v, add)
                elif name in VALUE_PARAMS:
                    add(component(name), f"?this {p} ?value FILTER({self.value_violation(shape, name, v, '?value')})")
                elif name in ("disjoint", "lessThan", "lessThanOrEquals"):
                    add(component(name), self.pair_violation(name, v, "?this", p, "?value", self.var()))
                elif name == "equals":
                    q = term_text(v)
                    add(
                        component(name),
                        f"{{ ?this {p} ?value FILTER NOT EXISTS {{ ?this {q} ?value }} }} UNION "
                        f"{{ ?this {q} ?value FILTER NOT EXISTS {{ ?this {p} ?value }} }}",
                    )
                elif name == "uniqueLang":
                    if v.value in ("true", "1"):
                        y = self.var()
                        add(
                            component(name),
                            f'?this {p} ?value . ?this {p} {y} FILTER(lang(?value) != "" && '
                            f"lang(?value) = lang({y}) && !sameTerm(?value, {y}))",
                        )
                elif name == "qualifiedValueShape":
                    self.qualified_branches(shape, params, p, v, add)

    def datatype_branches(self, path: Term, p: str, dt: Term, add: Callable[..., None]) -> None:
        if not (isinstance(dt, ox.NamedNode) and dt.value in INTEGER_FAMILY):
            # an integer-family value is stored as xsd:integer, which is not ``dt`` either: no side table needed
            violation = self.datatype_violation("?value", dt, lexical_side_table=False)
            add(component("datatype"), f"?this {p} ?value FILTER({violation})")
            return
        predicates = self.simple_predicates(path)
        if predicates is None:
            raise UnsupportedError(f"sh:datatype {dt.value} on a complex path (lexical side table)")
        self.needs_lexical = True
        alt = "(" + "|".join(f"<{x}>" for x in predicates) + ")"
        stored = f"?this {p} ?value FILTER({self.datatype_violation('?value', dt, lexical_side_table=True)})"
        lexical = f"GRAPH <{LEXICAL_GRAPH}> {{ ?this {alt} ?value }} FILTER({self.lexical_violation('?value', dt)})"
        add(component("datatype"), f"{{ {stored} }} UNION {{ {lexical} }}")

    def qualified_branches(
        self, shape: Term, params: dict[str, list[Term]], p: str, qshape: Term, add: Callable[..., None]
    ) -> None:
        if self.is_true(shape, "qualifiedValueShapesDisjoint"):
            raise UnsupportedError("sh:qualifiedValueShapesDisjoint")
        y, c = self.var("q"), self.var("c")
        ok = self.conforms(y, qshape)
        if "qualifiedMinCount" in params:
            n = self.int_param(shape, "qualifiedMinCount")
            if n == 1:
                add("QualifiedMinCount", f"FILTER NOT EXISTS {{ ?this {p} {y} FILTER({ok}) }}")
            elif n > 1:
                values = f"?this {p} {y} FILTER({ok})"
                count = f"{{ SELECT ?this (COUNT(DISTINCT {y}) AS {c}) WHERE {{ {values} }} GROUP BY ?this }}"
                add("QualifiedMinCount", f"OPTIONAL {count} FILTER(COALESCE({c}, 0) < {n})")
        if "qualifiedMaxCount" in params:
            n = self.int_param(shape, "qualifiedMaxCount")
            y2 = self.var("q")
            ok2 = self.conforms(y2, qshape)
            having = f"GROUP BY ?this HAVING (COUNT(DISTINCT {y2}) > {n})"
            add("QualifiedMaxCount", f"{{ SELECT ?this WHERE {{ ?this {p} {y2} FILTER({ok2}) }} {having} }}")

    def sparql_branch(
        self, shape: Term, constraint: Term, tgt: str, add: Callable[..., None], *, property_shape: bool
    ) -> None:
        g = self.g
        if self.is_true(constraint, "deactivated"):
            return
        select = self.literal_text(g.value(constraint, SH + "select"))
        if select is None:
            raise UnsupportedError("sh:sparql without sh:select (ASK-based validators are not supported)")
        if property_shape:
            raise UnsupportedError("sh:sparql on a property shape ($PATH)")
        if re.search(r"[?$](currentShape|shapesGraph|PATH)\b", select):
            raise UnsupportedError("sh:select uses $currentShape, $shapesGraph or $PATH")
        if len(re.findall(r"\bSELECT\b", select, re.IGNORECASE)) > 1:
            raise UnsupportedError("sh:select with a nested SELECT ($this would not be pre-bound inside it)")
        if re.search(r"\b(MINUS|VALUES|SERVICE)\b", select, re.IGNORECASE):
            raise UnsupportedError("sh:select with MINUS, VALUES or SERVICE (not allowed by SHACL-SPARQL)")
        for holder in g.objects(constraint, SH + "prefixes"):
            for decl in g.objects(holder, SH + "declare"):
                prefix = self.literal_text(g.value(decl, SH + "prefix"))
                ns = self.literal_text(g.value(decl, SH + "namespace"))
                if prefix is None or ns is None:
                    raise UnsupportedError(f"malformed sh:declare {decl}")
                if self.prefixes.get(prefix, ns) != ns:
                    raise UnsupportedError(f"prefix {prefix}: declared with two namespaces")
                self.prefixes[prefix] = ns
        select, notes = chain_exists(select)
        self.notes += [f"{shape}: {n}" for n in notes]
        where = re.search(r"\bWHERE\s*\{", select, re.IGNORECASE) or re.search(r"\{", select)
        if where is None:
            raise UnsupportedError("sh:select without a WHERE clause")
        injected = select[: where.end()] + f" {tgt} " + select[where.end() :]
        template = self.message(constraint) or self.message(shape)
        add("SPARQL", f"{{ {injected.strip()} }}", template, with_targets=False)

    # ------------------------------------------------------------------ the whole shapes graph

    def compile(self) -> Compiled:
        g = self.g
        shape_types = {ox.NamedNode(SH + "NodeShape"), ox.NamedNode(SH + "PropertyShape")}
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
                self.note(s, "sh:target (SPARQL-based targets) is not supported")
            is_class = ox.NamedNode(RDFS + "Class") in g.objects(s, RDF + "type") or ox.NamedNode(
                OWL + "Class"
            ) in g.objects(s, RDF + "type")
            if is_class and shape_types & set(g.objects(s, RDF + "type")):
                own.append(("targetClass", s))  # implicit class target
            if own:
                add_targets(s, own)
        for s in list(order):
            for child in g.objects(s, SH + "property"):
                if not self.is_true(child, "deactivated"):
                    add_targets(child, targets[s])
                    if g.objects(child, SH + "property"):
                        self.note(child, "sh:property on a property shape (nested paths) is not supported")
        queries = []
        for s in order:
            q = self.shape_query(s, targets[s])
            if q is not None:
                queries.append(q)
        prefixes = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(self.prefixes.items()))
        for q in queries:
            q.text = prefixes + q.text
        return Compiled(queries, self.unsupported, self.needs_lexical, self.inference, self.notes)


# ----------------------------------------------------------------------------------- EXISTS chains

IRI = re.compile(r"<[^<>\"{}|^`\\\s]*>")
TERM = re.compile(
    r"""(?P<iri><[^<>"{}|^`\\\s]*>)|(?P<str>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')(?:@[A-Za-z0-9-]+|\^\^[^\s.;,]+)?"""
    r"""|(?P<var>[?$][A-Za-z_][A-Za-z0-9_]*)|(?P<punct>[.;,])|(?P<word>[^\s.;,{}()\[\]"'<>#]+)"""
)


def skip_string(text: str, i: int) -> int:
    """Index of the quote closing the string that starts at ``i``."""
    quote, j = text[i], i + 1
    while text[j] != quote:
        j += 2 if text[j] == "\\" else 1
    return j


def balanced(text: str, start: int, open_: str, close: str) -> int:
    """Index just after the bracket that closes the one at ``start`` (strings, IRIs, comments skipped)."""
    depth, i = 0, start
    while i < len(text):
        ch = text[i]
        if ch in "\"'":
            i = skip_string(text, i)
        elif ch == "<" and (m := IRI.match(text, i)):
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


def group_tokens(body: str) -> list[tuple[str, str]] | None:
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
            end = balanced(body, opening, "(", ")")
            expr = body[opening:end]
            if re.search(r"\bEXISTS\b", expr, re.IGNORECASE):
                return None
            out.append(("filter", f"FILTER{expr}"))
            pos = end
            continue
        m = TERM.match(body, pos)
        if m is None or m.group(0) == "" or (m.group("word") or "").upper() in ("OPTIONAL", "UNION", "BIND", "GRAPH"):
            return None
        out.append(("punct" if m.group("punct") else "term", m.group(0)))
        pos = m.end()


def parse_bgp(body: str) -> tuple[list[str], list[str]] | None:
    """The triple patterns and FILTERs of a group made only of those (None for anything else)."""
    toks = group_tokens(body)
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


SEQUENCE = re.compile(r"^[^\s/^*+?|()!]+(/[^\s/^*+?|()!]+)+$")


def expand_sequences(triples: list[str], filters: list[str]) -> tuple[list[str], list[str]]:
    """``s p1/p2 o`` -> ``s p1 ?_seqN . ?_seqN p2 o`` (a sequence path of plain predicates)."""
    out: list[str] = []
    for t in triples:
        subject, predicate, obj = t.split(" ", 2)
        if not SEQUENCE.match(predicate):
            out.append(t)
            continue
        steps = predicate.split("/")
        nodes = [subject] + [f"?_seq{len(out)}_{k}" for k in range(len(steps) - 1)] + [obj]
        out += [f"{nodes[k]} {step} {nodes[k + 1]}" for k, step in enumerate(steps)]
    return out, filters


def is_bound(term: str, bound: set[str]) -> bool:
    return not term.startswith(("?", "$")) or term[1:] in bound


def chain_order(triples: list[str], outside: set[str]) -> list[str]:
    """Order triple patterns so that each one starts from terms already bound (subject first)."""
    bound = set(outside)
    order: list[str] = []
    rest = list(triples)
    while rest:
        scores = []
        for k, t in enumerate(rest):
            subject, _, obj = t.split(" ", 2)
            scores.append((2 * is_bound(subject, bound) + is_bound(obj, bound), -k))
        best = rest.pop(scores.index(max(scores)))
        order.append(best)
        bound |= set(re.findall(r"[?$]([A-Za-z_]\w*)", best))
    return order


def chain_exists(query: str) -> tuple[str, list[str]]:
    """Rewrite each ``EXISTS { t1 . t2 ... FILTER(f) }`` of plain triple patterns into nested EXISTS.

    ``EXISTS { t1 . t2 . t3 FILTER(f) }`` means the same as ``EXISTS { t1 FILTER EXISTS { t2 FILTER
    EXISTS { t3 FILTER(f) } } }``. The chain starts from a pattern that uses a variable bound outside
    the group and continues along shared variables, so each step is an index lookup. pyoxigraph 0.5
    plans an EXISTS group without knowing which variables are bound outside it (oxigraph issues
    #885, #1951) and may scan a whole predicate per outer row: quadratic time.
    """
    notes: list[str] = []
    out, pos = [], 0
    for m in re.finditer(r"\bEXISTS\s*\{", query, re.IGNORECASE):
        if m.start() < pos:
            continue
        open_at = m.end() - 1
        close_at = balanced(query, open_at, "{", "}")
        body = query[open_at + 1 : close_at - 1]
        parsed = parse_bgp(body)
        if parsed is None:
            notes.append("an EXISTS group was not rewritten (not plain triple patterns): may scale badly")
            continue
        triples, filters = expand_sequences(*parsed)
        if len(triples) < 2:
            continue
        outside = set(re.findall(r"[?$]([A-Za-z_]\w*)", query[:open_at] + query[close_at:]))
        order = chain_order(triples, outside)
        inner = f"{order[-1]} {' '.join(filters)}"
        for t in reversed(order[:-1]):
            inner = f"{t} FILTER EXISTS {{ {inner} }}"
        out.append(query[pos : open_at + 1] + f" {inner} ")
        pos = close_at - 1
        notes.append(f"EXISTS group of {len(triples)} triple patterns chained: {' -> '.join(order)}")
    out.append(query[pos:])
    return "".join(out), notes


def component(name: str) -> str:
    return name[0].upper() + name[1:]


def compile_shapes(shapes: str | Path | bytes, *, inference: str = "rdfs") -> Compiled:
    """Compile a Turtle shapes graph (a file path, or its text as bytes)."""
    if isinstance(shapes, bytes):
        quads = ox.parse(shapes, format=ox.RdfFormat.TURTLE)
    else:
        quads = ox.parse(path=str(shapes), format=ox.RdfFormat.TURTLE)
    return Compiler(Graph(quads), inference=inference).compile()


# ----------------------------------------------------------------------------------- running


def rdf_format(path: Path) -> ox.RdfFormat:
    return {".nt": ox.RdfFormat.N_TRIPLES, ".nq": ox.RdfFormat.N_QUADS, ".trig": ox.RdfFormat.TRIG}.get(
        path.suffix, ox.RdfFormat.TURTLE
    )


def lexical_copies(path: Path) -> Iterator[ox.Quad]:
    """The side-table copies of the integer-family literals of one file.

    For N-Triples / N-Quads only the lines that name an integer datatype are parsed (one triple per
    line); other formats are parsed in full, which costs a Python-level pass over every triple.
    """
    fmt = rdf_format(path)
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
        quads = ox.parse(b"\n".join(lines), format=fmt)
    else:
        quads = ox.parse(path=str(path), format=fmt)
    graph = ox.NamedNode(LEXICAL_GRAPH)
    for q in quads:
        o = q.object
        if isinstance(o, ox.Literal) and o.datatype.value in INTEGER_FAMILY:
            lexical = ox.Literal(o.value, datatype=ox.NamedNode(LEXICAL_DT + o.datatype.value))
            yield ox.Quad(q.subject, q.predicate, lexical, graph)


def load_store(files: Sequence[Path], *, lexical: bool = True, store: ox.Store | None = None) -> ox.Store:
    """An in-memory store with the files in its default graph (and the lexical side table)."""
    store = store if store is not None else ox.Store()
    for f in files:
        store.load(path=str(f), format=rdf_format(Path(f)), base_iri=Path(f).resolve().as_uri())
        if lexical:
            store.extend(list(lexical_copies(Path(f))))
    return store


def get(row: ox.QuerySolution, name: str) -> Term | None:
    try:
        return row[name]  # type: ignore[no-any-return]
    except (KeyError, IndexError, TypeError, ValueError):
        return None


def substitute(template: str, row: ox.QuerySolution) -> str:
    def repl(m: re.Match[str]) -> str:
        v = get(row, m.group(1))
        return m.group(0) if v is None else (v.value if not isinstance(v, ox.BlankNode) else str(v))

    return re.sub(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}", repl, template)


def run_query(store: ox.Store, q: ShapeQuery) -> list[Result]:
    out: dict[tuple[object, ...], Result] = {}
    for row in store.query(q.text):
        k = int(row["branch"].value)
        comp, template = q.branches[k]
        focus = row["this"]
        value = get(row, "value")
        if comp == "SPARQL":
            value = value if value is not None else focus
            path = get(row, "path")
            message = substitute(template, row) if template else ""
        else:
            path, message = q.path, q.message or ""
        if isinstance(value, ox.Literal) and value.datatype.value.startswith(LEXICAL_DT):  # a side-table copy
            value = ox.Literal(value.value, datatype=ox.NamedNode(value.datatype.value[len(LEXICAL_DT) :]))
        r = Result(focus, q.shape, q.severity, comp, path, value, message)
        out.setdefault((r.focus, r.component, r.path, r.value), r)
    return list(out.values())


def validate_store(
    store: ox.Store,
    compiled: Compiled,
    *,
    allow_unsupported: bool = False,
    progress: Callable[[ShapeQuery, int, float], None] | None = None,
) -> list[Result]:
    """Run every compiled query; refuse (UnsupportedError) if a feature could not be compiled."""
    problems = list(compiled.unsupported)
    if compiled.inference == "rdfs" and store.query(f"ASK {{ ?a <{RDFS}subPropertyOf> ?b }}"):
        problems.append("data: rdfs:subPropertyOf entailment (RDFS rule rdfs7) is not compiled")
    if problems and not allow_unsupported:
        raise UnsupportedError("; ".join(problems))
    results: list[Result] = []
    for q in compiled.queries:
        started = time.perf_counter()
        rows = run_query(store, q)
        results += rows
        if progress is not None:
            progress(q, len(rows), time.perf_counter() - started)
    return results


def main(argv: list[str] | None = None) -> int:
    root = Path(__file__).resolve().parents[2]
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", nargs="*", type=Path, help="data files (default: ontology/knowledge.ttl)")
    ap.add_argument("--shapes", type=Path, default=root / "ontology" / "shapes.ttl")
    ap.add_argument("--tbox", type=Path, default=root / "ontology" / "spasmkg.ttl")
    ap.add_argument("--show", action="store_true", help="print the compiled queries and exit")
    ap.add_argument("--inference", choices=("rdfs", "none"), default="rdfs")
    ap.add_argument("--timing", action="store_true", help="print one line per query on stderr")
    args = ap.parse_args(argv)
    started = time.perf_counter()
    compiled = compile_shapes(args.shapes, inference=args.inference)
    compiled_at = time.perf_counter()
    if args.show:
        for q in compiled.queries:
            print(f"# {q.shape} ({', '.join(c for c, _ in q.branches)})\n{q.text}\n")
        for u in compiled.unsupported:
            print(f"# UNSUPPORTED {u}")
        return 0
    files = [args.tbox, *(args.data or [root / "ontology" / "knowledge.ttl"])]
    store = load_store(files, lexical=compiled.needs_lexical)
    loaded = time.perf_counter()

    def progress(q: ShapeQuery, n: int, secs: float) -> None:
        if args.timing:
            print(f"  {secs:7.3f} s  {n:6d} result(s)  {q.shape}", file=sys.stderr)

    results = validate_store(store, compiled, progress=progress)
    done = time.perf_counter()
    for r in sorted(results, key=lambda r: (r.severity, str(r.shape), str(r.focus))):
        print(f"{r.severity.removeprefix(SH)}\t{r.shape}\t{r.focus}\t{r.path or ''}\t{r.value or ''}\t{r.message[:80]}")
    print(
        f"{len(results)} result(s); compile {compiled_at - started:.3f} s, load {loaded - compiled_at:.3f} s "
        f"({len(store)} quads), validate {done - loaded:.3f} s",
        file=sys.stderr,
    )
    return 1 if any(r.severity == SH + "Violation" for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
