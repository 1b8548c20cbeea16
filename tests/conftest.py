"""Shared fixtures: the real shipped graph, the corpus, the repository root. No mocks."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: Tests that run HermiT need Java; without it they skip (the CLI then exits 2 with a hint at --no-owl).
needs_java = pytest.mark.skipif(
    shutil.which("java") is None and not os.environ.get("JAVA_HOME"), reason="HermiT needs Java (.ci/run installs it)"
)


@pytest.fixture(scope="session", autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep the tests' store/validate/reason caches out of the user's cache dir."""
    os.environ["SPASMKG_CACHE_DIR"] = str(tmp_path_factory.mktemp("spasmkg-cache"))


@pytest.fixture(scope="session")
def corpus() -> str:
    from spasmkg import resources

    return resources.corpus_text()


@pytest.fixture(scope="session")
def graph():
    import spasmkg

    return spasmkg.load()


def run_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m spasmkg`` in a subprocess (the real entry point, with its exit codes)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "spasmkg", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=full_env,
        timeout=timeout,
        check=False,
    )


def assert_one_line_error(proc: subprocess.CompletedProcess[str], code: int = 2) -> None:
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr


def sssom_errors(path: Path) -> list[str]:
    """What sssom-py's validators (JSON schema, prefix map, strict CURIEs) report on an SSSOM TSV file,
    read with the network guard on (nothing may be fetched)."""
    from sssom.constants import SchemaValidationType
    from sssom.parsers import parse_sssom_table
    from sssom.validators import validate

    from spasmkg.io.guards import network_guard

    with network_guard():
        msdf = parse_sssom_table(path)
        kinds = [
            SchemaValidationType.JsonSchema,
            SchemaValidationType.PrefixMapCompleteness,
            SchemaValidationType.StrictCurieFormat,
        ]
        report = validate(msdf, kinds, fail_on_error=False)
    return [str(r) for rep in report.values() for r in rep.results]
