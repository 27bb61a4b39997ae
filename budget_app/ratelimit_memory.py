"""Rate limits counted in the worker's memory without a thread per request.

``limits``' ``memory://`` storage removes expired counters from a ``threading.Timer`` that it
starts again on every hit once the previous one (10 ms) has run: a new thread for nearly every
rate-limited request. Starting a thread waits until the new thread has been scheduled, which on
a busy machine costs milliseconds to tens of milliseconds per request (profiled with py-spy on a
gunicorn worker answering consultation codes: 9 % of its samples were in ``Thread.start``).

``sharaka-memory://`` is the same storage whose sweep of expired counters runs in the request
itself, at most once a second. Nothing else changes: a counter is read through ``get``, which
already drops it once expired, so limits are enforced exactly as before; the sweep only frees
the memory of counters nobody asks about any more.
"""
from __future__ import annotations

import threading
import time

from limits.storage import MemoryStorage

SWEEP_SECONDS = 1.0


class _NoTimer:
    """Stands in for the storage's timer: never started, yet reported alive, so the parent class
    (which asks before starting a new one) never starts a thread."""

    def is_alive(self) -> bool:
        return True

    def cancel(self) -> None:
        pass

    def start(self) -> None:
        pass


class SweepingMemoryStorage(MemoryStorage):
    STORAGE_SCHEME = ["sharaka-memory"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.timer.cancel()  # the one the parent started
        self.timer = _NoTimer()
        self._sweep_lock = threading.Lock()
        self._next_sweep = time.monotonic() + SWEEP_SECONDS

    def _sweep(self) -> None:
        now = time.monotonic()
        if now >= self._next_sweep and self._sweep_lock.acquire(blocking=False):
            try:
                self._next_sweep = now + SWEEP_SECONDS
                self._MemoryStorage__expire_events()
            finally:
                self._sweep_lock.release()

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        self._sweep()
        return super().incr(key, expiry, amount)

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        self._sweep()
        return super().acquire_entry(key, limit, expiry, amount)

    def reset(self) -> int | None:
        self._next_sweep = time.monotonic() + SWEEP_SECONDS
        return super().reset()
