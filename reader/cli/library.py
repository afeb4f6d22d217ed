"""Library commands: import, list, show, delete, serve."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from reader.cli import Context, fail, instance_for_command, main, pass_ctx
from reader.cli.text import echo
from reader.errors import InputError


@main.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one gallery document per line.")
@click.option("--lang", metavar="TAG", help="The galleries' language (BCP 47), instead of "
                                             "detecting it.")
@click.option("--images", "images", metavar="DIR", type=click.Path(path_type=Path),
              help="A folder or zip of photos to attach, in order, to the items of the one "
                   "gallery text given.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), metavar="N",
              help="Worker processes: for photo derivatives (default: one per core) and for "
                   "parsing a bulk import of texts (default: 1).")
@click.option("-v", "--verbose", is_flag=True, help="Name every imported gallery, even in a "
                                                    "bulk import.")
@instance_for_command
@pass_ctx
def import_(ctx: Context, paths: tuple[Path, ...], as_json: bool, lang: str | None,
            images: Path | None, jobs: int | None, verbose: bool) -> None:
    """Import gallery texts, JSON documents, folders of them, or folders and zips of photos.

    Each gallery is stored whole or not at all; re-importing a source updates it in place.
    A folder or zip of photos gives one gallery; each refused photo is reported on its own
    and the rest are imported. Many texts (a folder) are written one gallery to a
    transaction, with a progress bar. Whatever could not be imported is listed at the end
    and the exit status is 1.
    """
    import time

    from reader.document import gallery_document
    from reader.importers import describe, gallery_files, load_file, load_files
    from reader.importers.photos import attach_photos, is_photo_source, load_photo_gallery

    if images is not None and len(paths) != 1:
        fail("--images pairs photos with one gallery text: give exactly one")
    failures: list[str] = []
    warnings: list[str] = []
    started = time.perf_counter()
    texts: list[Path] = []
    named: set[str] = set()  # files given by name: each gets its report (a folder's: -v)

    saved: list[str] = []

    def done(gallery, source: str, announce: bool) -> None:
        saved.append(gallery.slug)
        if as_json or not announce:
            for w in gallery.warnings:
                where = f"{source}:{w.line}" if w.line else source
                warnings.append(f"reader: warning: {where}: {w.message}")
        if as_json:
            echo(json.dumps(gallery_document(gallery), ensure_ascii=False))
        elif announce:
            echo("\n".join(what_was_read(gallery, source)))

    def save_with_photos(gallery, stored_images, source: str) -> None:
        try:
            ctx.library.save(gallery, images=stored_images)
        except InputError as e:
            failures.append(str(e))
        else:
            done(gallery, source, True)

    # Photos: a folder or zip of them, or a gallery text with --images. One gallery each.
    for path in paths:
        if images is None and not is_photo_source(path):
            if path.is_dir():
                found = gallery_files(path)
                if not found:
                    failures.append(str(InputError(
                        f"the folder holds no {describe(photos=False)} or photos (.jpg, "
                        ".png, .webp)", source=str(path))))
                texts += found
            elif not path.exists():
                failures.append(str(InputError("no such file or folder", source=str(path))))
            else:
                texts.append(path)
                named.add(str(path))
            continue
        bar = ProgressBar(f"Photos of {path.name}")
        if images is None:
            result = load_photo_gallery(path, instance=ctx.instance, lang=lang, jobs=jobs,
                                        progress=bar)
        else:
            loaded = load_file(path, lang)  # one gallery text; a folder is refused here
            if loaded.gallery is None:
                failures.append(str(loaded.error))
                continue
            result = attach_photos(loaded.gallery, images, instance=ctx.instance, jobs=jobs,
                                   progress=bar)
        bar.finish()
        failures.extend(str(e) for e in result.errors)
        if result.gallery is not None:
            save_with_photos(result.gallery, result.images, str(path))

    # Texts: parsed (in worker processes with --jobs), each written in its own transaction.
    bulk = len(texts) > 1
    sources: dict[int, str] = {}
    stored = photos = 0

    def parsed(bar):
        for loaded in load_files(texts, lang, jobs or 1):
            bar.update(1)
            if loaded.error is not None:
                failures.append(str(loaded.error))
                continue
            sources[id(loaded.gallery)] = loaded.source
            yield loaded.gallery

    with click.progressbar(length=len(texts), label="Importing", file=sys.stderr,
                           show_pos=True, hidden=not bulk or as_json) as bar:
        for gallery, error in ctx.library.save_many(parsed(bar)):
            source = sources.pop(id(gallery))
            if error is not None:
                failures.append(str(error))
            else:
                stored += 1
                photos += len(gallery.items)
                done(gallery, source, verbose or not bulk or source in named)

    for line in warnings:
        echo(line, err=True)
    if bulk and not as_json:
        echo(f"imported {stored} of {len(texts)} files ({plural(photos, 'photo')}) "
                   f"in {time.perf_counter() - started:.1f} s")
    if saved and not as_json:
        echo(f"library: {ctx.library.where()}")  # where `reader serve` will find them
    if saved and ctx.config["jobs.queue"]:  # the workers render their audio (jobs.queue)
        from reader.cli.worker import queue_audio

        queue_audio(ctx, saved, quiet=as_json)
    if failures:
        if len(failures) > 1:
            echo(f"reader: {len(failures)} could not be imported:", err=True)
        for line in failures:
            echo(f"reader: {line}", err=True)
        sys.exit(1)


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def what_was_read(gallery, source: str) -> list[str]:
    """What an import understood of one file, so a person can tell a good read from a bad
    one at a glance: title, photos, how many have a description and a credit, warnings."""
    items = gallery.items
    described = sum(1 for i in items if i.alt)
    credited = sum(1 for i in items if i.credit)
    lines = [f"imported {gallery.slug} from {source} ({gallery.lang})",
             f"  title: {gallery.title}",
             f"  {plural(len(items), 'photo')}: {described} with a description, "
             f"{credited} with a credit"]
    for w in gallery.warnings:
        where = f"line {w.line}" if w.line else "the whole text"
        lines.append(f"  warning, {where}: {w.message}")
    return lines


class ProgressBar:
    """A progress bar on stderr for photo imports, drawn once the number of photos is known."""

    def __init__(self, label: str):
        self.label = label
        self.bar = None
        self.shown = 0

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr,
                                         show_pos=True)
            self.bar.__enter__()
        self.bar.update(done - self.shown)
        self.shown = done

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@main.command("list")
@instance_for_command
@pass_ctx
def list_(ctx: Context) -> None:
    """List the galleries in the library, newest first."""
    rows = ctx.library.list()
    if not rows:
        echo("The library is empty.")
    for s in rows:
        echo(f"{s.slug}\t{s.date or '-'}\t{plural(s.item_count, 'photo')}\t{s.lang}\t"
                   f"{s.title}")


@main.command()
@click.argument("slug")
@click.option("--json", "as_json", is_flag=True, help="Print the gallery document.")
@instance_for_command
@pass_ctx
def show(ctx: Context, slug: str, as_json: bool) -> None:
    """Show one gallery: its text and every photo's description, caption and credit."""
    from reader.document import gallery_document

    g = ctx.library.get(slug)  # NotFound: one line, exit 1 (reader.cli.ReaderGroup)
    if as_json:
        echo(json.dumps(gallery_document(g), ensure_ascii=False, indent=2))
        return
    echo(g.title)
    meta = [x for x in (g.section, g.published or g.date, f"lang {g.lang}") if x]
    echo(" · ".join(meta))
    if g.standfirst:
        echo(f"\n{g.standfirst}")
    for para in g.body:
        echo(f"\n{para}")
    for item in g.items:
        echo(f"\nPhoto {item.position} of {len(g.items)}")
        if item.alt:
            echo(f"  Description: {item.alt}")
        echo(f"  Caption: {item.caption}")
        if item.credit:
            echo(f"  Credit: {item.credit}")
    for w in g.warnings:
        echo(f"\nwarning: {w}")


