"""The one helper for slow work: run a callable on a QThreadPool, get its result on the GUI thread.

The callable never touches a widget: it receives a `report(done, total, label)` function for
progress and returns a value; the callbacks run on the GUI thread through queued signals.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QCoreApplication,
    QDeadlineTimer,
    QObject,
    QRunnable,
    QThreadPool,
    Signal,
    Slot,
)

T = TypeVar("T")
Report = Callable[[int, int, str], None]


class _Relay(QObject):
    """Lives on the GUI thread: signals emitted by a job arrive here, queued."""

    finished = Signal(object)
    failed = Signal(object)
    progressed = Signal(int, int, str)

    def __init__(self, job: _Job[Any], owner: Worker) -> None:
        super().__init__(owner)  # deleted with its worker: late results then go nowhere
        self.job = job
        self.owner = owner
        self.finished.connect(self._finished)
        self.failed.connect(self._failed)
        self.progressed.connect(self._progressed)

    @Slot(object)
    def _finished(self, result: object) -> None:
        self.owner._release(self)
        self.deleteLater()
        self.job.on_done(result)

    @Slot(object)
    def _failed(self, error: object) -> None:
        self.owner._release(self)
        self.deleteLater()
        if self.job.on_failed is not None:
            assert isinstance(error, BaseException)
            self.job.on_failed(error)

    @Slot(int, int, str)
    def _progressed(self, done: int, total: int, label: str) -> None:
        if self.job.on_progress is not None:
            self.job.on_progress(done, total, label)


class _Job(QRunnable, Generic[T]):
    """The runnable: calls the function on a pool thread and emits its outcome."""

    def __init__(
        self,
        function: Callable[[Report], T],
        on_done: Callable[[T], None],
        on_failed: Callable[[BaseException], None] | None,
        on_progress: Report | None,
    ) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.function = function
        self.on_done = on_done
        self.on_failed = on_failed
        self.on_progress = on_progress
        self.relay: _Relay | None = None

    def run(self) -> None:
        relay = self.relay
        assert relay is not None
        outcome: object
        try:
            outcome = self.function(relay.progressed.emit)
            signal = relay.finished
        except Exception as error:  # reported to the GUI thread, shown there in French
            outcome = error
            signal = relay.failed
        with contextlib.suppress(RuntimeError):  # the application quit meanwhile
            signal.emit(outcome)


class Worker(QObject):
    """Runs slow callables off the GUI thread; results come back as callbacks on the GUI thread."""

    def __init__(self, parent: QObject | None = None, threads: int = 2) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(threads)
        self._relays: set[_Relay] = set()

    def submit(
        self,
        function: Callable[[Report], T],
        on_done: Callable[[T], None],
        on_failed: Callable[[BaseException], None] | None = None,
        on_progress: Report | None = None,
    ) -> None:
        """Run `function(report)` on the pool; `on_done(result)` or `on_failed(error)` follows."""
        job: _Job[T] = _Job(function, on_done, on_failed, on_progress)
        relay = _Relay(job, self)
        job.relay = relay
        self._relays.add(relay)
        self.pool.start(job)

    @property
    def busy(self) -> bool:
        """Whether a job is running or its result has not been delivered yet."""
        return bool(self._relays)

    def wait_idle(self, timeout_ms: int = 30_000) -> bool:
        """Wait until every job has finished and delivered its result (tests, closing)."""
        deadline = QDeadlineTimer(timeout_ms)
        while self._relays and not deadline.hasExpired():
            self.pool.waitForDone(20)
            QCoreApplication.processEvents()
        return not self._relays

    def _release(self, relay: _Relay) -> None:
        self._relays.discard(relay)
