"""The `nianbao` command: one front for parsing, crawling, building and serving."""

from __future__ import annotations

import json
import os
import sys
import unicodedata
from collections import Counter

import click

from nianbao import __version__


def data_option(default: str = "data", help: str = "Directory of nianbao.db and warc/."):
    """--data DIR, as every command that reads or writes the archive takes it."""
    return click.option(
        "--data",
        "data_dir",
        type=click.Path(file_okay=False),
        default=default,
        show_default=True,
        help=help,
    )


def ocr_pages_option():
    """--ocr-pages N: how many scanned pages of a document OCR reads (the environment passes
    it on to reader processes)."""

    def remember(ctx, param, value: int | None) -> int | None:
        if value is not None:
            from parsers.limits import OCR_PAGES_VARIABLE

            os.environ[OCR_PAGES_VARIABLE] = str(value)
        return value

    return click.option(
        "--ocr-pages",
        type=click.IntRange(min=0),
        callback=remember,
        expose_value=False,
        help="Scanned pages read by OCR per document (default 30, or NIANBAO_OCR_PAGES; "
        "0: no OCR).",
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="nianbao")
def cli() -> None:
    """Archive of China's government information-disclosure annual reports (政府信息公开工作年度报告)."""


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "--indent", type=int, default=None, help="Pretty-print with this indent (not JSON Lines)."
)
@ocr_pages_option()
def parse(paths: tuple[str, ...], indent: int | None) -> None:
    """Parse report files (.txt, .html, .pdf, .docx, .doc, .wps, .xls, .xlsx, .jpg, .png, .tif)
    into JSON, one object per line. Scanned pages and images are read by OCR.

    An unreadable file gets a one-line error on stderr; the others are still parsed, and the
    exit status is 1 at the end.
    """
    from parsers import ParseError, parse_path

    failed = 0
    for path in paths:
        try:
            report = parse_path(path)
        except KeyboardInterrupt:
            click.echo(f"nianbao parse: interrupted while reading {path}", err=True)
            raise SystemExit(130) from None
        except ParseError as error:
            click.echo(f"nianbao parse: {path}: {error}", err=True)
            failed += 1
            continue
        except Exception as error:  # a parser bug must not stop the batch
            click.echo(
                f"nianbao parse: {path}: internal error: {type(error).__name__}: {error}", err=True
            )
            failed += 1
            continue
        sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=indent) + "\n")
    sys.stdout.flush()
    if failed:
        raise SystemExit(1)


@cli.command()
@click.option(
    "--start-url",
    "start_urls",
    multiple=True,
    help="A portal's home page, 年报 column or any page (repeatable): columns are found from it.",
)
@click.option(
    "--portal",
    "portal_names",
    multiple=True,
    help="A portal of crawler/portals.yml (repeatable); with --start-url, the name "
    "recorded for those URLs.",
)
@click.option(
    "--all", "all_portals", is_flag=True, help="Every registry portal with a column or a home page."
)
@data_option()
@click.option("--ignore-robots", is_flag=True, help="Do not obey robots.txt.")
@click.option(
    "-v", "--verbose", is_flag=True, help="Scrapy's whole log: settings, middlewares, final stats."
)
@click.option(
    "--redis",
    "redis_url",
    metavar="redis://HOST:PORT/DB",
    envvar="NIANBAO_REDIS",
    help="Share the crawl with every process started with the same Redis server (scrapy-redis): "
    "redis://:PASSWORD@HOST:PORT/DB, or rediss:// for TLS. Default: $NIANBAO_REDIS, which "
    "keeps a password off the command line.",
)
@click.option(
    "-s",
    "--set",
    "overrides",
    multiple=True,
    metavar="NAME=VALUE",
    help="A Scrapy setting, e.g. -s DOWNLOAD_DELAY=2.",
)
def crawl(
    start_urls, portal_names, all_portals, data_dir, ignore_robots, verbose, redis_url, overrides
) -> None:
    """Crawl 年报 columns (found from a home page), archive every response (WARC), store reports.

    Safe under cron: a lock keeps runs from overlapping; each run is recorded in crawl_runs;
    a failed run exits non-zero with a one-line summary. With --redis, any number of
    processes on any machines crawl together; `nianbao build` then merges their archives.
    """
    from crawler.run import CrawlLocked, CrawlOptionError, RedisUnavailable
    from crawler.run import crawl as run_crawl

    try:
        summary = run_crawl(
            data_dir,
            start_urls=start_urls,
            portals=portal_names,
            all_portals=all_portals,
            ignore_robots=ignore_robots,
            verbose=verbose,
            settings=dict(o.split("=", 1) for o in overrides),
            redis_url=redis_url,
        )
    except CrawlOptionError as error:
        raise click.UsageError(str(error)) from None
    except (CrawlLocked, RedisUnavailable) as error:
        click.echo(f"nianbao crawl: {error}", err=True)
        raise SystemExit(75) from None  # EX_TEMPFAIL: cron may try again later
    click.echo(f"nianbao crawl: {summary.line()}", err=True)
    if summary.failed:
        raise SystemExit(1)


