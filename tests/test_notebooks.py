"""The notebooks in examples/ run end to end in a real Jupyter kernel, and are kept in git without outputs;
a query result renders as escaped HTML in Jupyter, with the not-medical-advice line when it is medical."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

import spasmkg
from spasmkg.cli.common import NOTICE as CLI_NOTICE
from spasmkg.engine.execute import NOTICE, Result
from spasmkg.engine.formatting import cell

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "examples").glob("*.ipynb"))
KERNEL = "spasmkg-tests"


def test_there_is_a_notebook() -> None:
    assert NOTEBOOKS, "examples/*.ipynb: no notebook"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_without_outputs(path: Path) -> None:
    """Outputs and execution counts are stripped before commit (they would hold a machine's paths and timings)."""
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code
    for c in code:
        assert c.outputs == [], f"{path.name}: cell {c.get('id')} has outputs: strip them"
        assert c.execution_count is None, f"{path.name}: cell {c.get('id')} has an execution count: strip it"
        assert "execution" not in c.metadata, f"{path.name}: cell {c.get('id')} has execution timings: strip them"
    for c in nb.cells:
        assert "attachments" not in c or not c.attachments, f"{path.name}: cell {c.get('id')} has attachments"
    assert set(nb.metadata) <= {"kernelspec", "language_info"}, f"{path.name}: extra notebook metadata"


@pytest.fixture
def kernel_manager(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> KernelManager:
    """A kernel spec in a temporary folder that runs this interpreter (the .venv's python), never a
    ``python3`` spec found on the machine; Jupyter/IPython state kept in ``tmp_path``."""
    kernels = tmp_path / "kernels"
    (kernels / KERNEL).mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "spasmkg tests",
        "language": "python",
    }
    (kernels / KERNEL / "kernel.json").write_text(json.dumps(spec))
    for var, sub in (("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython"), ("JUPYTER_CONFIG_DIR", "config")):
        monkeypatch.setenv(var, str(tmp_path / sub))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")  # plots become image/png outputs
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")
    ksm = KernelSpecManager(kernel_dirs=[str(kernels)], ensure_native_kernel=False)
    assert ksm.get_kernel_spec(KERNEL).argv[0] == sys.executable
    return KernelManager(kernel_name=KERNEL, kernel_spec_manager=ksm)


def _outputs(cell: Any, kind: str) -> list[Any]:
    return [o for o in cell.outputs if o.output_type == kind]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_end_to_end(path: Path, kernel_manager: KernelManager, tmp_path: Path) -> None:
    """Every cell runs without an error or a warning, in a kernel on this interpreter; the plot is drawn
    and a medical result carries the notice."""
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell("import sys\nprint(sys.executable)", id="probe-interpreter"))
    work = tmp_path / "work"
    work.mkdir()
    client = NotebookClient(nb, km=kernel_manager, timeout=300, resources={"metadata": {"path": str(work)}})
    client.execute()  # raises CellExecutionError on the first cell that fails

    probe = nb.cells[0]
    assert "".join(o.text for o in _outputs(probe, "stream")).strip() == sys.executable
    code = [c for c in nb.cells if c.cell_type == "code"]
    for c in code:
        assert not _outputs(c, "error"), c.source
        stderr = [o.text for o in _outputs(c, "stream") if o.name == "stderr"]
        assert not stderr, f"cell {c.id} wrote to stderr: {stderr}"
    data = [o.data for c in code for o in c.outputs if o.output_type in ("execute_result", "display_data")]
    assert any("image/png" in d for d in data), "no plot was drawn"
    html = [d["text/html"] for d in data if "text/html" in d]
    assert any('class="spasmkg-result"' in h and NOTICE in h for h in html), "no query result with the notice"
    shown_iris = [h for h in html if ">https://w3id.org/spasmkg/resource/" in h]
    assert not shown_iris, "a table shows full IRIs, not CURIEs"
    assert list(work.iterdir()) == [], "the notebook wrote files"


# ---------------------------------------------------------------- Result in Jupyter


