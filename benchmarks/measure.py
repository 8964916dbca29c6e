"""Timing and per-stage peak memory inside a stage process, reported as JSON lines on stdout.

Peak memory is the process's resident-set high-water mark (VmHWM), reset to the current RSS just before
each run by writing 5 to /proc/self/clear_refs (Linux ≥ 4.0), so each figure is the peak during that run
only; processes the stage starts (Konclude, HermiT's JVM) are reported apart from RUSAGE_CHILDREN's ru_maxrss.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import resource
import signal
import statistics
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

SLOW_S = 60.0  # a stage whose warm-up takes longer is measured by that run alone (×1000, the ×100 build)


def status_mb(field: str) -> float:
    """A memory field of /proc/self/status (VmRSS, VmHWM) in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def reset_peak() -> float:
    """Collect garbage, reset the RSS high-water mark and return the RSS it starts from (MiB)."""
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")
    return status_mb("VmRSS")


def children_peak_mb() -> float:
    """Largest peak RSS of any finished child process (MiB)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def emit(event: str, stage: str, **fields: Any) -> None:
    """One JSON line for the parent process."""
    print(json.dumps({"event": event, "stage": stage, **fields}, default=str), flush=True)


def kill_children() -> None:
    """End the processes this process started (HermiT's JVM after a timeout), by their ids."""
    me = str(os.getpid())
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == me:
            os.kill(int(stat.parent.name), signal.SIGKILL)


class StageTimeout(BaseException):
    """A run over its time; not an Exception, so library code that catches those cannot swallow it."""


def on_alarm(signum: int, frame: object) -> None:
    raise StageTimeout


@contextlib.contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Raise StageTimeout in the code run within after seconds, and again every second should a bare
    `except:` in that code swallow it (rdflib has some)."""
    signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds, 1.0)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def one_run(fn: Callable[[], Any], timeout: int) -> tuple[dict[str, float], Any]:
    """Run fn once within timeout seconds; its wall time, peak RSS, starting RSS and largest child's peak RSS.
    The 'run' event restarts the parent's deadline, which is per run like the alarm."""
    emit("run", "", timeout=timeout)
    start_mb = reset_peak()
    started = time.perf_counter()
    with deadline(timeout):
        value = fn()
    seconds = time.perf_counter() - started
    sample = {"seconds": seconds, "peak_mb": status_mb("VmHWM"), "start_mb": start_mb, "child_mb": children_peak_mb()}
    return sample, value


def measure(
    stage: str,
    fn: Callable[[], Any],
    runs: int,
    timeout: int,
    info: Callable[[Any], dict] | None = None,
    reset: Callable[[], Any] | None = None,
) -> Any:
    """Warm up once, then time `runs` runs and emit the medians; a warm-up slower than SLOW_S (or runs=0) is the
    only run. A run over timeout seconds is reported as not finished (SIGALRM: Python code only). Before each
    later run the previous result is dropped (and reset called for what the stage keeps itself)."""
    emit("start", stage, timeout=timeout)
    try:
        first, value = one_run(fn, timeout)
        samples = [first] if first["seconds"] > SLOW_S or runs == 0 else []
        for _ in range(runs if not samples else 0):
            value = None
            if reset:
                reset()
            sample, value = one_run(fn, timeout)
            samples.append(sample)
    except StageTimeout:
        kill_children()
        emit("timeout", stage, timeout=timeout)
        return None
    except Exception as err:  # a failed stage is reported and the next one still runs
        emit("error", stage, message=f"{type(err).__name__}: {err}"[-1500:])
        return None
    medians = {key: statistics.median(s[key] for s in samples) for key in first}
    emit(
        "result",
        stage,
        **medians,
        runs=[round(s["seconds"], 4) for s in samples],
        warmup=samples[0] is not first,
        first_seconds=first["seconds"],  # the process's first (cold) run: the warm-up, or the only run
        info=info(value) if info else {},
    )
    return value