@cli.command()
@data_option(help="Directory of nianbao.db, whose columns table says what crawls found.")
def portals(data_dir) -> None:
    """List the portal registry (crawler/portals.yml), what `nianbao crawl --all` reaches, and
    the 年报 columns crawls found (DIR/nianbao.db): FOUND columns, LAST SEEN listing reports."""
    from pathlib import Path

    from archive.columns import found_columns
    from crawler.registry import PROVINCES, STARTS, load_portals, reach

    registry = load_portals()
    columns = found_columns(Path(data_dir) / "nianbao.db")
    found = {p.name: [c for c in columns if c["portal"] == p.name] for p in registry}
    width = max((len(p.name) for p in registry), default=4)
    click.echo(
        f"{'NAME':{width}}  {'LEVEL':10} SEEN INFERRED REPORTS HOME CHECKED FOUND LAST SEEN   "
        f"{pad('PROVINCE', 16)}  TITLE"
    )
    for p in registry:
        seen = max((c["last_seen"] or "" for c in found[p.name]), default="")[:10] or "-"
        click.echo(
            f"{p.name:{width}}  {p.level or '?':10} {len(p.columns):4} "
            f"{len(p.inferred_columns):8} {len(p.reports):7} {'yes' if p.home else '-':4} "
            f"{'yes' if p.checked else 'no':7} {len(found[p.name]):5} {seen:10}  "
            f"{pad(p.province or '', 16)}  {p.title}"
        )
    summary = reach(registry)
    click.echo(
        f"\n{len(registry)} portals, by what `nianbao crawl --all` starts each from: a seen column,"
        "\nelse a column inferred from a report's path, else the home page (to find the column"
        "\nfrom); FOUND: portals with a column a crawl found listing reports, where the next starts."
    )
    starts = "  ".join(f"{s.upper():>15}" for s in STARTS)
    click.echo(f"{'LEVEL':10}  {'PORTALS':>7}  {starts}  {'FOUND':>5}")
    live = {p.name for p in registry if any(c["reports"] for c in found[p.name])}
    levels = {p.name: p.level or "unknown" for p in registry}
    rows = {**summary.by_level, "all": sum(summary.by_level.values(), Counter())}
    for level, counts in rows.items():
        cells = "  ".join(f"{counts[start]:15}" for start in STARTS)
        reached = sum(1 for name in live if level in ("all", levels[name]))
        click.echo(f"{level:10}  {counts.total():7}  {cells}  {reached:5}")
    home_only = [p for p in PROVINCES if p in summary.provinces - summary.provinces_by_column]
    unreached = [p for p in PROVINCES if p not in summary.provinces]
    click.echo(
        f"Provinces reachable: {len(summary.provinces)} of {len(PROVINCES)}; through a column: "
        f"{len(summary.provinces_by_column)} (home page only: {'、'.join(home_only) or 'none'})"
        + (f"; not reached: {'、'.join(unreached)}" if unreached else "")
    )
    if columns:
        click.echo(f"\nColumns found by crawls ({Path(data_dir) / 'nianbao.db'}):")
        click.echo(f"{'PORTAL':{width}}  REPORTS  LAST SEEN   URL  (FOUND BY)")
        for c in columns:
            click.echo(
                f"{c['portal'] or '-':{width}}  {c['reports'] or 0:7}  "
                f"{(c['last_seen'] or '-')[:10]:10}  {c['url']}  ({c['found_by'] or '-'})"
            )


