"""Progress on long steps (loading, validating, exporting): live lines on a terminal, quiet elsewhere.

``Steps`` is what the loader's ``progress=`` callback receives: each call with a message
begins a step. On an interactive terminal (rich decides: stderr is a TTY and ``TERM`` is not
``dumb``; ``TTY_COMPATIBLE=1 TTY_INTERACTIVE=1`` force it, ``TTY_INTERACTIVE=0`` turns it
off) every step is a line with a spinner and its elapsed time, ticked when the next begins.
Anywhere else (a pipe, a log file, the tests) nothing is shown, unless a ``title`` is to be
announced, as ``clustergraph serve`` does on its first start, or ``verbose`` asks for each
step as a plain line.

A step whose size is known (the bytes of a file being loaded) is begun with ``Steps.sized``,
which returns a function to call with each amount done: on a terminal the step gets a bar
with the share done and the time left; elsewhere it is a step like any other. ``sized_step``
does the same for any ``progress=`` callback, so library code need not know what it was given.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import Self, TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

Advance = Callable[[int], None]


class Steps:
    """A context in which a long task reports its steps; call it with a message to begin one.

    A message whose first word is the running step's first word continues that step
    (``parsed a.trig``, ``parsed b.trig``: one step that counts two), so a step per file does
    not fill the screen. ``title`` is printed before the first step: on a terminal always,
    elsewhere when ``announce``; then, after the last, how long the steps took.
    """

    def __init__(
        self,
        title: str | None = None,
        *,
        announce: bool = False,
        verbose: bool = False,
        stream: TextIO | None = None,
    ) -> None:
        self.title = title
        self.announce = announce
        self.verbose = verbose
        self._stream = stream or sys.stderr
        self._console = Console(file=self._stream)
        self.live = self._console.is_interactive
        self._display: Progress | None = None
        self._task: TaskID | None = None
        self._word = ""
        self._count = 0
        self._size = 1
        self._started: float | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if error is None:
            self.finish()
        else:
            self.close()

    def __call__(self, message: str) -> None:
        """Begin a step described by ``message`` (or continue the running one, see the class)."""
        if self._started is None:
            self._started = time.perf_counter()
            self._announce()
        word = message.split(" ", 1)[0]
        continues = word == self._word
        self._count = self._count + 1 if continues else 1
        self._word = word
        if self.live:
            self._show(message, continues)
        elif self.verbose:
            self._line(message)

    def sized(self, message: str, total: int) -> Advance:
        """Begin a step of ``total`` units (e.g. bytes); call the result with each amount done."""
        self(message)
        if not self.live or self._display is None or self._task is None or total <= 0:
            return _ignore
        display, task = self._display, self._task
        display.update(task, total=total, completed=0, sized=True)
        self._size = total
        return lambda amount: display.advance(task, amount)

    def finish(self) -> None:
        """Tick the last step and stop; say how long the steps took when the title was shown."""
        self._tick()
        started = self._started
        self.close()  # the steps stay on the screen; the time goes below them
        if started is not None and self.title and (self.live or self.announce):
            self._line(f"{self.title}: done in {time.perf_counter() - started:.1f} s")

    def close(self) -> None:
        """Stop the display, the last step left unticked (it failed, or ``finish`` came first)."""
        if self._display is not None:
            self._display.stop()
            self._display = None
        self._started = None

    def _announce(self) -> None:
        if self.title and (self.live or self.announce):
            self._line(f"{self.title} ...")

    def _show(self, message: str, continues: bool) -> None:
        if self._display is None:
            self._display = Progress(
                SpinnerColumn(finished_text="[green]✓[/]"),
                TextColumn("{task.description}", markup=False),
                _SizedOnly(BarColumn(bar_width=30)),
                _SizedOnly(TextColumn("{task.percentage:>3.0f}%")),
                _SizedOnly(TimeRemainingColumn()),
                TimeElapsedColumn(),
                console=self._console,
                transient=False,
                refresh_per_second=8,
            )
            self._display.start()
        described = f"{message} [{self._count}]" if continues else message
        if continues and self._task is not None:
            self._display.update(self._task, description=described)
            return
        self._tick()
        self._task = self._display.add_task(described, total=1, sized=False)
        self._size = 1

    def _tick(self) -> None:
        """Mark the running step done."""
        if self._display is not None and self._task is not None:
            self._display.update(self._task, completed=self._size)

    def _line(self, text: str) -> None:
        if self._display is not None:
            self._display.console.print(text, markup=False, highlight=False)
        else:
            self._stream.write(text + "\n")
            self._stream.flush()


def sized_step(progress: Callable[[str], None] | None, message: str, total: int) -> Advance:
    """Begin a sized step on ``progress`` (a bar when it is ``Steps`` on a terminal); returns the
    function to report each amount done (which does nothing when there is nothing to show)."""
    if isinstance(progress, Steps):
        return progress.sized(message, total)
    if progress is not None:
        progress(message)
    return _ignore


def _ignore(amount: int) -> None:
    """Progress nobody shows."""


class _SizedOnly:
    """A column shown only for steps begun with ``Steps.sized`` (plain steps have no size)."""

    def __init__(self, column) -> None:
        self._column = column

    def __call__(self, task: Task):
        return self._column(task) if task.fields.get("sized") else Text("")

    def get_table_column(self):
        return self._column.get_table_column()
