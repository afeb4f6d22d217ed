"""Issue 15, finding 1: anyone could fill the disk through the render-on-request routes, and
a full disk took the site down. Now the cache has a quota (least recently used out, the
default voice and rate kept), renders are admitted per client (429 + Retry-After), site.zip is
one file whatever the reader's speech settings, and on a full disk (a real 4 MiB tmpfs)
readers get every page and cached file while writers get 507 with nothing half-written."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from reader.importers import parse_source
from reader.store import Library
from reader.web import create_app
from tests.conftest import SEED, downloaded, fill


def seeded(instance: Path, **config):
    library = Library.in_instance(instance)
    gallery = library.save(parse_source(SEED.read_bytes(), str(SEED)))
    app = create_app({"TESTING": True, "LOAD_SAMPLE_IF_EMPTY": False, **config},
                     instance=instance)
    return app, gallery.slug


def at_rate(client, rate: int) -> None:
    client.set_cookie("reader_settings", f"speech_rate={rate}")


def stored_bytes(store, prefix: str) -> int:
    """What the store really holds (listed, not the quota's own index)."""
    return sum(size for _name, size in store.names(prefix))


def test_a_cache_fill_stays_under_the_quota_and_keeps_the_defaults(media_url, instance):
    quota = 3_000_000  # a render of caption 1 is ~0.8 MB (WAV, MP3, cues)
    app, slug = seeded(instance, MEDIA_URL=media_url, MEDIA_QUOTA_BYTES=quota,
                       MEDIA_RENDER_RATE="")
    client = app.test_client()
    default = client.get(f"/audio/{slug}/1.mp3")  # the configured voice and rate
    assert default.status_code == 200
    store = app.extensions["media"]
    default_names = {n for n, _ in store.names("audio/")}
    pinned = stored_bytes(store, "audio/")  # the default's files: outside the quota
    for rate in range(100, 400, 12):  # 25 new cache keys, ~4 files each
        at_rate(client, rate)
        r = client.get(f"/audio/{slug}/1.mp3")
        assert r.status_code == 200 and r.headers["X-Speech-Cache"] == "miss"
        assert len(r.data) > 1000  # received whole: the file is no longer being served
        assert stored_bytes(store, "audio/") - pinned <= quota
    assert store.evicted > 0
    assert default_names <= {n for n, _ in store.names("audio/")}  # never evicted
    client.delete_cookie("reader_settings")
    again = client.get(f"/audio/{slug}/1.mp3")
    assert again.headers["X-Speech-Cache"] == "hit" and again.data == default.data
    at_rate(client, 100)  # evicted long ago: made again on request, identical
    assert client.get(f"/audio/{slug}/1.mp3").headers["X-Speech-Cache"] == "miss"


def test_renders_beyond_the_clients_rate_get_429_with_retry_after(instance):
    app, slug = seeded(instance, MEDIA_RENDER_RATE="3/minute")
    client = app.test_client()
    for rate in (150, 160, 170):
        at_rate(client, rate)
        assert client.get(f"/audio/{slug}/1.mp3").status_code == 200
    at_rate(client, 180)
    refused = client.get(f"/audio/{slug}/1.mp3")
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "try again" in refused.get_data(as_text=True)
    at_rate(client, 150)  # already made: always served
    assert client.get(f"/audio/{slug}/1.mp3").status_code == 200
    client.delete_cookie("reader_settings")  # the configured default is never refused
    assert client.get(f"/audio/{slug}/2.mp3").status_code == 200
    other = app.test_client()
    at_rate(other, 180)
    r = other.get(f"/audio/{slug}/1.mp3", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert r.status_code == 200  # another client has its own allowance


def test_site_zip_is_one_file_whatever_the_speech_settings(instance):
    app, slug = seeded(instance, MEDIA_RENDER_RATE="")
    client = app.test_client()
    first = downloaded(client, f"/g/{slug}/site.zip")  # built in the background: polled
    at_rate(client, 300)
    client.set_cookie("reader_settings", "speech_rate=300&speech_describe=on")
    second = downloaded(client, f"/g/{slug}/site.zip")
    assert first.status_code == second.status_code == 200
    assert first.data == second.data
    store = app.extensions["media"]
    assert len([n for n, _ in store.names("exports/") if n.endswith("-site.zip")]) == 1
    # The EPUB speaks with the reader's own settings, so it is one file per setting.
    client.delete_cookie("reader_settings")
    assert downloaded(client, f"/g/{slug}/book.epub").status_code == 200
    at_rate(client, 300)
    assert downloaded(client, f"/g/{slug}/book.epub").status_code == 200
    assert len([n for n, _ in store.names("exports/") if n.endswith(".epub")]) == 2


def test_on_a_full_disk_readers_get_everything_and_writers_a_clean_507(small_disk):
    instance = small_disk / "instance"
    instance.mkdir()
    app, slug = seeded(instance, MEDIA_MIN_FREE_BYTES=0, MEDIA_RENDER_RATE="")
    client = app.test_client()
    cached = client.get(f"/audio/{slug}/1.mp3")
    assert cached.status_code == 200
    before = sorted(p.relative_to(instance) for p in instance.rglob("*") if p.is_file())
    filler = fill(small_disk)
    with pytest.raises(OSError) as e:
        (small_disk / "one-more").write_bytes(b"x" * 4096)
    assert e.value.errno == errno.ENOSPC  # the disk really is full

    for page in ("/", f"/g/{slug}/", f"/g/{slug}/1", "/search?q=Kherson", "/settings",
                 f"/api/galleries/{slug}"):
        assert client.get(page).status_code == 200, page
    again = client.get(f"/audio/{slug}/1.mp3")
    assert again.status_code == 200 and again.data == cached.data
    assert client.get(f"/audio/{slug}/1.mp3", headers={"Range": "bytes=0-99"}).status_code == 206

    at_rate(client, 333)
    refused = client.get(f"/audio/{slug}/1.mp3")
    assert refused.status_code == 507, refused.get_data(as_text=True)[:300]
    client.delete_cookie("reader_settings")
    assert client.get(f"/g/{slug}/site.zip").status_code == 507
    (small_disk / "one-more").unlink(missing_ok=True)
    after = sorted(p.relative_to(instance) for p in instance.rglob("*") if p.is_file())
    half = [p for p in after if p.name.startswith(".partial-")]
    assert not half, half  # nothing half-written
    new = set(after) - set(before)
    assert not [p for p in new if p.parts[0] in ("audio", "exports")], new

    os.unlink(filler)  # room again: the writer's request now works
    at_rate(client, 333)
    assert client.get(f"/audio/{slug}/1.mp3").status_code == 200
