"""What every store must do, written against the `reader.store.Store` interface only (no SQL,
no file): the `store` fixture (conftest.py) runs it on SQLite and on an in-memory store."""

from __future__ import annotations

import threading

import pytest

from reader.editing import gallery_version
from reader.errors import InputError, NotFound
from reader.importers import parse_source
from reader.model import Gallery, Item, StoredImage
from reader.search import search
from reader.store import Store
from tests.conftest import SEED


def small(title="Harbour at night", source=None, n=2, *, date=None, section=None,
          captions=None, standfirst=None) -> Gallery:
    captions = captions or [f"Boat {k}." for k in range(1, n + 1)]
    return Gallery(title=title, source=source, lang="en", date=date, section=section,
                   standfirst=standfirst,
                   items=[Item(position=k, caption=c, credit="Agency")
                          for k, c in enumerate(captions, start=1)])


def image(key_char="a") -> StoredImage:
    return StoredImage(key=key_char * 64, format="JPEG", width=640, height=480, size=1234,
                       name="p.jpg")


def test_it_implements_the_interface(store):
    assert isinstance(store, Store)
    assert store.migrate() >= 1 and store.is_empty()


# -- galleries -------------------------------------------------------------------------------
def test_the_seed_comes_back_character_for_character(store):
    g = parse_source(SEED.read_bytes(), str(SEED))
    store.save(g)
    back = store.get(g.slug)
    assert back.items == g.items and back.warnings == g.warnings
    assert (back.title, back.standfirst, back.body, back.date, back.published, back.lang,
            back.source, back.section) == (g.title, g.standfirst, g.body, g.date,
                                           g.published, g.lang, g.source, g.section)
    assert gallery_version(back) == gallery_version(store.get(g.slug))


def test_the_same_source_again_updates_in_place_and_keeps_the_slug(store):
    first = store.save(small(source="/x/a.txt"))
    again = store.save(small(title="Harbour at night, revised", source="/x/a.txt", n=3))
    assert again.slug == first.slug
    [summary] = store.list()
    assert (summary.item_count, summary.title) == (3, "Harbour at night, revised")


def test_slugs_are_readable_and_unique(store):
    a = store.save(small(title="Photos: Russia’s occupation of Kherson", source="/a"))
    b = store.save(small(title="Photos: Russia’s occupation of Kherson", source="/b"))
    assert (a.slug, b.slug) == ("russias-occupation-of-kherson",
                                "russias-occupation-of-kherson-2")


def test_a_gallery_without_source_is_found_again_by_its_slug(store):
    g = store.save(small())
    g.items[0].caption = "Changed."
    store.save(g)
    assert len(store.list()) == 1 and store.get(g.slug).items[0].caption == "Changed."


@pytest.mark.parametrize("bad", [
    small(title="  "), Gallery(title="No photos", lang="en"), small(),
])
def test_a_gallery_that_cannot_be_kept_is_refused_and_nothing_is_stored(store, bad):
    if bad.title == "Harbour at night":
        bad.slug = "Not A Slug"
    with pytest.raises(InputError):
        store.save(bad)
    assert store.is_empty()


def test_items_need_their_image_record_in_the_same_save(store):
    g = small()
    g.items[0].image = "a" * 64
    with pytest.raises(InputError, match="no stored image"):
        store.save(g)
    assert store.is_empty()
    store.save(g, [image("a")])
    assert store.get(g.slug).items[0].image == "a" * 64
    assert store.images(["a" * 64, "b" * 64, None]) == {"a" * 64: image("a")}


def test_delete_and_unknown_slugs(store):
    g = store.save(small())
    store.delete(g.slug)
    assert store.is_empty()
    with pytest.raises(NotFound):
        store.get(g.slug)
    with pytest.raises(NotFound):
        store.delete(g.slug)


