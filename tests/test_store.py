"""The store behind every query (``spasmkg.engine.store``): the shipped graph in memory, big inputs
through the on-disk cache (built once, rebuilt when an input changes, safe when processes start
at once, never required), and the prefetch thread that opens the graph while the CLI starts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import run_cli

from spasmkg.engine import store

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s <http://example.org/p> ?o }"
N_BIG = 20_000


def _write_big(path: Path, n: int) -> Path:
    """A Turtle file over ``CACHE_THRESHOLD`` bytes with ``n`` triples on example.org/p."""
    pad = "x" * 40
    lines = [f'<http://example.org/s{i}> <http://example.org/p> "value {i} {pad}" .' for i in range(n)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert path.stat().st_size > store.CACHE_THRESHOLD
    return path


def _count(cache: Path, data: Path) -> int:
    proc = run_cli("--data", str(data), "sparql", COUNT, "-F", "json", env={"SPASMKG_CACHE_DIR": str(cache)})
    assert proc.returncode == 0, proc.stderr
    return int(json.loads(proc.stdout)["rows"][0]["n"])


def _stores(cache: Path) -> list[Path]:
    root = cache / "stores"
    return sorted(root.iterdir()) if root.is_dir() else []


def test_shipped_graph_is_read_into_memory_without_touching_the_cache(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    proc = run_cli("query", "red-flags", "-F", "json", env={"SPASMKG_CACHE_DIR": str(cache)})
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["rows"]
    assert not cache.exists()


def test_big_input_is_cached_once_and_rebuilt_when_it_changes(tmp_path: Path) -> None:
    cache, data = tmp_path / "cache", _write_big(tmp_path / "big.ttl", N_BIG)
    assert _count(cache, data) == N_BIG
    (first,) = _stores(cache)
    assert (first / "READY").is_file()
    stamp = (first / "READY").stat().st_mtime_ns
    assert _count(cache, data) == N_BIG  # second run: the same store, not rebuilt
    assert _stores(cache) == [first] and (first / "READY").stat().st_mtime_ns == stamp
    with data.open("a", encoding="utf-8") as fh:
        fh.write('<http://example.org/extra> <http://example.org/p> "changed" .\n')
    assert _count(cache, data) == N_BIG + 1  # content changed: a new key, a new store
    assert len(_stores(cache)) == 2


def test_processes_starting_at_once_build_one_store(tmp_path: Path) -> None:
    cache, data = tmp_path / "cache", _write_big(tmp_path / "big.ttl", N_BIG)
    env = {**os.environ, "SPASMKG_CACHE_DIR": str(cache)}
    cmd = [sys.executable, "-m", "spasmkg", "--data", str(data), "sparql", COUNT, "-F", "json"]
    pipe = subprocess.PIPE
    procs = [subprocess.Popen(cmd, env=env, stdout=pipe, stderr=pipe, text=True) for _ in range(4)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, [err for _, err in outs]
    assert {int(json.loads(out)["rows"][0]["n"]) for out, _ in outs} == {N_BIG}
    stores = _stores(cache)
    assert len(stores) == 1 and (stores[0] / "READY").is_file(), stores
    assert not list((cache / "stores").glob(".*.tmp")), "a temporary build folder was left behind"


def test_unusable_cache_dir_still_answers(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be\n")
    data = _write_big(tmp_path / "big.ttl", N_BIG)
    assert _count(blocker, data) == N_BIG


def test_threads_opening_the_store_at_once_share_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "_STORES", {})
    got: list[object] = []
    threads = [threading.Thread(target=lambda: got.append(store.open_store(()))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 4 and all(s is got[0] for s in got)


def test_prefetched_store_is_the_one_queried(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "_STORES", {})
    store.prefetch().join(timeout=60)
    assert len(store._STORES) == 1
    (prefetched,) = store._STORES.values()
    assert store.open_store(()) is prefetched


@pytest.mark.parametrize(
    "args",
    [("query", "contraindicated-while-driving"), ("query", "treatments-for", "-p", "concept=muscle strain")],
    ids=["contraindicated-while-driving", "treatments-for"],
)
def test_prefetch_does_not_change_answers(args: tuple[str, ...]) -> None:
    args = (*args, "-F", "json")
    with_prefetch = run_cli(*args)
    without = run_cli(*args, env={"SPASMKG_NO_PREFETCH": "1"})
    assert with_prefetch.returncode == without.returncode == 0, (with_prefetch.stderr, without.stderr)
    assert with_prefetch.stdout == without.stdout
    assert json.loads(with_prefetch.stdout)["rows"]
