"""Size limits on inputs and queries (one place, so the README and the checks agree)."""

from __future__ import annotations

__all__ = ["MAX_INPUT_BYTES", "MAX_QUERY_MEMORY_GROWTH"]

# validate's limits (64 MiB with the OWL check, 200 MiB without) are in spasmkg.check.validate and
# spasmkg.check.owl, next to the measurements behind them.

#: Largest RDF input file accepted (bytes). The 0.5 M-triple benchmark graph is ~70 MB.
MAX_INPUT_BYTES = 200 * 1024 * 1024

#: How much a single query may grow the process's memory (resident set) before it is stopped.
MAX_QUERY_MEMORY_GROWTH = 2 * 1024 * 1024 * 1024
