"""Speech commands: `reader audio build`, `reader voices`, `reader lexicon list|add|remove`."""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor, as_completed

import click

from reader.cli import Context, fail, instance_for_command, main, pass_ctx
from reader.cli.text import echo
from reader.config import RATE_RANGE


def _speech(ctx: Context, workers: int | None = None):
    """The speech service as the configuration says (the web app's engine and cache keys)."""
    from reader.speech.configured import speech_service

    return speech_service(ctx.config, ctx.library, workers)


voice_option = click.option("--voice", default=None, help="Engine voice (default: the "
                            "configuration's, else one for each gallery's language; see "
                            "`reader voices`).")
rate_option = click.option("--rate", default=None, type=click.IntRange(*RATE_RANGE),
                           help=f"Words per minute, {RATE_RANGE[0]} to {RATE_RANGE[1]} "
                                "(default: the configuration's speech.rate).")
describe_option = click.option("--describe/--no-describe", default=None,
                               help="Speak each photo's description too (default: the "
                                    "configuration's speech.describe).")


@main.group()
def audio() -> None:
    """Spoken audio of every photo's caption and credit."""


@audio.command("build")
@click.argument("slugs", nargs=-1)
@click.option("--jobs", "-j", default=1, show_default=True, type=click.IntRange(1, 16),
              help="Engine processes rendering at once.")
@click.option("--wait/--no-wait", default=False,
              help="With a job queue (jobs.queue): wait until the workers have rendered "
                   "everything queued.")
@voice_option
@rate_option
@describe_option
@instance_for_command
@pass_ctx
def build(ctx: Context, slugs: tuple[str, ...], jobs: int, wait: bool, voice: str | None,
          rate: int | None, describe: bool | None) -> None:
    """Render every photo's speech ahead of time (all galleries, or SLUG...), skipping what
    is cached already. With a job queue (jobs.queue), queue it for `reader worker`s."""
    from reader.speech.service import EngineUnavailable, RenderError, TextError

    galleries = [ctx.library.get(s) for s in slugs] if slugs else \
        [ctx.library.get(s.slug) for s in ctx.library.list()]
    speech = _speech(ctx, workers=jobs)
    try:
        speech.info()
    except EngineUnavailable as e:
        fail(f"no speech engine: {e}")
    from reader.speech.configured import speech_settings

    settings = speech_settings(ctx.config, voice=voice, rate=rate, describe=describe)
    todo, cached, failed = [], 0, 0
    for g in galleries:
        for item in g.items:
            u = speech.utterance(g, item, settings)
            if all(speech.cached(u, fmt) for fmt in ("wav", "mp3", "vtt")):
                cached += 1
            else:
                todo.append((g, item, u))
    from reader.cli.worker import open_configured_queue

    queue = open_configured_queue(ctx)
    if queue.queued:
        try:
            _queue_all(queue, speech, [u for _g, _item, u in todo], cached, wait)
        finally:
            speech.close()
            queue.close()
        return
    try:
        with click.progressbar(length=len(todo), label="Rendering", file=sys.stderr,
                               show_pos=True) as bar, ThreadPoolExecutor(jobs) as pool:
            futures = {pool.submit(speech.build, u): (g, item) for g, item, u in todo}
            for f in as_completed(futures):
                g, item = futures[f]
                try:
                    f.result()
                except (RenderError, TextError, TimeoutError) as e:
                    failed += 1
                    echo(f"\nreader: {g.slug} photo {item.position}: {e}", err=True)
                bar.update(1)
        # WAVs stored by earlier versions (pinned ones were never evicted): the WAV URL is
        # made from the FLAC now.
        stale = speech.cache.drop("wav")
    finally:
        speech.close()
    echo(f"rendered {len(todo) - failed}, already cached {cached}, failed {failed}"
         + (f", removed {stale} WAV file{'' if stale == 1 else 's'} of an earlier version"
            if stale else ""))
    if failed:
        raise SystemExit(1)


