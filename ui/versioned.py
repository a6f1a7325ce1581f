"""A process-wide store of what is made once per data version and shared by every session.

A *slot* (e.g. the overview of one area, month and mode) holds *parts* (e.g. one indicator's
reading), each made under a key (the data versions it was made on). A reader names the key every
part has now; only the parts whose key moved are made again, in one call for all of them, and
the others are handed out as they are (the same objects: readers only read). One reader at a time
makes a slot's parts, so ten sessions arriving after an upload make them once; the others wait
for that and read it. Slots are few and bounded (least recently used dropped first).

Framework-free: ui/data.py holds one store per process in ``st.cache_resource`` (so clearing
Streamlit's resources, as tests do between runs, drops it too).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class _Slot:
    lock: threading.Lock = field(default_factory=threading.Lock)
    keys: dict[Hashable, Hashable] = field(default_factory=dict)
    parts: dict[Hashable, Any] = field(default_factory=dict)
    derived: dict[Hashable, tuple[tuple, Any]] = field(default_factory=dict)


class VersionedStore:
    """Parts per slot, remade only where their key changed (see the module docstring)."""

    def __init__(self, max_slots: int = 64) -> None:
        self._max_slots = max_slots
        self._lock = threading.Lock()
        self._slots: OrderedDict[Hashable, _Slot] = OrderedDict()
        self.made = 0  # parts made, in all (tests and the benchmark count recomputations)

    def _slot(self, slot: Hashable) -> _Slot:
        with self._lock:
            found = self._slots.get(slot)
            if found is None:
                found = self._slots[slot] = _Slot()
                while len(self._slots) > self._max_slots:
                    self._slots.popitem(last=False)
            else:
                self._slots.move_to_end(slot)
            return found

    def parts(
        self,
        slot: Hashable,
        keys: Mapping[Hashable, Hashable],
        make: Callable[[Sequence[Hashable]], Mapping[Hashable, Any]],
        derive: Callable[[dict[Hashable, Any]], Any] | None = None,
    ) -> tuple[dict[Hashable, Any], Any]:
        """Every part of `keys` as of its key, and `derive(parts)` (made again only when a
        part's key changed; None without `derive`).

        make: the parts named (those whose key changed, or never made) → {part: value}. It is
        called with the slot held, so concurrent readers of the slot wait for it.
        """
        s = self._slot(slot)
        with s.lock:
            stale = [part for part, key in keys.items() if s.keys.get(part, _NEVER) != key]
            if stale:
                made = make(stale)
                for part in stale:
                    s.parts[part] = made[part]
                    s.keys[part] = keys[part]
                self.made += len(stale)
            values = {part: s.parts[part] for part in keys}
            if derive is None:
                return values, None
            return values, self._derived(s, "", keys, lambda: derive(values))

    def derived(
        self,
        slot: Hashable,
        name: Hashable,
        keys: Mapping[Hashable, Hashable],
        make: Callable[[], Any],
    ) -> Any:
        """A value made from the slot's parts under `keys` (e.g. a summary per language), kept
        until a key moves."""
        s = self._slot(slot)
        with s.lock:
            return self._derived(s, name, keys, make)

    @staticmethod
    def _derived(s: _Slot, name: Hashable, keys: Mapping[Hashable, Hashable], make) -> Any:
        stamp = tuple(keys.items())
        kept = s.derived.get(name)
        if kept is not None and kept[0] == stamp:
            return kept[1]
        value = make()
        s.derived[name] = (stamp, value)
        return value


class _Never:
    """The key of a part never made (equal to no key)."""


_NEVER = _Never()
