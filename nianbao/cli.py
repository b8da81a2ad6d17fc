"""The `nianbao` command: one front for parsing, crawling, building and serving."""

from __future__ import annotations

import json
import sys

import click

from nianbao import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="nianbao")
def cli() -> None:
    """Archive of China's government information-disclosure annual reports (政府信息公开工作年度报告)."""


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "--indent", type=int, default=None, help="Pretty-print with this indent (not JSON Lines)."
)
def parse(paths: tuple[str, ...], indent: int | None) -> None:
    """Parse report files (.txt, .html, .pdf, .docx, .doc, .wps) into JSON, one object per line.

    An unreadable file gets a one-line error on stderr; the others are still parsed, and the
    exit status is 1 at the end.
    """
    from parsers import ParseError, parse_path

    failed = 0
    for path in paths:
        try:
            report = parse_path(path)
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


def main() -> None:
    cli()
