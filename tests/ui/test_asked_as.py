"""ui.asked_as: a conversation keeps the role and source filter it is asked as."""

from __future__ import annotations

from ui import conversations as conv
from ui.asked_as import AskedAs, recall, remember


def _store_with_two() -> conv.Store:
    store, _ = conv.add_turn(conv.empty_store(), "Må vi varsle lege?", "kriminalomsorgen", {})
    store = remember(store, AskedAs.of("kriminalomsorgen", True, ["rundskriv"]))
    first = store["active"]
    store = {**store, "active": ""}
    store, _ = conv.add_turn(store, "Hva er taushetsplikt?", "jurist", {})
    store = remember(store, AskedAs.of("jurist", False, None))
    return {**store, "first": first}


def test_each_conversation_is_recalled_as_it_was_asked() -> None:
    store = _store_with_two()
    assert recall(store, store["first"]) == AskedAs("kriminalomsorgen", True, ("rundskriv",))
    assert recall(store) == AskedAs("jurist", False, ())  # the active one
    # It survives the browser's round trip as JSON.
    again = conv.parse_store(conv.dump_store(store))
    assert recall(again, store["first"]) == AskedAs("kriminalomsorgen", True, ("rundskriv",))


def test_without_a_record_the_last_questions_role_is_used_and_nothing_else_is_guessed() -> None:
    store, _ = conv.add_turn(conv.empty_store(), "Hei?", "spesialisthelse", {})
    assert recall(store) == AskedAs("spesialisthelse", False, ())
    assert recall(conv.empty_store()) is None and recall(store, "finnes-ikke") is None
    assert AskedAs.of("fengselsleder", None, None).role == "alle"
    # Nothing to remember in when no conversation is open.
    assert remember(conv.empty_store(), AskedAs("jurist")) == conv.empty_store()
