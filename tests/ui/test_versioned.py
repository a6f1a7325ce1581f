"""ui/versioned.py: parts made once per key and shared, only stale parts made again."""

from __future__ import annotations

import threading
import time

from ui.versioned import VersionedStore


def test_only_parts_whose_key_moved_are_made_again():
    store = VersionedStore()
    asked: list[list[str]] = []

    def make(stale):
        asked.append(list(stale))
        return {p: f"{p}@{keys[p]}" for p in stale}

    keys = {"a": 1, "b": 1, "c": 1}
    values, whole = store.parts("slot", keys, make, lambda parts: "+".join(parts.values()))
    assert values == {"a": "a@1", "b": "b@1", "c": "c@1"} and whole == "a@1+b@1+c@1"
    again, whole_again = store.parts("slot", keys, make, lambda parts: object())
    assert again == values and whole_again is whole  # the same objects, nothing made
    keys = {"a": 1, "b": 2, "c": 1}
    values, whole = store.parts("slot", keys, make, lambda parts: "+".join(parts.values()))
    assert asked == [["a", "b", "c"], ["b"]]
    assert values["b"] == "b@2" and whole == "a@1+b@2+c@1"
    assert store.made == 4
    # Another slot is made on its own.
    store.parts("other", keys, make)
    assert asked[-1] == ["a", "b", "c"]


def test_concurrent_readers_of_a_slot_wait_for_one_computation():
    store = VersionedStore()
    calls = []

    def make(stale):
        calls.append(stale)
        time.sleep(0.05)  # long enough for every reader to arrive while it is being made
        return {p: object() for p in stale}

    results = []
    threads = [
        threading.Thread(target=lambda: results.append(store.parts("s", {"x": 1}, make)[0]["x"]))
        for _ in range(10)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert len(results) == 10 and all(r is results[0] for r in results)


def test_derived_values_follow_the_keys_and_slots_are_bounded():
    store = VersionedStore(max_slots=2)
    made = []
    assert store.derived("s", "sv", {"x": 1}, lambda: made.append("sv") or 1) == 1
    assert store.derived("s", "sv", {"x": 1}, lambda: made.append("again") or 2) == 1
    assert store.derived("s", "en", {"x": 1}, lambda: made.append("en") or 3) == 3
    assert store.derived("s", "sv", {"x": 2}, lambda: made.append("moved") or 4) == 4
    assert made == ["sv", "en", "moved"]
    for slot in ("t", "u"):
        store.parts(slot, {"x": 1}, lambda stale: {p: 0 for p in stale})
    assert store.derived("s", "sv", {"x": 2}, lambda: 5) == 5  # "s" was dropped (least recent)
