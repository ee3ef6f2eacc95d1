"""A least-recently-used cache bounded by size, by entries and by the size of its keys.

The explorer keys its caches on a page's parameters, which a client chooses: a key longer
than ``MAX_KEY_CHARS`` is not kept (the value is computed again each time), and at most
``max_items`` entries are, so neither long parameters nor answers that cost nothing (an empty
table) can grow the server without limit.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

#: The longest key kept, in characters of its strings (a parameter value is one).
MAX_KEY_CHARS = 1024


def key_chars(key: Any) -> int:
    """The characters of the strings in ``key`` (a string or nested tuples of them)."""
    if isinstance(key, str):
        return len(key)
    if isinstance(key, tuple):
        return sum(key_chars(part) for part in key)
    return 8


class Bounded:
    """A least-recently-used cache holding at most ``budget`` units (cells, bytes) in at
    most ``max_items`` entries, each with a key of at most ``MAX_KEY_CHARS``."""

    def __init__(self, budget: int, size: Callable[[Any], int], max_items: int = 4096) -> None:
        """Keep at most ``budget`` units, as measured by ``size``, in ``max_items`` entries."""
        self.budget, self.size, self.max_items = budget, size, max_items
        self._items: OrderedDict[Any, tuple[Any, int]] = OrderedDict()  # value, its size
        self._used = 0
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any:
        """The cached value, or None."""
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key][0]

    def put(self, key: Any, value: Any) -> None:
        """Keep ``value`` unless it alone exceeds the budget or its key is too long; evict the
        oldest to make room."""
        need = self.size(value)
        if need > self.budget or key_chars(key) > MAX_KEY_CHARS:
            return
        with self._lock:
            if key in self._items:
                self._used -= self._items.pop(key)[1]
            while self._items and (
                self._used + need > self.budget or len(self._items) >= self.max_items
            ):
                self._used -= self._items.popitem(last=False)[1][1]
            self._items[key] = (value, need)
            self._used += need

    @property
    def used(self) -> int:
        """The units the kept entries take, as ``size`` measured them."""
        with self._lock:
            return self._used

    def __len__(self) -> int:
        """How many entries are kept."""
        with self._lock:
            return len(self._items)


__all__ = ["MAX_KEY_CHARS", "Bounded", "key_chars"]
