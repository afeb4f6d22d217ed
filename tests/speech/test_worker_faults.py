"""The worker under load and faults, with the real engine: concurrency, deduplication, a
killed worker, a hung worker, bad text, no engine, a writer killed mid-write."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import numpy as np
import pytest

from reader.speech.cache import TEMP_PREFIX, AudioCache
from reader.speech.engine import EngineConfig
from reader.speech.script import MAX_CHARS, SpeechSettings
from reader.speech.service import Speech, TextError
from reader.speech.worker import EnginePool, RenderError
from reader.web import create_app
from tests.speech.conftest import envelope_correlation, pcm, unpaced


def _wait_busy(worker, limit=20.0):
    deadline = time.monotonic() + limit
    while worker.busy_since is None:
        assert time.monotonic() < deadline, "the job never started"
        time.sleep(0.005)


def test_twenty_simultaneous_first_requests_each_get_their_own_audio(instance, twenty_items):
    app = create_app({"TESTING": True, "LOAD_SAMPLE_IF_EMPTY": False}, instance=instance)
    speech = app.extensions["speech"]
    speech.pool = EnginePool()  # its own pool, so the counts below are this test's alone
    urls = []
    with app.test_request_context():
        from reader.web.media import item_media

        for gallery, item in twenty_items:
            urls.append(item_media(gallery, item)["speech"])
    assert len({s["text"] for s in urls}) == 20
    results: dict[int, bytes] = {}
    barrier = threading.Barrier(20)

    def fetch(n: int) -> None:
        client = app.test_client()
        barrier.wait()
        r = client.get(urls[n]["wav"])
        assert r.status_code == 200
        results[n] = r.data

    threads = [threading.Thread(target=fetch, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert sorted(results) == list(range(20))
    assert speech.renders == 20 and speech.pool.jobs_done == 20  # nothing rendered twice
    # Each answer is its own item's audio: it matches a fresh rendering of its own text
    # better than any other item's.
    # (The served clip is levelled to -16 LUFS with a peak limiter, which reshapes the
    # envelope a little: the own item must be the best match of all twenty, clearly.)
    fresh = [np.frombuffer(speech.pool.render(s["text"], s["voice"], s["rate"], 1.0).samples,
                           dtype="<i2") / 32768 for s in urls]
    for n in range(20):
        x, sr = pcm(results[n])
        x = unpaced(x, sr)
        assert abs(len(x) - len(fresh[n])) / sr < 0.1
        scores = [envelope_correlation(x, f, sr) for f in fresh]
        own = scores[n]
        assert own > 0.85, (n, own)
        assert own == max(scores), (n, own, max(scores))
        # ... and not any other item's (the next one's, which has a different text).
        assert scores[(n + 1) % 20] < 0.8
    speech.pool.close()


def test_twenty_simultaneous_requests_for_one_item_render_it_once(speech_app, seed_gallery):
    speech = speech_app.extensions["speech"]
    speech.pool = EnginePool()
    client = speech_app.test_client()
    url = client.get(f"/api/galleries/{seed_gallery.slug}").get_json()["items"][4]["speech"]
    barrier, codes = threading.Barrier(20), []

    def fetch() -> None:
        c = speech_app.test_client()
        barrier.wait()
        codes.append((c.get(url["audio"]).status_code, c.get(url["wav"]).data[:4]))

    threads = [threading.Thread(target=fetch) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert codes == [(200, b"RIFF")] * 20
    assert speech.renders == 1 and speech.pool.jobs_done == 1
    speech.pool.close()


LONG = ("The tide comes in over the flat grey sand and the boats lift slowly. " * 120).strip()


def test_killing_the_worker_mid_job_is_survived():
    pool = EnginePool()
    try:
        pool.start()
        first = pool.workers[0]
        future = pool.submit(LONG, "en", 175, 1.0)
        _wait_busy(first)
        victim = first.pid
        os.kill(victim, signal.SIGKILL)
        r = future.result(timeout=120)
        assert first.pid != victim and first.starts == 2
        r.verify(LONG)
        assert r.duration > 60
        # and the next job goes through as usual
        assert pool.render("Still here.", "en", 175, 1.0).duration > 0.3
    finally:
        pool.close()


def test_a_hung_worker_is_killed_and_restarted_after_its_timeout():
    """SIGSTOP freezes the engine process for real, as a hang would."""
    pool = EnginePool(timeout=2.0)
    try:
        pool.start()
        w = pool.workers[0]
        future = pool.submit(LONG, "en", 175, 1.0)
        _wait_busy(w)
        frozen = w.pid
        os.kill(frozen, signal.SIGSTOP)
        started = time.monotonic()
        r = future.result(timeout=60)  # the retry on a fresh worker succeeds
        assert time.monotonic() - started >= 1.5
        assert w.pid != frozen
        r.verify(LONG)
        with pytest.raises(ProcessLookupError):
            os.kill(frozen, 0)  # killed and reaped, not left stopped
    finally:
        pool.close()


def test_bad_text_gives_a_clear_error_and_never_hangs_the_worker(tmp_path):
    pool = EnginePool()
    speech = Speech(tmp_path / "audio", pool=pool)
    try:
        ok = SpeechSettings()
        with pytest.raises(TextError, match="nothing to say"):
            speech.build(speech.utterance_for_text("  ", ok))
        with pytest.raises(TextError, match="at most"):
            speech.build(speech.utterance_for_text("word " * (MAX_CHARS // 4), ok))
        with pytest.raises(RenderError, match="no voice"):
            pool.render("Hello.", "no-such-voice", 175, 1.0)
        # A language with no voice falls back to the default one.
        assert speech.voice_for("xx-unknown") == speech.voice_for("en") == "gmw/en"
        assert speech.voice_for("en-US") == "gmw/en-us"
        assert speech.voice_for("fr") == "roa/fr"
        # After all that, the same worker still renders.
        assert pool.render("Still fine.", "en", 175, 1.0).duration > 0.3
        assert pool.workers[0].starts == 1
    finally:
        pool.close()


def test_no_engine_pages_still_work_and_audio_answers_503(instance, seed_gallery):
    """A library path that does not exist: the worker really fails to load eSpeak."""
    app = create_app({"TESTING": True, "LOAD_SAMPLE_IF_EMPTY": False,
                      "SPEECH_LIBRARY": "/nonexistent/libespeak-ng.so.1"}, instance=instance)
    client = app.test_client()
    page = client.get(f"/g/{seed_gallery.slug}/1")
    assert page.status_code == 200
    html = page.data.decode()
    assert "Audio is unavailable" in html and "<audio" not in html
    doc = client.get(f"/api/galleries/{seed_gallery.slug}").get_json()
    speech = doc["items"][0]["speech"]
    assert speech["text"].endswith("Photo: Sergei Ilnitsky, E.P.A.")
    assert speech["audio"] is None and speech["wav"] is None and speech["cues"] is None
    r = client.get(f"/audio/{seed_gallery.slug}/1.mp3")
    assert r.status_code == 503 and r.mimetype == "text/plain"
    assert "no speech engine" in r.data.decode()


def test_a_writer_killed_mid_write_leaves_no_partial_file(tmp_path):
    folder = tmp_path / "audio"
    key = "ab" + "0" * 62
    code = textwrap.dedent(f"""
        import sys, time
        from reader.speech.cache import AudioCache
        def slow():
            for _ in range(1000):
                yield b"x" * 65536
                time.sleep(0.01)
        AudioCache({str(folder)!r}).put({key!r}, "mp3", slow())
    """)
    proc = subprocess.Popen([sys.executable, "-c", code])
    try:
        deadline = time.monotonic() + 30
        while not list(folder.glob(f"*/{TEMP_PREFIX}*")):
            assert time.monotonic() < deadline and proc.poll() is None
            time.sleep(0.01)
        time.sleep(0.2)  # well into the write
        proc.kill()
        proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
    cache = AudioCache(folder)
    assert cache.get(key, "mp3") is None  # never a partial file under the real name
    partial = list(folder.glob(f"*/{TEMP_PREFIX}*"))
    assert partial and partial[0].stat().st_size > 0  # the write really was cut off
    assert cache.sweep(older_than=0) == 1
    assert not list(folder.glob(f"*/{TEMP_PREFIX}*"))


def test_engine_runs_in_its_own_process_and_its_prints_do_not_reach_stdout(tmp_path):
    code = textwrap.dedent("""
        from reader.speech.engine import EngineConfig
        from reader.speech.worker import EnginePool
        pool = EnginePool(EngineConfig(backend="pyttsx3"))
        r = pool.render("Quiet please.", "en", 175, 1.0)
        import os
        assert pool.workers[0].pid != os.getpid()
        pool.close()
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=True)
    assert out.stdout == ""  # pyttsx3 prints "Audio saved to ..." in the worker


def test_speech_package_knows_no_web():
    code = ("import sys\nimport reader.speech.service, reader.speech.worker\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'werkzeug')"
            " or m.startswith('reader.web') or m.startswith('reader.cli')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_engine_config_unknown_backend_is_reported_not_raised():
    pool = EnginePool(EngineConfig(backend="nonesuch"))
    assert pool.available() is False
    assert "unknown speech back end" in pool.error


def test_an_empty_cache_file_counts_as_missing_and_durable_writes_work(tmp_path):
    cache = AudioCache(tmp_path / "audio", durable=True)
    key = "cd" + "1" * 62
    name = cache.put(key, "wav", b"RIFF-and-the-rest")
    path = cache.path(key, "wav")
    assert cache.get(key, "wav") == name and path.read_bytes() == b"RIFF-and-the-rest"
    path.write_bytes(b"")  # what a machine crash can leave behind on ext4
    assert cache.get(key, "wav") is None
