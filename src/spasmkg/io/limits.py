"""Size limits on inputs and queries (one place, so the README and the checks agree)."""

from __future__ import annotations

__all__ = ["MAX_INPUT_BYTES", "MAX_QUERY_MEMORY_GROWTH", "MAX_VALIDATE_BYTES"]

#: Largest RDF input file accepted (bytes). The 0.5 M-triple benchmark graph is ~70 MB.
MAX_INPUT_BYTES = 200 * 1024 * 1024

#: How much a single query may grow the process's memory (resident set) before it is stopped.
MAX_QUERY_MEMORY_GROWTH = 2 * 1024 * 1024 * 1024

#: Largest file ``validate --data`` accepts (bytes): SHACL with RDFS inference and the OWL
#: reasoner take minutes per megabyte, so a bigger file is refused at once instead of hanging.
MAX_VALIDATE_BYTES = 8 * 1024 * 1024