def test_listing_is_newest_first_undated_last_with_filters(store):
    store.save(small("Old", "/1", date="2021-05-01", section="News"))
    store.save(small("New", "/2", date="2023-01-02", section="Features"))
    store.save(small("Undated", "/3"))
    store.save(small("Mid", "/4", date="2022-07-07", section="News"))
    assert [s.title for s in store.list()] == ["New", "Mid", "Old", "Undated"]
    page = store.list_page(1, 2)
    assert [s.title for s in page.galleries] == ["New", "Mid"] and page.pager.pages == 2
    assert [s.title for s in store.list_page(2, 2).galleries] == ["Old", "Undated"]
    assert [s.title for s in store.list_page(section="News").galleries] == ["Mid", "Old"]
    assert [s.title for s in store.list_page(year=2022).galleries] == ["Mid"]
    assert store.list_page(3, 2).galleries == []
    assert store.sections() == ["Features", "News"]
    assert store.years() == [2023, 2022, 2021]


def test_save_many_reports_a_bad_gallery_and_keeps_the_rest(store):
    done = list(store.save_many([small("One", "/1"), small(" ", "/2"), small("Three", "/3")],
                                batch_size=2))
    assert [e is None for _, e in done] == [True, False, True]
    assert sorted(s.title for s in store.list()) == ["One", "Three"]


# -- lexicon, accounts, throttle ---------------------------------------------------------------
def test_the_lexicon(store):
    store.set_pronunciation("Kyiv", "Keev")
    store.set_pronunciation("Kyiv", "Keeve")
    store.set_pronunciation("Bülent", "Bewlent")
    assert store.lexicon() == {"Bülent": "Bewlent", "Kyiv": "Keeve"}
    assert store.remove_pronunciation("Kyiv") and not store.remove_pronunciation("Kyiv")
    assert store.lexicon() == {"Bülent": "Bewlent"}


def test_lexicon_entries_keep_their_kind(store):
    store.set_pronunciation("Kyiv", "k'i:Ev", "phonemes")
    store.set_pronunciation("AFP", "A.F.P.", "spell")
    store.set_pronunciation("Las Siete Palabras", "es", "language")
    store.set_pronunciation("Bülent", "Bewlent")
    assert store.lexicon_entries() == {
        "AFP": ("A.F.P.", "spell"), "Bülent": ("Bewlent", "substitute"),
        "Kyiv": ("k'i:Ev", "phonemes"), "Las Siete Palabras": ("es", "language")}
    store.set_pronunciation("Kyiv", "Keev")  # replacing an entry replaces its kind too
    assert store.lexicon_entries()["Kyiv"] == ("Keev", "substitute")
    assert store.lexicon()["AFP"] == "A.F.P."
    with pytest.raises(Exception):  # noqa: B017  (SQLite's CHECK, the memory store's test)
        store.set_pronunciation("Odesa", "Odessa", "shout")
    assert "Odesa" not in store.lexicon_entries()


def test_accounts(store):
    ada = store.add_user("ada", "hash1", "stamp1", "2026-01-01T00:00:00+00:00")
    assert ada is not None and ada.name == "ada"
    assert store.add_user("ADA", "hash2", "stamp2", "2026-01-01T00:00:00+00:00") is None
    assert store.user_by_name("Ada") == (ada, "hash1")
    assert store.user(ada.id) == ada and store.user(ada.id + 1000) is None
    assert store.set_password_hash("ada", "hash3", "stamp3")
    assert store.user_by_name("ada")[1] == "hash3"
    assert store.user(ada.id).session_stamp == "stamp3"
    store.set_session_stamp(ada.id, "stamp4")
    assert store.user(ada.id).session_stamp == "stamp4"
    store.add_user("bob", "h", "s", "2026-01-02T00:00:00+00:00")
    assert [u.name for u in store.users()] == ["ada", "bob"]
    assert store.remove_user("ada") and not store.remove_user("ada")
    assert not store.set_password_hash("ada", "x", "y")
    assert store.user_by_name("ada") is None


