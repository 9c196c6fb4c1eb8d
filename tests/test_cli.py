"""The command line as a user meets it: exit codes, one-line errors, nothing half-written."""

from __future__ import annotations

import gc
import json
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from pptx import Presentation

from deckgen.cli import main


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run `deckgen ARGS` in-process through the real entry point; (exit code, stdout, stderr)."""
    original = sys.argv
    sys.argv = ["deckgen", *args]
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        sys.argv = original
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def bad_files(tmp_path: Path) -> Path:
    """A folder of broken inputs: a fake workbook, bad TOML, an invalid config, an empty folder."""
    (tmp_path / "corrupt.xlsx").write_text("not a workbook", encoding="utf-8")
    (tmp_path / "syntax.toml").write_text('lang = "fa\n', encoding="utf-8")
    (tmp_path / "invalid.toml").write_text('lang = "xx"\n', encoding="utf-8")
    (tmp_path / "empty").mkdir()
    return tmp_path


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["render", "{dir}/missing.xlsx"], "missing.xlsx does not exist"),
        (["render", "{dir}/corrupt.xlsx"], "corrupt.xlsx is not a readable .xlsx workbook"),
        (["render", "{book}", "--config", "{dir}/syntax.toml"], "syntax.toml is not valid TOML"),
        (["render", "{book}", "--config", "{dir}/invalid.toml"], "lang: Input should be"),
        (["render", "{book}", "--period", "2026-13"], "--period: month must be 1..12, got 13"),
        (["render", "{book}", "--period", "2030-01"], "choose a month from 2025-09 to 2026-10"),
        (["render", "{book}", "--template", "{dir}/corrupt.xlsx"], "not a PowerPoint presentation"),
        (["render", "{book}", "--logo", "{dir}/corrupt.xlsx"], "not a PNG, JPEG, GIF, BMP or TIFF"),
        (["render", "{book}", "--currency", "XYZ"], "unknown currency 'XYZ'"),
        (["metrics", "{dir}/empty"], "holds no .csv or .parquet files"),
        (["validate", "{dir}/corrupt.xlsx"], "is not a readable .xlsx workbook"),
    ],
)
def test_bad_input_is_one_message_and_exit_2(
    args: list[str],
    expected: str,
    bad_files: Path,
    small_workbook: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    output = bad_files / "deck.pptx"
    filled = [a.format(dir=bad_files, book=small_workbook) for a in args]
    if filled[0] == "render":
        filled += ["-o", str(output)]
    code, out, err = run_cli(filled, capsys)
    assert code == 2
    assert err.startswith("error: ")
    assert expected in err
    assert "Traceback" not in err + out
    assert not output.exists()
    _assert_imports_finished()


def _assert_imports_finished() -> None:
    """The render's import thread has ended and the cyclic collector runs again."""
    assert gc.isenabled()
    assert not [t for t in threading.enumerate() if t.name == "deckgen-imports"]


