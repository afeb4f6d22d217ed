"""Library commands: import, list, show, delete, serve."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from reader.cli import Context, fail, instance_for_command, main, pass_ctx
from reader.errors import InputError, NotFound


@main.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one gallery document per line.")
@click.option("--lang", metavar="TAG", help="The galleries' language (BCP 47), instead of "
                                             "detecting it.")
@click.option("--images", "images", metavar="DIR", type=click.Path(path_type=Path),
              help="A folder or zip of photos to attach, in order, to the items of the one "
                   "gallery text given.")
@click.option("--jobs", type=click.IntRange(1, 64), metavar="N",
              help="Processes for making photo derivatives (default: one per core).")
@instance_for_command
@pass_ctx
def import_(ctx: Context, paths: tuple[Path, ...], as_json: bool, lang: str | None,
            images: Path | None, jobs: int | None) -> None:
    """Import gallery texts, JSON documents, folders of them, or folders and zips of photos.

    Each gallery is stored whole or not at all; re-importing a source updates it in place.
    A folder or zip of photos gives one gallery; each refused photo is reported on its own
    and the rest are imported.
    """
    from reader.document import gallery_document
    from reader.importers import Loaded, load_path
    from reader.importers.photos import attach_photos, is_photo_source, load_photo_gallery

    if images is not None and len(paths) != 1:
        fail("--images pairs photos with one gallery text: give exactly one")
    failures = 0

    def report(errors) -> None:
        nonlocal failures
        for e in errors:
            failures += 1
            click.echo(f"reader: {e}", err=True)

    for path in paths:
        bar = ProgressBar(f"Photos of {path.name}")
        if is_photo_source(path) and images is None:
            photo = load_photo_gallery(path, instance=ctx.instance, lang=lang, jobs=jobs,
                                       progress=bar)
            bar.finish()
            report(photo.errors)
            loaded = [Loaded(str(path), gallery=photo.gallery)] if photo.gallery else []
            stored_images = photo.images
        else:
            loaded, stored_images = load_path(path, lang=lang), []
            if images is not None:
                if loaded[0].gallery is None:
                    report([loaded[0].error])
                    continue
                photo = attach_photos(loaded[0].gallery, images, instance=ctx.instance,
                                      jobs=jobs, progress=bar)
                bar.finish()
                report(photo.errors)
                if photo.gallery is None:
                    continue
                stored_images = photo.images
        for one in loaded:
            if one.error is not None:
                report([one.error])
                continue
            gallery = one.gallery
            try:
                ctx.library.save(gallery, images=stored_images)
            except InputError as e:
                report([e])
                continue
            for w in gallery.warnings:
                where = f"{one.source}:{w.line}" if w.line else one.source
                click.echo(f"reader: warning: {where}: {w.message}", err=True)
            if as_json:
                click.echo(json.dumps(gallery_document(gallery), ensure_ascii=False))
            else:
                click.echo(f"imported {gallery.slug}: {gallery.title} "
                           f"({len(gallery.items)} photos, {gallery.lang})")
    if failures:
        sys.exit(1)


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
        click.echo("The library is empty.")
    for s in rows:
        click.echo(f"{s.slug}\t{s.date or '-'}\t{s.item_count} photos\t{s.lang}\t{s.title}")


@main.command()
@click.argument("slug")
@click.option("--json", "as_json", is_flag=True, help="Print the gallery document.")
@instance_for_command
@pass_ctx
def show(ctx: Context, slug: str, as_json: bool) -> None:
    """Show one gallery: its text and every photo's description, caption and credit."""
    from reader.document import gallery_document

    try:
        g = ctx.library.get(slug)
    except NotFound as e:
        fail(str(e))
    if as_json:
        click.echo(json.dumps(gallery_document(g), ensure_ascii=False, indent=2))
        return
    click.echo(g.title)
    meta = [x for x in (g.section, g.published or g.date, f"lang {g.lang}") if x]
    click.echo(" · ".join(meta))
    if g.standfirst:
        click.echo(f"\n{g.standfirst}")
    for para in g.body:
        click.echo(f"\n{para}")
    for item in g.items:
        click.echo(f"\nPhoto {item.position} of {len(g.items)}")
        if item.alt:
            click.echo(f"  Description: {item.alt}")
        click.echo(f"  Caption: {item.caption}")
        if item.credit:
            click.echo(f"  Credit: {item.credit}")
    for w in g.warnings:
        click.echo(f"\nwarning: {w}")


@main.command()
@click.argument("slug")
@instance_for_command
@pass_ctx
def delete(ctx: Context, slug: str) -> None:
    """Delete a gallery from the library."""
    try:
        ctx.library.delete(slug)
    except NotFound as e:
        fail(str(e))
    click.echo(f"deleted {slug}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@instance_for_command
@pass_ctx
def serve(ctx: Context, host: str, port: int, threads: int) -> None:
    """Serve the reader with a production WSGI server (waitress).

    On an empty library it first loads the project's own sample gallery.
    """
    import waitress

    from reader.web import create_app

    app = create_app(instance=ctx.instance)
    click.echo(f"Serving the gallery reader on http://{host}:{port}/ "
               f"(library: {ctx.library.path})")
    # Waitress reads a whole request body before the app sees it: cap what it will buffer at
    # twice the app's upload limit, so a modestly oversized upload still gets the app's clear
    # 413 page and a huge one is refused by waitress from its Content-Length alone.
    waitress.serve(app, host=host, port=port, threads=threads, ident="gallery-reader",
                   max_request_body_size=2 * app.config["MAX_CONTENT_LENGTH"])