def pad(text: str, width: int) -> str:
    """`text` padded to `width` terminal columns: CJK characters take two."""
    columns = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(width - columns, 0)


@cli.command()
@data_option()
@ocr_pages_option()
def build(data_dir) -> None:
    """Re-parse every archived report into DIR/nianbao.db (no network).

    The new database replaces the old in one step at the end: `nianbao serve` answers from
    the old until then. Exits 75 while a crawl holds the directory."""
    from pathlib import Path

    from archive.build import build as build_database
    from archive.lock import CrawlLocked

    warc = Path(data_dir) / "warc"
    if not warc.is_dir():
        raise click.ClickException(f"{warc}: no archive here (run `nianbao crawl` first)")
    total = sum(p.stat().st_size for p in warc.glob("*.warc.gz*"))
    try:
        with click.progressbar(
            length=total, label="Re-parsing the archive", file=sys.stderr
        ) as bar:
            summary = build_database(
                Path(data_dir),
                progress=bar.update,
                errors=lambda message: click.echo(f"nianbao build: {message}", err=True),
            )
    except CrawlLocked as error:
        click.echo(f"nianbao build: {error}", err=True)
        raise SystemExit(75) from None  # EX_TEMPFAIL: try again once the crawl is done
    except KeyboardInterrupt:
        click.echo("\nnianbao build: interrupted", err=True)
        raise SystemExit(130) from None
    click.echo(f"nianbao build: {summary.line()}", err=True)


@cli.command()
@data_option()
@click.option("--port", type=int, default=8001, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
def serve(data_dir, port, host) -> None:
    """Serve the database read-only in Datasette, with metadata.yml and the plugins."""
    from pathlib import Path

    from nianbao.serve import PortInUse, check_port_free, checkpoint, datasette_command

    database = Path(data_dir) / "nianbao.db"
    if not database.is_file():
        raise click.ClickException(f"{database}: no database (run `nianbao build` first)")
    try:
        check_port_free(host, port, "--port")
    except PortInUse as error:
        raise click.ClickException(str(error)) from None
    checkpoint(database)
    command = datasette_command(database, host, port)
    click.echo(f"nianbao serve: http://{host}:{port}/", err=True)
    os.execvp(command[0], command)


@cli.command()
@data_option("demo-data", "Directory of the demo's nianbao.db and warc/ (emptied on each run).")
@click.option("--port", type=int, default=8001, show_default=True, help="Datasette's port.")
@click.option(
    "--portal-port", type=int, default=8002, show_default=True, help="The demo portal's port."
)
@click.option("--no-serve", is_flag=True, help="Stop after building the database.")
def demo(data_dir, port, portal_port, no_serve) -> None:
    """Crawl the bundled demo portal on 127.0.0.1, build the database and serve it."""
    from pathlib import Path

    from nianbao.demo.run import DemoError, run_demo

    try:
        run_demo(
            Path(data_dir),
            port=port,
            portal_port=portal_port,
            serve=not no_serve,
            echo=lambda line: click.echo(f"nianbao demo: {line}", err=True),
        )
    except DemoError as error:
        raise click.ClickException(str(error)) from None
    except KeyboardInterrupt:
        click.echo("nianbao demo: interrupted", err=True)
        raise SystemExit(130) from None


def main() -> None:
    cli()
