"""Worker processes: -j is capped at what helps, and workers die with their parent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from briefgen import batch, engine

ROOT = Path(__file__).resolve().parent.parent


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie waiting for its (dead) parent's reaper is gone for our purpose
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[-1].split()[0] != "Z"
    except OSError:
        return True


@pytest.mark.parametrize(("jobs", "tasks"), [(1000, None), (1000, 3), (None, 1), (1, 50)])
def test_processes_jobs_capped_at_cpus_and_tasks(jobs, tasks):
    got = engine.capped_jobs(jobs, tasks)
    assert 1 <= got <= engine.default_jobs()
    if tasks is not None:
        assert got <= tasks
    if jobs == 1:
        assert got == 1


def test_processes_engine_workers_capped(monkeypatch):
    monkeypatch.setattr(engine, "default_jobs", lambda: 2)
    assert engine.Workers("local", jobs=1000).jobs == 2
    # a dask cluster's workers may be other machines: -j is not capped there
    assert engine.Workers("dask", jobs=8).jobs == 8


def test_processes_build_many_pool_capped(monkeypatch, tmp_path):
    sizes = []

    class Pool:
        def __init__(self, max_workers, initializer=None):
            sizes.append(max_workers)
            assert initializer is engine.die_with_parent

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def submit(self, fn, *args):
            from concurrent.futures import Future

            future: Future = Future()
            future.set_result(fn(*args))
            return future

    monkeypatch.setattr(batch, "ProcessPoolExecutor", Pool)
    monkeypatch.setattr(batch, "build_one", lambda f, *a: batch.BuildResult(Path(f).stem))
    monkeypatch.setattr(engine, "default_jobs", lambda: 4)
    results = batch.build_many(
        [tmp_path / "ve.yaml", tmp_path / "cu.yaml"], tmp_path, ["html"], None, jobs=1000
    )
    assert [r.country for r in results] == ["ve", "cu"]
    assert sizes == [2]  # two sheets: two processes, not 1000


CHILD = textwrap.dedent(
    """
    import sys, time
    from concurrent.futures import ProcessPoolExecutor
    from briefgen.engine import die_with_parent

    def nap(_):
        import os
        time.sleep(120)
        return os.getpid()

    pool = ProcessPoolExecutor(max_workers=2, initializer=die_with_parent)
    futures = [pool.submit(nap, i) for i in range(2)]
    while len(pool._processes) < 2:
        time.sleep(0.05)
    time.sleep(0.5)  # the initializers have run
    print(" ".join(str(p) for p in pool._processes), flush=True)
    time.sleep(120)
    """
)


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc to see the workers")
def test_processes_workers_die_with_killed_parent(tmp_path):
    script = tmp_path / "parent.py"
    script.write_text(CHILD, encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, str(script)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        line = proc.stdout.readline()
        workers = [int(p) for p in line.split()]
        assert len(workers) == 2, line
        assert all(_alive(p) for p in workers)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        deadline = time.monotonic() + 30
        while any(_alive(p) for p in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [p for p in workers if _alive(p)], "workers outlived their parent"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
        proc.stdout.close()
        for p in workers if "workers" in locals() else []:
            if _alive(p):
                os.kill(p, signal.SIGKILL)
