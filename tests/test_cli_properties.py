"""Property-based tests of the command line: whatever the arguments, labels, parameter values,
query text or input file, spasmkg answers with exit code 0, 1 or 2 and never a traceback.

The contract (``spasmkg.cli.main``): a command may only raise SpasmkgError, click.ClickException
or click.exceptions.Exit (each becomes one ``error:`` line and an exit code); any other
exception is what a user would see as a traceback. Most examples run in process (fast); a few
go through ``python -m spasmkg`` to check the real stderr. Examples are derandomized, so every
run tries the same inputs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import traceback
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spasmkg.cli import cli
from spasmkg.engine import catalog
from spasmkg.errors import NetworkRefused, SpasmkgError
from spasmkg.io import guards

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def invoke(args: list[str]) -> tuple[int, str, str]:
    """Run the CLI in process like ``spasmkg.cli.main`` does, minus ``os._exit``; fail on a traceback."""
    with guards.network_guard():
        res = CliRunner().invoke(cli, args, standalone_mode=False, catch_exceptions=True)
    exc = res.exception
    if exc is None:
        code = res.return_value if isinstance(res.return_value, int) else 0
        return code, res.stdout, res.stderr
    assert not isinstance(exc, NetworkRefused), f"{args!r} tried to open a network connection: {exc}"
    if isinstance(exc, SpasmkgError):
        msg = str(exc)
        assert msg and "\n" not in msg.strip(), f"{args!r}: error message is not one line: {msg!r}"
        return exc.exit_code, res.stdout, msg
    if isinstance(exc, click.ClickException):
        return (2 if exc.exit_code not in (0, 1) else exc.exit_code), res.stdout, exc.format_message()
    if isinstance(exc, click.exceptions.Exit):
        return exc.exit_code, res.stdout, ""
    tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    raise AssertionError(f"spasmkg {args!r} raised {type(exc).__name__}, a traceback for the user:\n{tb}")


# The commands cheap enough to hit at random (validate, export, reason, network and draw do
# real work on the whole graph; they get targeted properties below).
FAST_COMMANDS = ["queries", "query", "sparql", "search", "show", "explain", "stats"]
NAMES = sorted(catalog.named_queries())
PARAMS = sorted({p.name for q in catalog.named_queries().values() for p in q.params})
HOSTILE = [
    'x" } ; DROP ALL ; #',
    "<http://evil> . ?s ?p ?o",
    "SERVICE <http://127.0.0.1:9/> { ?s ?p ?o }",
    "'; DELETE WHERE { ?s ?p ?o } #",
    "\\u0022",
    "%00",
    "\x00",
    "\u202e\u0000\ufeff",
    "é" * 3,
    "../../etc/passwd",
    "-",
    "--",
    "=",
    "==",
    "",
    " ",
    "\n",
    "nan",
    "inf",
    "-1",
    "0",
    "99999999999999999999",
]
OPTIONS = [
    "--format",
    "-F",
    "json",
    "csv",
    "tsv",
    "markdown",
    "table",
    "text",
    "--limit",
    "--no-limit",
    "--timeout",
    "--param",
    "-p",
    "--data",
    "-f",
    "--help",
    "-h",
    "--version",
    "--all",
]

texts = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)
hostile_text = st.one_of(st.sampled_from(HOSTILE), texts)
token = st.one_of(
    st.sampled_from(FAST_COMMANDS + OPTIONS + NAMES + HOSTILE),
    st.builds(lambda k, v: f"{k}={v}", st.sampled_from(PARAMS), hostile_text),
    texts,
)


@SETTINGS
@given(st.lists(token, max_size=7))
def test_random_arguments(args: list[str]) -> None:
    if args and args[0] not in FAST_COMMANDS and not args[0].startswith("-"):
        args = ["queries", *args]
    args = [a for a in args if a not in ("validate", "export", "reason", "network", "draw")]
    code, _, _ = invoke(args)
    assert code in (0, 1, 2), (args, code)


@SETTINGS
@given(st.sampled_from(FAST_COMMANDS), st.lists(token, max_size=6))
def test_random_arguments_after_a_command(command: str, rest: list[str]) -> None:
    code, _, _ = invoke([command, *rest])
    assert code in (0, 1, 2), ([command, *rest], code)


@SETTINGS
@given(
    st.sampled_from([(q.name, p.name) for q in catalog.named_queries().values() for p in q.params]),
    hostile_text,
    st.sampled_from(["table", "json", "csv", "markdown"]),
)
def test_parameter_values(pair: tuple[str, str], value: str, fmt: str) -> None:
    name, param = pair
    q = catalog.get(name)
    args = ["query", name, "-F", fmt, "-p", f"{param}={value}"]
    for other in q.params:
        if other.required and other.name != param:
            args += ["-p", f"{other.name}={other.example}"]
    code, _, err = invoke(args)
    assert code in (0, 2), (args, code, err)
    ptype = q.param(param).type  # type: ignore[union-attr]
    if code == 2 and ptype != "string":
        assert "match" in err or "ambiguous" in err or "empty" in err, err


@SETTINGS
@given(hostile_text, st.sampled_from(["search", "show"]))
def test_labels(text: str, command: str) -> None:
    code, _, err = invoke([command, text])
    assert code in (0, 2), (command, text, err)


@SETTINGS
@given(hostile_text, hostile_text, hostile_text)
def test_explain_terms(a: str, b: str, c: str) -> None:
    code, _, err = invoke(["explain", a, b, c])
    assert code in (0, 2), (a, b, c, err)


FRAGMENTS = [
    "SELECT",
    "ASK",
    "CONSTRUCT",
    "DESCRIBE",
    "*",
    "?s",
    "?p",
    "?o",
    "WHERE",
    "{",
    "}",
    ".",
    ";",
    "(",
    ")",
    "FILTER",
    "OPTIONAL",
    "UNION",
    "MINUS",
    "LIMIT 3",
    "rdfs:label",
    "skos:altLabel",
    "a",
    "owl:Class",
    "'x'",
    '"red"@en',
    "<http://x/y>",
    "<",
    ">",
    "#",
    "\n",
    "DROP ALL",
    "INSERT DATA",
    "SERVICE",
    "LOAD",
    "<<",
    ">>",
    "1",
    "1.5e3",
    "true",
    "BIND(1 AS ?x)",
    "VALUES ?v { 1 2 }",
    "GRAPH ?g",
]


@SETTINGS
@given(st.one_of(texts, st.lists(st.sampled_from(FRAGMENTS), max_size=14).map(" ".join)))
def test_sparql_text(text: str) -> None:
    code, _, err = invoke(["sparql", "--timeout", "5", "--limit", "50", text])
    assert code in (0, 2), (text, err)


@settings(SETTINGS, max_examples=25)
@given(
    st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.lists(st.sampled_from([*FRAGMENTS, "@prefix ex: <http://x/> .", "ex:a", "ex:b", "[", "]"]), max_size=20)
        .map(" ".join)
        .map(str.encode),
    ),
    st.sampled_from([".ttl", ".nt", ".nq", ".trig", ".rdf", ".owl", ".xml", ".jsonld", ".json", ".txt"]),
)
def test_data_files(tmp_path_factory: pytest.TempPathFactory, content: bytes, ext: str) -> None:
    f = tmp_path_factory.mktemp("data") / f"input{ext}"
    f.write_bytes(content)
    for args in (
        ["--data", str(f), "query", "risk-factors", "-F", "json"],
        ["validate", "--no-owl", "--no-cache", "--data", str(f)],
    ):
        code, _, err = invoke(args)
        assert code in (0, 1, 2), (args, content[:80], err)


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "spasmkg", *args],
        capture_output=True,
        text=True,
        env={**os.environ},
        timeout=120,
        check=False,
    )


@settings(SETTINGS, max_examples=6)
@given(st.sampled_from(FAST_COMMANDS), st.lists(st.one_of(st.sampled_from(OPTIONS + HOSTILE), texts), max_size=4))
def test_subprocess_never_prints_a_traceback(command: str, rest: list[str]) -> None:
    rest = [a.replace("\x00", "") for a in rest]  # argv cannot carry NUL bytes
    proc = _run([command, *rest])
    assert proc.returncode in (0, 1, 2), (command, rest, proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr, proc.stderr
    if proc.returncode == 2:
        lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
        assert lines and (lines[-1].startswith("error: ") or "Usage:" in proc.stderr), proc.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["sparql", "SELECT * WHERE { ?s ?p }"],
        ["query", "treatments-for", "-p", 'concept=x" } ; DROP ALL ; #'],
        ["--data", "/nonexistent.ttl", "query", "red-flags"],
        ["show", "\u202e"],
        ["query", "red-flags", "--timeout", "nan"],
        ["query", "red-flags", "--limit", "0"],
    ],
)
def test_subprocess_examples(args: list[str], tmp_path: Path) -> None:
    proc = _run(args)
    assert proc.returncode in (0, 2), (args, proc.stderr)
    assert "Traceback" not in proc.stderr, proc.stderr
