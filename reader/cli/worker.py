"""`reader worker`: run the jobs of the queue (`reader.jobs`) on this machine."""

from __future__ import annotations

import click

from reader.cli import Context, fail, instance_for_command, main, pass_ctx
from reader.cli.text import echo


def open_configured_queue(ctx: Context):
    """The configured queue (`jobs.queue`) on the library's database."""
    from reader.jobs import open_queue

    return open_queue(ctx.config["jobs.queue"], ctx.config["database_url"])


def queue_audio(ctx: Context, slugs: list[str], quiet: bool = False) -> None:
    """Queue the clips (the configured voice and rate) of the galleries ``slugs`` for the
    workers, as an import through the web app does."""
    from reader.audio_jobs import submit_gallery
    from reader.speech.configured import speech_service, speech_settings
    from reader.speech.service import EngineUnavailable

    queue = open_configured_queue(ctx)
    speech = speech_service(ctx.config, ctx.library)
    try:
        speech.info()
        n = sum(submit_gallery(queue, speech, ctx.library.get(slug), speech_settings(ctx.config))
                for slug in slugs)
    except EngineUnavailable as e:
        echo(f"reader: warning: no audio queued (no speech engine here: {e})", err=True)
        return
    finally:
        speech.close()
        queue.close()
    if not quiet:
        echo(f"queued {n} clip(s) for the workers")


@main.command()
@click.option("--concurrency", "-c", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Jobs run at once (one engine process each).")
@click.option("--heartbeat", default=10.0, show_default=True,
              type=click.FloatRange(0.2, 600),
              help="Seconds between this worker's heartbeats; a worker silent for three "
                   "is taken for dead and its jobs are run again by another.")
@click.option("--graceful", default=60.0, show_default=True, type=click.FloatRange(0, 3600),
              help="On SIGTERM or Ctrl-C, seconds the running jobs get to finish.")
@instance_for_command
@pass_ctx
def worker(ctx: Context, concurrency: int, heartbeat: float, graceful: float) -> None:
    """Run rendering jobs (audio clips, exports, photo sizes) from the queue until stopped.

    Needs `jobs.queue = "postgres"` (or READER_JOBS_QUEUE=postgres) and the library on
    PostgreSQL; results go to the configured media store (media_url), the same one the app
    servers read. Start as many workers, on as many machines, as rendering needs.
    """
    import logging

    from reader.audio_jobs import AUDIO, audio_handler
    from reader.speech.configured import speech_service
    from reader.speech.service import EngineUnavailable

    queue = open_configured_queue(ctx)
    if not queue.queued:
        fail("no job queue is configured (jobs.queue is empty: the app servers render "
             "audio themselves); set jobs.queue = \"postgres\" to use workers")
    speech = speech_service(ctx.config, ctx.library, workers=concurrency)
    try:
        speech.info()
    except EngineUnavailable as e:
        fail(f"no speech engine: {e}")
    queue.handle(AUDIO, audio_handler(speech))
    # Exports (site.zip, book.epub) are rendered by the web app's pages: made when needed.
    from reader.web.export_jobs import EXPORT, export_handler, worker_app

    queue.handle(EXPORT, export_handler(worker_app(ctx.instance)))
    from reader.image_jobs import IMAGES, images_handler
    from reader.images.storage import ImageStore
    from reader.media import media_for

    queue.handle(IMAGES, images_handler(ImageStore(media_for(ctx.instance))))
    if not ctx.config["media_url"]:
        echo(f"reader: warning: media_url is empty: clips go to this worker's instance folder "
             f"{ctx.instance}, seen only by app servers using that same folder", err=True)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    # procrastinate's own lines carry each job's whole payload (a caption): warnings only.
    logging.getLogger("procrastinate").setLevel(logging.WARNING)
    echo(f"worker {queue.name}: {concurrency} at once, library {ctx.library.where()}",
         err=True)
    try:
        queue.run_worker(concurrency=concurrency, heartbeat=heartbeat, graceful=graceful)
    finally:
        speech.close()
        queue.close()
