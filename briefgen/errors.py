"""Errors: one base class the CLI turns into a one-line message, one subclass per stage.

``BriefgenError`` is a ``click.ClickException``: click prints ``Error: …`` and exits
with ``exit_code`` — 1 for findings and failures, 2 for usage and unreadable input.
Every message names the file (and line or YAML path when known), the fault and the fix.
"""

from __future__ import annotations

import errno

import click


class BriefgenError(click.ClickException):
    """Any failure the user can fix: findings, I/O. Exit 1."""

    exit_code = 1


class UsageError(BriefgenError):
    """Bad arguments or unreadable input: exit 2."""

    exit_code = 2


class CountryError(UsageError):
    """A country argument that names no known country."""


class ConfigError(UsageError):
    """A configuration file or lexicon that cannot be read."""


class IngestError(UsageError):
    """A corpus that cannot be read at all (single bad files only warn)."""


class SheetError(UsageError):
    """A fact sheet that cannot be parsed; its file is never rewritten."""


class RenderError(BriefgenError):
    """A briefing that cannot be rendered or written (templates, formats, output dir)."""


class VerifyError(BriefgenError):
    """A shown quote that no longer matches its document: the build is refused."""


_IO_FIXES = {
    errno.ENOSPC: "free some disk space and run the command again",
    errno.EDQUOT: "free some disk space and run the command again",
    errno.EACCES: "check the permissions of the file and its folder",
    errno.EPERM: "check the permissions of the file and its folder",
    errno.EROFS: "the file system is read-only; choose a writable folder",
    errno.ENAMETOOLONG: "choose a shorter path",
}


def io_message(exc: OSError) -> str:
    """One line for an I/O failure (exit 1): the file, the fault, the fix."""
    name = exc.filename if exc.filename is not None else "briefgen"
    fix = _IO_FIXES.get(exc.errno or 0, "check the path and the disk")
    return f"{name}: {exc.strerror or exc}; {fix}"
