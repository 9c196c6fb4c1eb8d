"""The `deckgen` command line; maps deckgen errors to one message and exit code 2.

Heavy modules (pandas, python-pptx, matplotlib) are imported inside the commands so that
`deckgen --help` stays quick.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import signal
import sys
import threading
from pathlib import Path
from typing import Literal

import click

from deckgen import __version__
from deckgen.errors import DeckgenError

_existing = click.Path(exists=False, path_type=Path)
# DATA is a path, or a URL (which a click.Path would mangle: s3://b/x -> s3:/b/x).
_data_argument = click.argument("data", metavar="DATA")
_config_option = click.option(
    "--config",
    "config_path",
    type=_existing,
    default=None,
    help="deckgen.toml with the column mapping and settings (default: the one beside the data).",
)
_templates_option = click.option(
    "--templates",
    "templates_dir",
    type=_existing,
    default=None,
    help="Folder of edited wording templates, searched before the defaults.",
)
_period_option = click.option(
    "--period",
    default=None,
    metavar="YYYY-MM",
    help="Reporting month (default: the last complete month before today that has orders).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="deckgen")
def cli() -> None:
    """Turn customer data into a customer-lifecycle PowerPoint deck."""
    # Before a command imports deckgen's modules and their dataclasses; here, not in main(), so
    # that `deckgen --help` does not import it (8 ms: hashlib, tempfile).
    from deckgen import code_cache

    code_cache.install()


@cli.command()
@click.option("-o", "--output", type=_existing, required=True, help="Workbook to write (.xlsx).")
@click.option("--customers", default=2000, show_default=True, type=click.IntRange(10, 1_000_000))
@click.option("--months", default=24, show_default=True, type=click.IntRange(3, 120))
@click.option("--end", default="2026-10", show_default=True, metavar="YYYY-MM", help="Last month.")
@click.option("--seed", default=7, show_default=True, type=int)
@click.option("--lang", type=click.Choice(["en", "ar", "fa"]), default="en", show_default=True)
def sample(output: Path, customers: int, months: int, end: str, seed: int, lang: str) -> None:
    """Write a realistic, seeded sample workbook with all seven sheets."""
    from deckgen.data.sample import write_sample

    summary = write_sample(
        output, customers=customers, months=months, end=end, seed=seed, lang=lang
    )
    click.echo(summary)


@cli.command()
@click.argument("data")
@click.option(
    "-o",
    "--output",
    type=_existing,
    default=None,
    help="deckgen.toml to write (default: beside the workbook, inside the folder).",
)
@click.option(
    "--lang",
    type=click.Choice(["en", "ar", "fa"]),
    default=None,
    help="Deck language (default: the language of the data).",
)
@click.option("--force", is_flag=True, help="Replace an existing file.")
def init(data: str, output: Path | None, lang: str | None, force: bool) -> None:
    """Propose a commented deckgen.toml for a workbook, folder or database URL, and check it."""
    from deckgen.propose import init_config

    click.echo(init_config(data, output, lang=lang, force=force).summary())


@cli.command()
@_data_argument
@_config_option
def validate(data: str, config_path: Path | None) -> None:
    """Check DATA against the data format and print what was found.

    DATA is a workbook, a folder of .csv or .parquet files, a URL of either (s3://, gs://,
    https://, file://), or a deckgen.toml (or its folder) whose [source] names the data.
    """
    from deckgen.data.validate import validate_source
    from deckgen.masking import mask_credentials
    from deckgen.pipeline import resolve_source

    try:
        spec, settings = resolve_source(data, None, config_path)
    except DeckgenError as exc:  # reported like an unreadable source: one message, exit 2
        click.echo(f"error: {mask_credentials(str(exc))}", err=True)
        sys.exit(exc.exit_code)
    report = validate_source(spec, settings)
    # An unreadable source is an error message like any other; a report is the output asked for.
    click.echo(report.format(), err=report.failure is not None)
    if not report.ok:  # errors, or a source that cannot be read at all
        sys.exit(2)


@cli.command()
@_data_argument
@_config_option
@_period_option
@click.option(
    "--json", "as_json", is_flag=True, help="Every figure as JSON (docs/metrics-json.md)."
)
def metrics(data: str, config_path: Path | None, period: str | None, as_json: bool) -> None:
    """Compute the lifecycle metrics of DATA for a month and print them (DATA: as for validate)."""
    from deckgen.metrics.report import format_text, to_json
    from deckgen.pipeline import compute_source_metrics, resolve_source

    spec, settings = resolve_source(data, None, config_path)
    result = compute_source_metrics(spec, settings=settings, period=period)
    click.echo(to_json(result) if as_json else format_text(result, settings.currency))


@cli.command()
@_data_argument
@click.option("-o", "--output", type=_existing, required=True, help="Deck to write (.pptx).")
@_config_option
@_period_option
@click.option("--template", type=_existing, default=None, help="Brand .pptx to build on.")
@_templates_option
@click.option(
    "--charts", type=click.Choice(["native", "image"]), default="native", show_default=True
)
@click.option(
    "--lang",
    type=click.Choice(["en", "ar", "fa"]),
    default=None,
    help="Deck language (default: the config's, else en).",
)
@click.option(
    "--calendar",
    type=click.Choice(["gregorian", "jalali"]),
    default=None,
    help="Month boundaries (default: jalali for fa, else gregorian).",
)
@click.option(
    "--currency",
    default=None,
    help="Currency of the amounts, e.g. USD, IRR, toman, SAR (default: the config's, else USD).",
)
@click.option("--client", default=None, help="Client name for the deck (default: the config's).")
@click.option("--logo", type=_existing, default=None, help="Logo image for the title slide.")
@click.option("--strict", is_flag=True, help="Treat data warnings as errors.")
@click.option("--pdf", is_flag=True, help="Also write the PDF beside the deck (needs LibreOffice).")
def render(
    data: str,
    output: Path,
    config_path: Path | None,
    period: str | None,
    template: Path | None,
    templates_dir: Path | None,
    charts: str,
    lang: str | None,
    calendar: str | None,
    currency: str | None,
    client: str | None,
    logo: Path | None,
    strict: bool,
    pdf: bool,
) -> None:
    """Render the lifecycle deck of DATA for a month (DATA: as for validate)."""
    # A brand template is checked (python-pptx imported) before the data loads: no thread then.
    imports = _Imports(behind=template is None)
    try:
        from deckgen.pipeline import render_deck

        result = render_deck(
            data,
            output,
            config_path=config_path,
            period=period,
            template=template,
            templates_dir=templates_dir,
            charts=charts,
            lang=lang,
            calendar=calendar,
            currency=currency,
            client=client,
            logo=logo,
            strict=strict,
            pdf=pdf,
            loaded=imports.finish,
        )
    finally:
        imports.finish()
    click.echo(result.summary())


class _Imports:
    """What a render needs imported, then kept out of the cyclic garbage collector.

    The imports make over a hundred thousand objects that live as long as the process; every
    collection during the render would walk them again (about 0.2 s of CPU for the sample
    deck), and so did the collections while they were made (0.25 s more, three of them full),
    so the collector waits until they are all made. Only for this one-shot command: a
    long-lived process keeps collecting normally. With `behind`, the modules only the metrics
    and the drawing need (pipeline.DRAW_MODULES: SciPy, python-pptx, Jinja2, some 0.5 s of
    CPU) are imported in a thread while the data loads, which DuckDB and Arrow do mostly
    outside the interpreter's lock.
    """

    def __init__(self, *, behind: bool) -> None:
        """Import the loading's modules, and the others here or (`behind`) in a thread."""
        gc.disable()
        self._done = False
        self._thread: threading.Thread | None = None
        try:
            pipeline = importlib.import_module("deckgen.pipeline")
            _import_all(pipeline.LOAD_MODULES)
            if behind:
                self._thread = threading.Thread(
                    target=_import_all, args=(pipeline.DRAW_MODULES,), name="deckgen-imports"
                )
                self._thread.start()
            else:
                _import_all(pipeline.DRAW_MODULES)
                self.finish()
        except BaseException:
            self.finish()
            raise

    def finish(self) -> None:
        """Wait for the thread's imports, then freeze what they made; once."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if not self._done:
            self._done = True
            # No collection first: the imports leave no garbage (one found none, for 0.08 s of
            # CPU), nor did the loading of a million orders meanwhile; any a future import
            # leaves is merely kept until this short process ends.
            gc.freeze()
            gc.enable()


def _import_all(names: tuple[str, ...]) -> None:
    """Import `names`; one that fails is left for its first use to report."""
    for name in names:
        with contextlib.suppress(Exception):
            importlib.import_module(name)


@cli.command()
@click.argument("deck", type=_existing)
@click.argument("data", type=_existing)
@click.option("-o", "--output", type=_existing, required=True, help="Refreshed deck to write.")
@_config_option
@click.option(
    "--period",
    default=None,
    metavar="YYYY-MM",
    help="Month to refresh to (default: the data's last complete month when it is later than "
    "the deck's, else the deck's own month).",
)
@_templates_option
@click.option("--client", default=None, help="Client name for the deck (default: the deck's own).")
@click.option("--strict", is_flag=True, help="Treat data warnings as errors.")
def refresh(
    deck: Path,
    data: Path,
    output: Path,
    config_path: Path | None,
    period: str | None,
    templates_dir: Path | None,
    client: str | None,
    strict: bool,
) -> None:
    """Put a new month's figures into a deck you edited, keeping your edits (docs/refresh.md)."""
    from deckgen.refresh.deck import refresh_deck

    report = refresh_deck(
        deck,
        data,
        output,
        period=period,
        config_path=config_path,
        templates_dir=templates_dir,
        client=client,
        strict=strict,
    )
    click.echo(report.summary())


@cli.group()
def templates() -> None:
    """Wording templates (Jinja2)."""


@templates.command("export")
@click.argument("directory", type=_existing)
def templates_export(directory: Path) -> None:
    """Write the default wording templates to DIRECTORY to edit."""
    from deckgen.wording import export_templates

    written = export_templates(directory)
    click.echo(f"wrote {len(written)} template files to {directory}")


@cli.group()
def template() -> None:
    """Brand .pptx templates."""


@template.command("inspect")
@click.argument("pptx", type=_existing)
def template_inspect(pptx: Path) -> None:
    """List a .pptx template's layouts and which slide kinds it can serve (exit 2: unusable)."""
    from deckgen.render.brand import template_report

    text, usable = template_report(pptx)
    click.echo(text)
    if not usable:
        sys.exit(2)


@cli.command()
@click.argument("config", type=_existing)
@click.option(
    "--period",
    default=None,
    metavar="YYYY-MM",
    help="Reporting month, read in each client's calendar (default: the last complete month "
    "before today, whether or not a client's data reaches it; docs/run-config.md).",
)
@click.option("--clients", default=None, help="Comma-separated client names to run (default all).")
@click.option(
    "--jobs",
    type=click.IntRange(1, 64),
    default=None,
    help="Parallel processes, or Dask workers (default: the number of cores; "
    "with --scheduler, clients on the cluster at once: default all).",
)
@click.option(
    "--log-format", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--strict", is_flag=True, help="Treat data warnings as errors.")
@click.option(
    "--timeout",
    type=click.FloatRange(0, 86_400),
    default=None,
    metavar="SECONDS",
    help="Stop a client still rendering after this long (default: the config's, else 600; 0: none).",
)
@click.option(
    "--executor",
    type=click.Choice(["local", "dask"]),
    default=None,
    help="Render in local processes or on a Dask cluster (default: the config's, else local).",
)
@click.option(
    "--scheduler",
    default=None,
    metavar="ADDRESS",
    help="Dask scheduler for --executor dask, e.g. tcp://10.0.0.5:8786 "
    "(default: the config's, else a local cluster of --jobs workers).",
)
def run(
    config: Path,
    period: str | None,
    clients: str | None,
    jobs: int | None,
    log_format: str,
    strict: bool,
    timeout: float | None,
    executor: Literal["local", "dask"] | None,
    scheduler: str | None,
) -> None:
    """Render every client's deck from a run config (for cron and schedulers)."""
    from deckgen.batch.runner import run_from_cli

    code = run_from_cli(
        config, period, clients, jobs, log_format, strict, timeout, executor, scheduler
    )
    sys.exit(code)


def main() -> None:
    """Entry point: run the CLI; a deckgen error prints one message and exits with its code.
    Whatever is printed has any URL credentials masked, a bug's traceback included."""
    from deckgen.masking import mask_credentials

    interrupts: list[int] = []
    previous = _note_interrupts(interrupts)
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.message = mask_credentials(exc.message)
        exc.show()
        sys.exit(exc.exit_code)
    except DeckgenError as exc:
        click.echo(f"error: {mask_credentials(str(exc))}", err=True)
        sys.exit(exc.exit_code)
    except Exception:
        if interrupts:  # Ctrl-C that a library raised as its own error (DuckDB's query)
            click.echo("Aborted.", err=True)
            sys.exit(130)
        import traceback

        click.echo(mask_credentials(traceback.format_exc()), err=True, nl=False)
        sys.exit(1)
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


def _note_interrupts(interrupts: list[int]) -> object | None:
    """Note each Ctrl-C in `interrupts`, still raising KeyboardInterrupt as Python does, and
    return the handler replaced; None (nothing replaced) off the main thread or when a
    handler other than Python's own is set."""
    if threading.current_thread() is not threading.main_thread():
        return None
    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        return None

    def noted(signum: int, frame: object) -> None:
        interrupts.append(signum)
        signal.default_int_handler(signum, frame)

    return signal.signal(signal.SIGINT, noted)


if __name__ == "__main__":
    main()