@main.command()
@click.argument("slug")
@instance_for_command
@pass_ctx
def delete(ctx: Context, slug: str) -> None:
    """Delete a gallery from the library."""
    ctx.library.delete(slug)
    echo(f"deleted {slug}")


@main.command()
@click.option("--host", default=None, help="Address to listen on (default: serve.host, "
                                            "127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (default: serve.port, 5000).")
@click.option("--threads", default=None, type=click.IntRange(1, 256),
              help="Request threads (default: serve.threads, 8).")
@instance_for_command
@pass_ctx
def serve(ctx: Context, host: str | None, port: int | None, threads: int | None) -> None:
    """Serve the reader with a production WSGI server (waitress).

    On an empty library it first loads the project's own sample gallery. Settings not given
    here come from the configuration (`reader config`).
    """
    host = host or ctx.config["serve.host"]
    port = port if port is not None else ctx.config["serve.port"]
    threads = threads or ctx.config["serve.threads"]
    import waitress

    from reader.web import create_app
    from reader.web.serving import waitress_options

    app = create_app(instance=ctx.instance)
    echo(f"Serving the gallery reader on http://{host}:{port}/ "
               f"(library: {ctx.library.where()})")
    # Waitress reads a whole request body before the app sees it: cap what it will buffer at
    # twice the app's upload limit, so a modestly oversized upload still gets the app's clear
    # 413 page and a huge one is refused by waitress from its Content-Length alone.
    # Connection limit, channel timeout, trusted proxy: reader/web/serving.py, README
    # "Deploying". Each held connection is a file descriptor: allow enough.
    options = {**waitress_options(ctx.config), "threads": threads}
    _allow_open_files(options["connection_limit"] + 64)
    waitress.serve(app, host=host, port=port,
                   max_request_body_size=2 * app.config["MAX_CONTENT_LENGTH"], **options)


def _allow_open_files(wanted: int) -> None:
    """Raise this process's open-file limit towards ``wanted`` (never past the hard limit)."""
    try:
        import resource
    except ImportError:  # not on every platform
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        top = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, top), hard))

