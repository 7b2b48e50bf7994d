"""A bounded, thread-safe memo for pure functions of plain data (the page shell's drawing).

`freeze` turns template params (dicts, lists, strings, numbers, Markup) into a hashable key
that keeps every distinction the output could depend on: Markup from str (one is escaped,
the other not), True from 1, a list from a tuple. Anything else is refused (Unmemoisable),
and the caller then draws without the memo.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any


class Unmemoisable(TypeError):
    pass


def freeze(value: Any) -> Hashable:
    if hasattr(value, "__html__"):  # Markup, Django's SafeString: drawn without escaping
        return ("markup", str(value.__html__()))
    if isinstance(value, str):
        return ("str", str(value))
    if value is None or isinstance(value, bool | int | float):
        return (type(value).__name__, value)
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise Unmemoisable("a dict with keys other than strings")
        return ("dict", tuple(sorted((k, freeze(v)) for k, v in value.items())))
    if isinstance(value, list | tuple):
        return (type(value).__name__, tuple(freeze(v) for v in value))
    raise Unmemoisable(f"{type(value).__name__} is not plain data")


class BoundedMemo:
    """Values by key, oldest dropped first once their total length passes max_chars."""

    def __init__(self, max_chars: int) -> None:
        self.max_chars = max_chars
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._chars = 0
        self._lock = threading.Lock()

    def get_or_make(self, key: Hashable, make: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = make()
        size = len(value) if isinstance(value, str) else 1
        if size > self.max_chars:
            return value
        with self._lock:
            if key not in self._values:
                self._values[key] = value
                self._chars += size
                while self._chars > self.max_chars:
                    _, dropped = self._values.popitem(last=False)
                    self._chars -= len(dropped) if isinstance(dropped, str) else 1
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self._chars = 0