def test_the_throttles_counts(store):
    store.record_sign_in_failure("account:ada", 5, at=100.0, blocked_until=130.0)
    store.record_sign_in_failure("address:1", 2, at=50.0, blocked_until=50.0)
    assert store.sign_in_failures("account:ada") == 5
    assert store.blocked_until(["account:ada", "address:1"]) == 130.0
    assert store.blocked_until(["nobody"]) == 0.0
    store.forget_sign_in_failures(before=60.0)
    assert store.sign_in_failures("address:1") == 0
    store.clear_sign_in_failures(["account:ada"])
    assert store.sign_in_failures("account:ada") == 0


def test_a_whole_library_checks_clean(store):
    store.save(small("Kherson after the retreat", "/1"))
    assert store.check() == [] and store.check(full=True) == []


def test_a_sign_in_attempt_is_checked_and_counted_at_once(store):
    def delay(key: str, failures: int) -> float:
        return 30.0 if failures >= (2 if key == "pair" else 3) else 0.0

    assert store.count_sign_in_attempt(["pair", "addr"], 100.0, 0.0, delay) == 0.0
    assert store.sign_in_failures("pair") == 1 and store.sign_in_failures("addr") == 1
    assert store.count_sign_in_attempt(["pair", "addr"], 101.0, 0.0, delay) == 0.0
    # The second attempt was admitted but set the block: the third is refused, not counted.
    assert store.count_sign_in_attempt(["pair", "addr"], 102.0, 0.0, delay) == 131.0
    assert store.sign_in_failures("pair") == 2 and store.sign_in_failures("addr") == 2
    # Another pair from the same address still gets in, and counts for the address.
    assert store.count_sign_in_attempt(["other", "addr"], 103.0, 0.0, delay) == 0.0
    assert store.blocked_until(["addr"]) == 133.0
    # Counts last seen before forget_before are forgotten first.
    assert store.count_sign_in_attempt(["pair", "addr"], 5000.0, 4000.0, delay) == 0.0
    assert store.sign_in_failures("pair") == 1 and store.sign_in_failures("other") == 0


