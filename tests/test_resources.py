"""Compiled package data (briefgen.resources): the same answers as the packages, read fast."""

from __future__ import annotations

import pickle

import pytest
import simplemma

from briefgen import resources
from briefgen.extract import gazetteer, lemmas
from briefgen.reconcile.lexicon import Memo


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    """A process with no compiled data yet, writing it under ``tmp_path``."""
    monkeypatch.setenv("BRIEFGEN_RESOURCES", str(tmp_path))

    def reset() -> None:
        for cached in (resources.root, lemmas._factory, lemmas._lemmatizer, lemmas._lookup):
            cached.cache_clear()
        gazetteer.cities_of.cache_clear()
        lemmas._CACHE.clear()

    reset()
    yield tmp_path
    reset()


WORDS = ["visited", "signed", "Tanks", "agreements", "deliveries", "Maracay", "well-known", "x"]


def test_lemmas_through_the_compiled_table_are_simplemmas(fresh):
    got = {w: lemmas.lemma(w, "en") for w in WORDS}
    assert got == {w: simplemma.lemmatize(w.lower(), lang="en").lower() for w in WORDS}
    assert got["visited"] == "visit"
    (table,) = fresh.glob("*/en.sqlite3")  # compiled once, keyed by simplemma's version
    assert table.parent.name.endswith(f"simplemma{resources.package_version('simplemma')}")
    assert lemmas.is_word("agreement", "en") and not lemmas.is_word("maracay", "en")


def test_a_language_without_a_table_gives_the_word_itself(fresh):
    assert lemmas.lemma("Visitaron", "xx") == "visitaron"
    assert not lemmas.is_word("visitaron", "xx")


def test_without_a_writable_folder_the_package_is_read_directly(fresh, monkeypatch):
    blocked = fresh / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("BRIEFGEN_RESOURCES", str(blocked / "sub"))
    resources.root.cache_clear()
    assert resources.folder("simplemma") is None
    assert lemmas.lemma("visited", "en") == "visit"


def test_the_gazetteer_is_read_back_as_it_was_computed(fresh):
    codes, exclude = frozenset({"VE", "CU"}), frozenset({"Caracas"})
    first = gazetteer.cities_of(codes, exclude=exclude)
    assert list(fresh.glob("*/cities-*.json"))
    gazetteer.cities_of.cache_clear()
    again = gazetteer.cities_of(codes, exclude=exclude)
    assert again == first == gazetteer._cities_of(codes, exclude=exclude)
    assert list(again) == list(first)  # in the same order
    assert "Maracaibo" in again and "Caracas" not in again


def test_a_memo_computes_once_and_travels_empty():
    memo, calls = Memo(size=2), []

    def compute(x: int) -> int:
        calls.append(x)
        return x * 2

    assert [memo.get("t", k, lambda k=k: compute(k)) for k in (1, 1, 2, 1)] == [2, 2, 4, 2]
    assert calls == [1, 2]
    memo.get("t", 3, lambda: compute(3))  # full: emptied, still right
    assert memo.get("t", 1, lambda: compute(1)) == 2
    assert pickle.loads(pickle.dumps(memo)).tables == {}
