"""yiwang.core.recheck: a lookup trusted for a setting's seconds, per process."""

from __future__ import annotations

from yiwang.core.recheck import Rechecked


def counting(values):
    calls = []

    def load(key):
        calls.append(key)
        return values.get(key)

    return load, calls


def test_an_entry_is_trusted_for_the_settings_seconds_then_looked_up_again(settings, recheck_clock):
    settings.YIWANG_TEST_RECHECK = 2
    values = {"a": "first"}
    load, calls = counting(values)
    cache = Rechecked("YIWANG_TEST_RECHECK", load)

    assert cache.get("a") == "first"
    values["a"] = "changed elsewhere"
    recheck_clock.now += 1.9
    assert cache.get("a") == "first"  # within 2 s: not looked up again
    recheck_clock.now += 0.1
    assert cache.get("a") == "changed elsewhere"
    assert calls == ["a", "a"]


def test_zero_seconds_looks_up_on_every_call(settings, recheck_clock):
    settings.YIWANG_TEST_RECHECK = 0
    load, calls = counting({"a": 1})
    cache = Rechecked("YIWANG_TEST_RECHECK", load)

    cache.get("a")
    cache.get("a")

    assert calls == ["a", "a"]


def test_nothing_found_is_not_remembered(settings, recheck_clock):
    """A key issued a moment after a miss is found on the next call."""
    settings.YIWANG_TEST_RECHECK = 60
    values: dict[str, str] = {}
    load, _calls = counting(values)
    cache = Rechecked("YIWANG_TEST_RECHECK", load)

    assert cache.get("new") is None
    values["new"] = "issued"
    assert cache.get("new") == "issued"


def test_clear_forgets_at_once(settings, recheck_clock):
    settings.YIWANG_TEST_RECHECK = 60
    values = {"a": "active"}
    load, _calls = counting(values)
    cache = Rechecked("YIWANG_TEST_RECHECK", load)
    cache.get("a")
    values["a"] = "revoked"

    cache.clear()

    assert cache.get("a") == "revoked"


def test_the_entries_are_bounded_the_oldest_half_dropped(settings, recheck_clock):
    settings.YIWANG_TEST_RECHECK = 60
    load, calls = counting({n: n for n in range(10)})
    cache = Rechecked("YIWANG_TEST_RECHECK", load, max_entries=4)
    for n in range(4):
        cache.get(n)
        recheck_clock.now += 1

    cache.get(4)  # full: 0 and 1, the oldest, are dropped
    calls.clear()
    for n in (2, 3, 4, 0):
        cache.get(n)

    assert calls == [0]


def test_a_lookup_overtaken_by_a_clear_is_not_remembered(settings, recheck_clock):
    """A thread reads the key while another revokes it and clears: what the first read
    (the row before the revocation) must not outlive the clear."""
    settings.YIWANG_TEST_RECHECK = 60
    values = {"a": "active"}
    cache: Rechecked[str, str]

    def load(key):
        found = values[key]
        values[key] = "revoked"  # meanwhile, another thread revokes, commits, clears
        cache.clear()
        return found

    cache = Rechecked("YIWANG_TEST_RECHECK", load)

    assert cache.get("a") == "active"  # this request read it before the revocation
    cache.load = lambda key: values[key]
    assert cache.get("a") == "revoked"  # the next one looks again