def _queue_all(queue, speech, todo: list, cached: int, wait: bool) -> None:
    """Queue every clip of ``todo`` for the workers; with ``wait``, until all are stored."""
    import time

    from reader.audio_jobs import AUDIO, POLL, key, submit

    for u in todo:
        submit(queue, u)
    echo(f"queued {len(todo)} for the workers, already cached {cached}")
    if not wait:
        return
    left = list(todo)
    with click.progressbar(length=len(todo), label="Rendering", file=sys.stderr,
                           show_pos=True) as bar:
        while left:
            still = [u for u in left if not all(speech.cached(u, f) for f in ("wav", "mp3",
                                                                             "vtt"))]
            bar.update(len(left) - len(still))
            # A few of the waiting clips' jobs looked at each round: a failure ends the wait.
            failed = [u for u in still[:20] if queue.state(AUDIO, key(u)) == "failed"]
            if failed:
                fail(f"{len(failed)} clip(s) failed to render (see the workers' logs)")
            left = still
            if left:
                time.sleep(POLL * 5)  # polling the media store for the workers' results
    echo(f"rendered {len(todo)} by the workers")


@main.command()
@click.option("--lang", metavar="TAG", help="Only voices for this language (e.g. en, fr).")
@instance_for_command
@pass_ctx
def voices(ctx: Context, lang: str | None) -> None:
    """List the voices the speech engine offers (id, languages, name)."""
    from reader.speech.service import EngineUnavailable

    speech = _speech(ctx)
    try:
        info = speech.info()
        default = speech.voice_for("en")
    except EngineUnavailable as e:
        fail(f"no speech engine: {e}")
    finally:
        speech.close()
    echo(f"# {info['version']} ({info['source']}); default voice {default}", err=True)
    for v in info["voices"]:
        langs = ",".join(v["languages"])
        if lang and not any(x.lower().split("-")[0] == lang.lower().split("-")[0]
                            for x in v["languages"]):
            continue
        echo(f"{v['id']}\t{langs}\t{v['name']}")


@main.group()
def lexicon() -> None:
    """The pronunciation lexicon: how the speech says particular words.

    Whole words only. An entry in lower case matches any capitalisation; an entry with a
    capital letter matches that spelling exactly. Page text never changes.
    """


@lexicon.command("list")
@instance_for_command
@pass_ctx
def lexicon_list(ctx: Context) -> None:
    """List every entry: word, how it is said, and the entry's kind."""
    entries = ctx.library.lexicon_entries()
    if not entries:
        echo("The lexicon is empty.")
    for word, (spoken, kind) in entries.items():
        echo(f"{word}\t{spoken}\t{kind}")


@lexicon.command("add")
@click.argument("word")
@click.argument("spoken", required=False, default="")
@click.option("--kind", type=click.Choice(["substitute", "spell", "phonemes", "language"]),
              default="substitute", show_default=True,
              help="substitute: say SPOKEN instead; spell: say WORD letter by letter (no "
                   "SPOKEN); phonemes: SPOKEN is eSpeak NG phonemes (k'i:Ev); language: "
                   "SPOKEN is a language tag (es) whose voice says WORD.")
@instance_for_command
@pass_ctx
def lexicon_add(ctx: Context, word: str, spoken: str, kind: str) -> None:
    """Say WORD as SPOKEN (replaces an existing entry for WORD)."""
    from reader.speech.lexicon import check_entry

    word, spoken = check_entry(word, spoken, kind)
    ctx.library.set_pronunciation(word, spoken, kind)
    echo(f"{word} → {spoken}" + ("" if kind == "substitute" else f" ({kind})"))


@lexicon.command("remove")
@click.argument("word")
@instance_for_command
@pass_ctx
def lexicon_remove(ctx: Context, word: str) -> None:
    """Remove WORD's entry."""
    if not ctx.library.remove_pronunciation(word.strip()):
        fail(f"no lexicon entry for {word.strip()!r}")
    echo(f"removed {word.strip()}")
