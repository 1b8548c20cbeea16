"""Run the stock ``kgx validate`` command with nothing fetched from the network.

Run it with the Python of a separate environment that has ``kgx`` and ``biolink-model`` (kgx pins
versions that clash with spasmkg's: ``bash .ci/services.sh install`` builds ``.ci-kgx-venv`` from
``.ci/kgx-constraints.txt``)::

    .ci-kgx-venv/bin/python tests/tools/kgx_validate_offline.py [--prefix P=IRI ...] -- \\
        -i tsv nodes.tsv edges.tsv

kgx's validator is not changed. Only its three downloads are replaced, each by a file from the
``biolink-model`` wheel on PyPI:

- bmt's ``Toolkit()`` reads ``biolink-model.yaml`` from GitHub (kgx builds one when it is imported):
  its default schema becomes the wheel's ``schema/biolink_model.yaml``;
- bmt also downloads ``predicate_mapping.yaml``, which the wheel does not ship and the validator does
  not read (it maps non-Biolink predicates for the RDF/OBO readers): an empty mapping is used;
- kgx reads the prefixes a node id may use from Biolink's JSON-LD context on GitHub (its config pins
  the 2.2.5 context): the wheel's ``prefixmaps/biolink-model-prefix-map.json`` for the same release
  as the schema is used instead, plus any ``--prefix P=IRI`` given (a project's own prefix, declared
  as a JSON-LD context would).

Every other connection attempt raises ``OSError`` and is printed, so a fetch cannot pass unseen.
"""

from __future__ import annotations

import json
import socket
import sys
from pathlib import Path
from typing import Any, NoReturn

ATTEMPTS: list[str] = []


def _refuse(*args: Any, **kwargs: Any) -> NoReturn:
    ATTEMPTS.append(repr(args[:2]))
    print(f"kgx_validate_offline: network refused: {args[:2]!r}", file=sys.stderr)
    raise OSError("network refused (offline kgx run)")


def main(argv: list[str]) -> None:
    if "--" not in argv:
        raise SystemExit("usage: kgx_validate_offline.py [--prefix P=IRI ...] -- <kgx validate arguments>")
    split = argv.index("--")
    ours, theirs = argv[:split], argv[split + 1 :]
    extra: dict[str, str] = {}
    while ours:
        flag, value, *ours = ours
        if flag != "--prefix" or "=" not in value:
            raise SystemExit(f"kgx_validate_offline: expected --prefix P=IRI, got {flag} {value}")
        prefix, iri = value.split("=", 1)
        extra[prefix] = iri

    socket.socket.connect = _refuse  # type: ignore[method-assign]
    socket.create_connection = _refuse
    socket.getaddrinfo = _refuse

    import biolink_model
    import bmt.toolkit

    root = Path(next(iter(biolink_model.__path__)))
    bmt.toolkit.Toolkit.__init__.__defaults__ = (
        str(root / "schema" / "biolink_model.yaml"),
        {"predicate mappings": []},
    )
    prefix_map = json.loads((root / "prefixmaps" / "biolink-model-prefix-map.json").read_text("utf-8"))

    import kgx.config

    kgx.config.get_config()
    kgx.config.jsonld_context_map["biolink"] = {**prefix_map, **extra}

    from kgx.cli import cli

    try:
        cli.main(args=["validate", *theirs], prog_name="kgx", standalone_mode=True)
    finally:
        if ATTEMPTS:
            print(f"kgx_validate_offline: {len(ATTEMPTS)} network attempt(s) refused", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