def test_simultaneous_attempts_are_admitted_one_at_a_time(store):
    """24 threads at once: exactly as many are admitted as the policy allows."""
    import threading

    def delay(key: str, failures: int) -> float:
        return 60.0 if failures >= 5 else 0.0

    admitted: list[float] = []
    start = threading.Barrier(24)

    def attempt():
        start.wait()
        admitted.append(store.count_sign_in_attempt(["k"], 100.0, 0.0, delay))

    threads = [threading.Thread(target=attempt) for _ in range(24)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert admitted.count(0.0) == 5 and admitted.count(160.0) == 19
    assert store.sign_in_failures("k") == 5


# -- search ----------------------------------------------------------------------------------
def test_search_every_word_prefixes_and_folded_accents(store):
    store.save(small("Kherson after the retreat", "/1", standfirst="A city freed.",
                     captions=["Residents greet soldiers.", "Bülent Çelik at work."]))
    store.save(small("Harbour", "/2", captions=["A boat in Kherson port.", "Fishing boats."]))
    assert {(h.slug, h.position) for h in search(store, "kher").hits} == {
        ("kherson-after-the-retreat", 1), ("harbour", 1)}
    assert [h.position for h in search(store, "bulent").hits] == [2]
    assert search(store, "BÜLENT celik").total == 1
    assert search(store, "kherson fishing").total == 0
    hit = search(store, "freed").hits[0]  # the gallery's own words sit on its first photo
    assert (hit.position, hit.standfirst, hit.marks["standfirst"]) == (1, "A city freed.",
                                                                      [(7, 12)])


def test_search_follows_every_save_and_delete(store):
    g = store.save(small(captions=["A lighthouse.", "A pier."]))
    g.items[0].caption = "A windmill."
    store.save(g)
    assert search(store, "lighthouse").total == 0 and search(store, "windmill").total == 1
    store.delete(g.slug)
    assert search(store, "windmill").total == 0


def test_search_pages_and_the_window(store):
    for n in range(5):
        store.save(small(f"Gallery {n}", f"/{n}", captions=["Common word."]))
    page = store.search(search_terms("common"), limit=2, offset=0, window=3)
    assert (page.total, page.more, len(page.rows)) == (3, True, 2)  # counted no further
    assert len(store.search(search_terms("common"), limit=10, offset=0, window=3).rows) == 3
    exact = store.search(search_terms("common"), limit=10, offset=0, window=5)
    assert (exact.total, exact.more, len(exact.rows)) == (5, False, 5)


def test_a_photo_alone_and_the_count(store):
    from reader.errors import NotFound

    store.save(small("Three photos", "/3", captions=["One.", "Two.", "Three."]))
    g, total = store.get_photo("three-photos", 2)
    assert (g.title, total, [(i.position, i.caption) for i in g.items]) == (
        "Three photos", 3, [(2, "Two.")])
    g, total = store.get_photo("three-photos", 4)
    assert (total, g.items) == (3, [])
    with pytest.raises(NotFound):
        store.get_photo("no-such", 1)


def test_a_shared_title_takes_the_next_free_number(store):
    slugs = [store.save(small("Same title", f"/s{n}")).slug for n in range(3)]
    assert slugs == ["same-title", "same-title-2", "same-title-3"]
    store.save(small("Same title 10", "/s10"))  # 'same-title-10': another title's slug
    assert store.save(small("Same title", "/s4")).slug == "same-title-11"


def search_terms(query):
    from reader.search import parse_query

    return parse_query(query)


# -- transactions ----------------------------------------------------------------------------
def test_a_transaction_is_all_or_nothing(store):
    with pytest.raises(RuntimeError), store.transaction():
        store.save(small("One", "/1"))
        store.set_pronunciation("Kyiv", "Keev")
        raise RuntimeError("stop")
    assert store.is_empty() and store.lexicon() == {}
    with store.transaction() as tx:
        tx.save(small("One", "/1"))
        tx.set_pronunciation("Kyiv", "Keev")
        assert tx.lexicon() == {"Kyiv": "Keev"}  # its own writes are visible inside
    assert len(store.list()) == 1 and store.lexicon() == {"Kyiv": "Keev"}


def test_transactions_of_many_threads_are_serialised(store):
    """Read-modify-write in a transaction from 4 threads at once loses no increment."""
    store.set_pronunciation("count", "0")
    start = threading.Barrier(4)
    errors = []

    def bump():
        try:
            start.wait()
            for _ in range(15):
                with store.transaction():
                    n = int(store.lexicon()["count"])
                    store.set_pronunciation("count", str(n + 1))
        except Exception as e:  # reported below, with the thread's error
            errors.append(e)

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and store.lexicon()["count"] == "60"


def test_the_media_cache_index(store):
    """The quota's index (reader/media/quota.py): sizes, least recently used first, pinned
    files outside the quota for good, and a row claimed once only (of two servers evicting
    the same file, one gets it)."""
    index = store.media_index()
    assert index.count() == 0 and index.used() == 0 and index.oldest(10) == []
    index.record("audio/ab/1.mp3", 100, False, at=10.0)
    index.record("audio/ab/2.mp3", 200, False, at=20.0)
    index.record("audio/ab/keep.mp3", 400, True, at=5.0)
    index.add_unknown([("exports/old.zip", 50), ("audio/ab/2.mp3", 999)])  # 2 is known
    assert index.count() == 4 and index.used() == 350  # pinned ones do not count
    assert index.oldest(10) == [("exports/old.zip", 50), ("audio/ab/1.mp3", 100),
                                ("audio/ab/2.mp3", 200)]
    index.touch("audio/ab/1.mp3", at=30.0)
    index.touch("audio/ab/missing.mp3", at=30.0)  # nothing to touch: no row is made
    assert [n for n, _ in index.oldest(2)] == ["exports/old.zip", "audio/ab/2.mp3"]
    index.record("audio/ab/keep.mp3", 400, False, at=40.0)  # once pinned, always pinned
    assert "audio/ab/keep.mp3" not in dict(index.oldest(10))
    assert index.claim("exports/old.zip") == 50
    assert index.claim("exports/old.zip") is None  # taken already
    assert index.used() == 300 and index.count() == 3
    assert store.media_index().used() == 300  # the store's, not the object's
