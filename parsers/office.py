"""Binary Word files (OLE .doc, Kingsoft .wps, RTF saved as .doc) → Layout.

LibreOffice converts them to DOCX, read by parsers.word; antiword reads the text when
LibreOffice is not installed. Converters run with a timeout in their own process group.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from parsers.layout import Layout, layout_from_text
from parsers.limits import CONVERT_TIMEOUT, ParseError
from parsers.word import layout_from_docx

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Process groups of the converters running in this process: a reader process told to stop at
# once (parsers.pool) ends them, as _run's own way out cannot be taken then.
_RUNNING: set[int] = set()
ZIP_MAGIC = b"PK\x03\x04"


def layout_from_word(data: bytes, fmt: str) -> Layout:
    """A .docx, .doc or .wps by what it holds: a zip is read as DOCX (a zip-based WPS is
    DOCX inside), anything else is converted."""
    if data.startswith(ZIP_MAGIC):
        return layout_from_docx(data)
    return layout_from_word_binary(data, fmt)


def layout_from_word_binary(data: bytes, fmt: str) -> Layout:
    """A binary Word file (OLE .doc, Kingsoft .wps, or RTF saved as .doc): LibreOffice
    converts it to DOCX; antiword reads the text when LibreOffice is not installed."""
    if not (data.startswith(OLE_MAGIC) or data.lstrip().startswith(b"{\\rtf")):
        raise ParseError("not a Word document")
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office:
        layout = layout_from_docx(convert_with_office(office, data, fmt))
        if not layout.rows:  # LibreOffice opens what it cannot read as an empty document
            raise ParseError(f"damaged .{fmt}: LibreOffice read no text in it")
        return layout
    antiword = shutil.which("antiword")
    if antiword and data.startswith(OLE_MAGIC):
        return _layout_from_antiword(antiword, data)
    raise ParseError(
        f"cannot read .{fmt}: install LibreOffice (apt-get install libreoffice-writer) or antiword"
    )


def convert_with_office(office: str, data: bytes, fmt: str) -> bytes:
    """The document converted to DOCX by LibreOffice headless, with a private profile so that
    a running LibreOffice neither takes the job over nor locks it out."""
    with tempfile.TemporaryDirectory(prefix="nianbao-office-") as tmp:
        source = Path(tmp) / f"input.{fmt}"
        source.write_bytes(data)
        out = Path(tmp) / "out"
        command = [
            office,
            f"-env:UserInstallation={(Path(tmp) / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "docx",
            "--outdir",
            str(out),
            str(source),
        ]
        _run(command, f"LibreOffice could not convert the .{fmt}")
        converted = out / "input.docx"
        if not converted.is_file():
            raise ParseError(f"damaged .{fmt}: LibreOffice could not convert it")
        return converted.read_bytes()


def _run(command: list[str], failure: str) -> bytes:
    """Run a converter with a timeout; the whole process group is killed when it hangs."""
    try:
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: soffice starts soffice.bin
        )
    except OSError as error:
        raise ParseError(f"{failure}: {error.strerror or error}") from error
    _RUNNING.add(process.pid)
    try:
        stdout, _ = process.communicate(timeout=CONVERT_TIMEOUT)
    except subprocess.TimeoutExpired as error:
        raise ParseError(f"{failure}: no answer in {CONVERT_TIMEOUT} s") from error
    finally:
        # Every way out — done, timed out, interrupted (Ctrl-C) — ends the group:
        # soffice.bin outlives an interrupted soffice otherwise.
        _end_group(process.pid)
        _RUNNING.discard(process.pid)
        if process.returncode is None:
            process.communicate()
    return stdout


def _end_group(group: int) -> None:
    try:
        os.killpg(group, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass  # the group is gone already


def end_converters() -> None:
    """Kill every converter this process runs, with its children."""
    for group in list(_RUNNING):
        _end_group(group)


def _layout_from_antiword(antiword: str, data: bytes) -> Layout:
    with tempfile.NamedTemporaryFile(suffix=".doc") as source:
        source.write(data)
        source.flush()
        text = _run([antiword, "-m", "UTF-8.txt", "-w", "0", source.name], "antiword failed")
    if not text.strip():
        raise ParseError("damaged .doc: antiword read no text")
    # antiword draws table rows as |cell|cell|: make them tab rows.
    lines = []
    for line in text.decode("utf-8", "replace").splitlines():
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|"):
            line = "\t".join(c.strip() for c in stripped[1:-1].split("|"))
        lines.append(line)
    layout = layout_from_text("\n".join(lines))
    layout.warnings.append("read by antiword: table cells may be misplaced")
    return layout
