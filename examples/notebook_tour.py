"""A worked example of the Python API, as a researcher would use it in a notebook.

Run: python examples/notebook_tour.py   (executed end to end by tests/test_api.py)
Not medical advice.
"""

import spasmkg

# 1. Named queries return rows of plain Python values.
driving = spasmkg.query("contraindicated-while-driving")
print("Do not drive while taking:")
for row in driving.rows:
    print(f"  - {row['treatmentLabel']}  (because: {row['quote']})")

# 2. Parameters accept labels and synonyms; they are bound as RDF terms, never pasted into SPARQL.
for row in spasmkg.query("treatments-for", concept="heavy lifting").rows[:5]:
    print(f"heavy lifting -> {row['forLabel']} -> {row['treatmentLabel']}")

# 3. Ad-hoc SPARQL (read-only); every project prefix is predeclared.
flags = spasmkg.sparql("""
    SELECT ?label WHERE { ?f a spasmkg:RedFlag ; spasmkg:hasUrgency spasmkg:ImmediateCare ; rdfs:label ?label }
    ORDER BY ?label""")
print("Seek immediate care for:", ", ".join(r["label"] for r in flags.rows))

# 4. A pandas DataFrame when the 'pandas' extra is installed.
try:
    print(spasmkg.query("self-care-timing").to_dataframe()[["aboutLabel", "kind", "min", "max", "unit"]])
except Exception as exc:  # pandas not installed
    print("pandas not available:", exc)

# 5. The graph as networkx, with evidence on every edge.
g = spasmkg.to_networkx()
print(f"network: {g.number_of_nodes()} concepts, {g.number_of_edges()} evidenced edges")

# 6. The full rdflib graph for anything else (SHACL, merging with HPO/MONDO graphs, ...).
rdf = spasmkg.load()
print(f"rdflib graph: {len(rdf)} triples")
print("Not medical advice.")
