"""Progress bars for management commands: drawn on a terminal, silent in scripts and cron."""

import contextlib
import shutil
import sys

from tqdm import tqdm


@contextlib.contextmanager
def progress_bars(stream=None, *, log: bool = False):
    """Yield a `progress(stage, done, total)` callback that draws one bar per stage on STREAM.

    Bars appear only when STREAM (standard error by default) is a terminal, so logs of scheduled
    runs stay clean; with LOG, a plain line is written there instead as each stage starts.
    """
    stream = stream or sys.stderr
    enabled = hasattr(stream, "isatty") and stream.isatty()
    state = {"stage": None, "bar": None}

    def progress(stage: str, done: int, total: int | None) -> None:
        if not enabled:
            if log and state["stage"] != stage:
                state["stage"] = stage
                stream.write(f"{stage}...\n")
                stream.flush()
            return
        if state["stage"] != stage:
            size = shutil.get_terminal_size()
            if state["bar"] is not None:
                state["bar"].close()
            state["stage"] = stage
            state["bar"] = tqdm(
                total=total,
                desc=stage,
                unit=" records",
                file=stream,
                # A terminal that reports no size (0 by 0) would otherwise get no bar at all.
                ncols=size.columns,
                nrows=size.lines,
            )
        bar = state["bar"]
        if total is not None and bar.total != total:
            bar.total = total
        bar.update(done - bar.n)

    try:
        yield progress
    finally:
        if state["bar"] is not None:
            state["bar"].close()
