"""The public API as a user sees it: names, completion (``dir``) and types (mypy on a user's file)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import spasmkg

PUBLIC = ["load", "query", "sparql", "show", "search", "stats", "validate", "to_networkx", "resolve"]


def test_public_names_are_listed_and_completed() -> None:
    for name in PUBLIC:
        assert name in spasmkg.__all__
        assert name in dir(spasmkg), f"{name} is missing from dir(spasmkg): notebook completion would not show it"
        assert callable(getattr(spasmkg, name))


def test_errors_have_a_public_home() -> None:
    from spasmkg import errors

    assert spasmkg.InputError is errors.InputError
    assert issubclass(errors.UnknownTerm, errors.InputError)
    assert issubclass(errors.QueryMemoryExceeded, errors.QueryTimeout)
    assert all(issubclass(getattr(errors, n), (errors.SpasmkgError, KeyboardInterrupt)) for n in errors.__all__)


def _mypy(tmp_path: Path, code: str) -> subprocess.CompletedProcess[str]:
    user = tmp_path / "user_code.py"
    user.write_text(textwrap.dedent(code))
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", "--strict", "--follow-imports=silent", str(user)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=600,
    )


@pytest.mark.slow
def test_a_users_code_type_checks_and_mistakes_are_caught(tmp_path: Path) -> None:
    """mypy sees real signatures: correct use passes under --strict, and a wrong use fails (no ``object``/``Any``)."""
    good = _mypy(
        tmp_path,
        """
        import spasmkg

        result: spasmkg.Result = spasmkg.query("contraindicated-while-driving")
        rows: list[dict[str, object]] = result.rows
        page: spasmkg.Concept = spasmkg.show("back muscle spasm")
        label: str = page["label"]
        numbers: spasmkg.Stats = spasmkg.stats()
        triples: int = numbers["triples"]
        hits: list[spasmkg.Match] = spasmkg.search("numbness")
        iri: str = spasmkg.resolve("heat therapy")
        """,
    )
    assert good.returncode == 0, good.stdout + good.stderr
    bad = _mypy(
        tmp_path,
        """
        import spasmkg

        label: int = spasmkg.show("back muscle spasm")["label"]
        spasmkg.query(42)
        """,
    )
    assert bad.returncode == 1, bad.stdout
    assert 'Incompatible types in assignment (expression has type "str", variable has type "int")' in bad.stdout
    assert 'Argument 1 to "query" has incompatible type "int"' in bad.stdout
