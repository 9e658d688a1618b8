"""Files: writing a file so that a reader never sees half of it.

Every artefact briefgen writes (fact sheets, briefings) goes through ``write_atomic``:
a temporary file beside the target, fsync, then ``os.replace``. A reader, or a run killed
at any moment, sees the old file or the new one, never a part of either.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import tempfile
import time
from pathlib import Path

log = logging.getLogger("briefgen.files")

# When this process started: a temp file (.<name>.<pid>.<random>.tmp) of a dead process
# that predates it was left by a killed write and may go.
_STARTED = time.time()


def write_atomic(target: Path, data: str | bytes) -> None:
    """Write ``data`` to ``target`` via a temp file beside it, fsync, then os.replace.

    Args:
        target (Path): the file to write; its directory is created when missing.
        data (str | bytes): the content; text is written as UTF-8 with "\\n" newlines.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(target)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(
        prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=target.parent
    )
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes it 0600; the target is an ordinary file
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def remove_stale_temps(target: Path) -> None:
    """Delete temp files an earlier, killed write of ``target`` left behind.

    A temp file is stale when the process in its name is gone and it predates this run;
    a concurrent writer's temp file (live pid) is left alone.
    """
    for tmp in target.parent.glob(f".{_glob_escape(target.name)}.*.tmp"):
        pid = tmp.name[len(target.name) + 2 :].split(".", 1)[0]
        try:
            if tmp.stat().st_mtime >= _STARTED or (pid.isdigit() and _pid_alive(int(pid))):
                continue
            tmp.unlink()
            log.info("%s: removed a temporary file left by an interrupted write", tmp)
        except OSError:
            continue  # gone already, or not ours to remove


def _glob_escape(name: str) -> str:
    """``name`` with glob metacharacters escaped, for Path.glob."""
    return re.sub(r"([*?\[])", r"[\1]", name)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: alive, someone else's
        return True
    return True