HOSTILE = '<script>alert("x")</script> & \u202eevil\x1b[2J'


@pytest.fixture
def hostile_data(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.ttl"
    label = HOSTILE.replace("\\", "\\\\").replace('"', '\\"').replace("\x1b", "\\u001B")
    path.write_text(
        "@prefix skr: <https://w3id.org/spasmkg/resource/> .\n"
        "@prefix spasmkg: <https://w3id.org/spasmkg/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        f'skr:hostile_cause a spasmkg:PhysicalActivityCause ; rdfs:label "{label}"@en ;\n'
        "    spasmkg:causes skr:back_muscle_spasm .\n",
        encoding="utf-8",
    )
    return path


def test_repr_html_escapes_a_hostile_label_and_carries_the_notice(hostile_data: Path) -> None:
    result = spasmkg.query("causes", data=[hostile_data])
    assert result.medical
    labels = [row["causeLabel"] for row in result.rows]
    assert HOSTILE in labels  # the label reached the result exactly
    html = result._repr_html_()
    assert "<script>" not in html and "\u202e" not in html and "\x1b" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; \\u202eevil\\x1b[2J" in html
    assert html.count("<tr>") == len(result.rows) + 1  # a header and every row: medical results are never cut
    assert f'<p class="spasmkg-notice"><strong>{NOTICE}</strong></p>' in html
    assert 'title="https://w3id.org/spasmkg/resource/hostile_cause">skr:hostile_cause</td>' in html
    full = result.to_html(curies=False)
    assert ">https://w3id.org/spasmkg/resource/hostile_cause</td>" in full and NOTICE in full


def test_notice_only_on_medical_results_and_same_as_the_cli() -> None:
    assert NOTICE == CLI_NOTICE
    plain = spasmkg.query("cross-references")
    assert not plain.medical and NOTICE not in plain._repr_html_()
    assert 'class="spasmkg-result"' in plain._repr_html_()
    ask = spasmkg.sparql("ASK { ?s a spasmkg:RedFlag }")
    assert "<strong>yes</strong>" in ask._repr_html_()


def test_html_of_a_long_result_that_is_not_medical_is_cut_and_says_so() -> None:
    rows = [{"n": i, "iri": f"https://w3id.org/spasmkg/resource/x{i}"} for i in range(30)]
    html = Result("select", columns=["n", "iri"], rows=rows).to_html(max_rows=10)
    assert html.count("<tr>") == 11 and "30 rows, the first 10 shown" in html and NOTICE not in html
    medical = Result("select", columns=["n", "iri"], rows=rows, medical=True).to_html(max_rows=10)
    assert medical.count("<tr>") == 31 and NOTICE in medical


def test_short_repr() -> None:
    result = spasmkg.query("red-flags")
    text = repr(result)
    assert text.startswith(f"Result(select, {len(result.rows)} rows, columns=[redFlag, ") and text.endswith("medical)")
    assert "\n" not in text and len(text) < 200
    assert repr(spasmkg.sparql("ASK { ?s ?p ?o }")) == "Result(ask, True, medical)"  # ad-hoc results carry the notice
    assert repr(Result("select", columns=["a\x1b[2J"])) == "Result(select, 0 rows, columns=[a\\x1b[2J])"


def test_dataframe_curies_are_the_clis() -> None:
    result = spasmkg.query("evidence", term="heavy lifting")
    iris = result.to_dataframe()
    short = result.to_dataframe(curies=True)
    assert list(short.columns) == result.columns and len(short) == len(result.rows)
    assert "http://www.w3.org/1999/02/22-rdf-syntax-ns#type" in set(iris["predicate"])
    assert "rdf:type" in set(short["predicate"]) and "spasmkg:causes" in set(short["predicate"])
    for row, (_, shown) in zip(result.rows, short.iterrows(), strict=True):
        for col in result.columns:
            value = row[col]
            if isinstance(value, str):
                assert shown[col] == cell(value)  # what the CLI's table prints
            elif value is not None:
                assert shown[col] == value  # numbers stay numbers
    assert short["start"].dtype.kind == "i"
