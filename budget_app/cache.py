"""A small in-process cache for immutable data (published snapshots, compressed bundles)."""
from __future__ import annotations

import threading
from collections import OrderedDict


class LRU:
    """A small thread-safe least-recently-used cache (published data is immutable: no expiry needed)."""

    def __init__(self, size: int):
        self.size, self.data, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key):
        with self.lock:
            if key in self.data:
                self.data.move_to_end(key)
                return self.data[key]
        return None

    def set(self, key, value):
        with self.lock:
            self.data[key] = value
            self.data.move_to_end(key)
            while len(self.data) > self.size:
                self.data.popitem(last=False)

    def clear(self):
        with self.lock:
            self.data.clear()