def test_render_writes_the_deck_and_prints_the_headlines(
    small_workbook: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "deck.pptx"
    code, out, err = run_cli(["render", str(small_workbook), "-o", str(output)], capsys)
    assert code == 0, err
    slides = len(Presentation(str(output)).slides)
    assert out.splitlines()[0] == f"wrote {output} ({slides} slides, period 2026-10)"
    assert "  revenue: " in out
    assert list(tmp_path.iterdir()) == [output]  # no temporary file left behind
    _assert_imports_finished()


def test_failed_render_keeps_the_previous_deck(
    small_workbook: Path, bad_files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = bad_files / "deck.pptx"
    output.write_bytes(b"last month's deck")
    args = [
        "render",
        str(small_workbook),
        "-o",
        str(output),
        "--logo",
        str(bad_files / "syntax.toml"),
    ]
    code, _, _ = run_cli(args, capsys)
    assert code == 2
    assert output.read_bytes() == b"last month's deck"
    assert sorted(p.name for p in bad_files.iterdir() if p.name.startswith(".")) == []


def test_metrics_json_is_the_same_from_xlsx_csv_and_parquet(
    small_workbook: Path, small_folders: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    outputs = {}
    for name, source in {"xlsx": small_workbook, **small_folders}.items():
        code, out, err = run_cli(["metrics", "--json", str(source)], capsys)
        assert code == 0, err
        outputs[name] = json.loads(out)
    assert outputs["xlsx"]["metrics"]["period"]["key"] == "2026-10"
    assert outputs["csv"] == outputs["xlsx"]
    assert outputs["parquet"] == outputs["xlsx"]


def test_sample_then_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = tmp_path / "s.xlsx"
    code, out, _ = run_cli(
        ["sample", "-o", str(book), "--customers", "50", "--months", "4"], capsys
    )
    assert code == 0
    assert book.exists()
    code, out, _ = run_cli(["validate", str(book)], capsys)
    assert code == 0
    assert "customers" in out
    assert "orders" in out


def test_help_does_not_import_the_heavy_libraries() -> None:
    probe = (
        "import sys; from deckgen.cli import cli; "
        "print(sorted(m for m in ('pandas', 'pptx', 'matplotlib', 'rapidfuzz', 'scipy', "
        "'deckgen.propose') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_help_leaves_the_code_cache_alone() -> None:
    # `deckgen --help` neither imports the code cache (hashlib, tempfile: 8 ms) nor patches
    # dataclasses; a command does.
    probe = (
        "import dataclasses, sys; from deckgen.cli import main; sys.argv[1:] = sys.argv[2:]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('deckgen.code_cache', 'tempfile') if m in sys.modules), "
        "'exec' in vars(dataclasses), file=sys.stderr)"
    )
    seen = []
    for args in (["--help"], ["--version"], ["validate", "--help"]):
        done = subprocess.run(
            [sys.executable, "-c", probe, "deckgen", *args],
            capture_output=True,
            text=True,
            check=True,
        )
        seen.append(done.stderr.strip())
    assert seen == ["[] False", "[] False", "['deckgen.code_cache', 'tempfile'] True"]


def test_a_render_imports_none_of_the_optional_heavy_libraries(
    small_workbook: Path, tmp_path: Path
) -> None:
    # Issue 16: a native-chart deck without transforms or a database needs none of these; nor
    # NumPy's f2py and testing, which a plain SciPy import brings (deckgen.scipy_import).
    optional = ("matplotlib", "duckdb", "sqlalchemy", "sqlglot", "dask", "distributed", "psycopg")
    optional += ("numpy.f2py", "numpy.testing", "unittest")
    probe = (
        "import sys; from deckgen.cli import main; sys.argv[1:] = sys.argv[2:]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print(sorted(m for m in {optional!r} if m in sys.modules), file=sys.stderr)"
    )
    deck = tmp_path / "d.pptx"
    result = subprocess.run(
        [sys.executable, "-c", probe, "deckgen", "render", str(small_workbook), "-o", str(deck)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert deck.exists()
    assert result.stderr.strip().splitlines()[-1] == "[]"


_AFTER_LOAD_MODULES = (
    "import importlib, sys\n"
    "from deckgen import pipeline\n"
    "from deckgen.config import Settings\n"
    "for name in pipeline.LOAD_MODULES:\n    importlib.import_module(name)\n"
    "before = set(sys.modules)\n"
)


def _imported(probe: str, *args: str) -> set[str]:
    """The modules `probe` imports after pipeline.LOAD_MODULES, in a fresh process."""
    code = _AFTER_LOAD_MODULES + probe + "\nprint(*sorted(set(sys.modules) - before))"
    result = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True
    )
    return set(result.stdout.split())


@pytest.mark.parametrize(
    ("source", "engine"),
    [("workbook", "memory"), ("csv", "memory"), ("parquet", "memory"), ("parquet", "duckdb")],
)
def test_the_loading_imports_none_of_the_modules_imported_beside_it(
    source: str, engine: str, small_workbook: Path, small_folders: dict[str, Path]
) -> None:
    # `deckgen render` imports pipeline.DRAW_MODULES in a thread while the data loads: the
    # loading (the leads and orders checked in place by DuckDB too) must import none of them.
    data = small_workbook if source == "workbook" else small_folders[source]
    drawing = _imported("for name in pipeline.DRAW_MODULES:\n    importlib.import_module(name)")
    loading = _imported(
        "spec, settings = pipeline.resolve_source(sys.argv[1], Settings(engine=sys.argv[2]), None)"
        "\npipeline.load_source(spec, settings)",
        str(data),
        engine,
    )
    assert "deckgen.render.writer" in drawing
    assert loading and not loading & drawing


def test_validate_imports_neither_scipy_nor_the_deck_writers(small_workbook: Path) -> None:
    # Issue 16: scipy comes with the customer-value fits only (deckgen.metrics.clv imports it
    # where a fit runs), python-pptx, Jinja2 and fontTools with the deck.
    heavy = ("scipy", "pptx", "matplotlib", "jinja2", "fontTools")
    probe = (
        "import sys; from deckgen.cli import main; sys.argv[1:] = sys.argv[2:]\n"
        "code = 0\ntry:\n    main()\nexcept SystemExit as exc:\n    code = exc.code\n"
        f"print(code, sorted(m for m in {heavy!r} if m in sys.modules), file=sys.stderr)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, "deckgen", "validate", str(small_workbook)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "orders" in result.stdout
    assert result.stderr.strip().splitlines()[-1] == "0 []"


def test_a_misspelt_config_key_names_the_nearest_key(
    small_workbook: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "deckgen.toml"
    config.write_text('curency = "EUR"\n[metrics]\nchurn_dys = 30\n', encoding="utf-8")
    args = ["render", str(small_workbook), "-o", str(tmp_path / "d.pptx"), "--config", str(config)]
    code, _, err = run_cli(args, capsys)
    assert code == 2
    assert err.splitlines()[1:] == [
        "  - metrics.churn_dys: unknown key; did you mean 'churn_days'?",
        "  - curency: unknown key; did you mean 'currency'?",
    ]


def test_metrics_uses_the_configured_currency(
    small_workbook: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "deckgen.toml"
    config.write_text('currency = "GBP"\n', encoding="utf-8")
    args = ["metrics", str(small_workbook), "--config", str(config), "--period", "2026-10"]
    code, out, _ = run_cli(args, capsys)
    assert code == 0
    revenue = next(line for line in out.splitlines() if line.strip().startswith("revenue"))
    assert "GBP" in revenue and "USD" not in out


def test_config_and_data_problems_come_in_one_round(
    small_workbook: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "deckgen.toml"
    config.write_text(
        'colour = "blue"\n'
        '[sheets.orders]\nsheet = "Bestellungen"\n'
        '[sheets.customers.columns]\ncustomer_id = "Kunden-Nr"\n',
        encoding="utf-8",
    )
    output = tmp_path / "deck.pptx"
    for args in (
        ["validate", str(small_workbook), "--config", str(config)],
        ["render", str(small_workbook), "--config", str(config), "-o", str(output)],
    ):
        code, _out, err = run_cli(args, capsys)
        assert code == 2 and "Traceback" not in err
        assert "colour: unknown key" in err
        assert f"and 2 problem(s) in the data under the rest of {config}:" in err
        assert "sheet 'customers', column 'Kunden-Nr'; expected a column with this name" in err
        assert "sheet 'Bestellungen'; expected a sheet with this name" in err
    assert not output.exists()


def test_a_mapped_key_column_that_is_missing_is_one_error(
    small_workbook: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "deckgen.toml"
    config.write_text('[sheets.customers.columns]\ncustomer_id = "Kunden-Nr"\n', encoding="utf-8")
    code, out, err = run_cli(["validate", str(small_workbook), "--config", str(config)], capsys)
    assert code == 2 and "Traceback" not in out + err
    assert "Errors (1):" in out
    assert "column 'Kunden-Nr'; expected a column with this name" in out


@pytest.mark.parametrize("interrupted", [True, False])
def test_ctrl_c_raised_as_a_librarys_own_error_is_aborted(
    interrupted: bool, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path
):
    """DuckDB answers Ctrl-C mid-query with RuntimeError("Query interrupted"): "Aborted.",
    exit 130, as any Ctrl-C (it was a traceback, exit 1). The same error without a Ctrl-C is
    still a bug's traceback, and Python's own handler is back afterwards."""
    import deckgen.pipeline as pipeline

    def query(*args: object, **kwargs: object) -> None:
        try:
            if interrupted:
                signal.raise_signal(signal.SIGINT)
        except KeyboardInterrupt:
            pass  # what DuckDB's client does with it
        raise RuntimeError("Query interrupted")

    monkeypatch.setattr(pipeline, "render_deck", query)
    deck = tmp_path / "deck.pptx"
    code, out, err = run_cli(["render", "sample_data/sample.xlsx", "-o", str(deck)], capsys)
    if interrupted:
        assert (code, out, err) == (130, "", "Aborted.\n")
    else:
        assert code == 1 and err.startswith("Traceback") and "Query interrupted" in err
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert not deck.exists()
