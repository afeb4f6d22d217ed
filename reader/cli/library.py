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
@click.option("-v", "--verbose", is_flag=True, help="Name every imported gallery, even in a "
                                                    "bulk import.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True,
              help="Processes that read and parse files in a bulk import (helps on an idle "
                   "machine with spare cores).")
@instance_for_command
@pass_ctx
def import_(ctx: Context, paths: tuple[Path, ...], as_json: bool, lang: str | None,
            verbose: bool, jobs: int) -> None:
    """Import gallery texts, JSON documents, or folders of them.

    Each gallery is stored whole or not at all; re-importing a source updates it in place.
    Many files (a folder) are written in batches, with a progress bar; files that cannot be
    imported are listed at the end, the others are stored, and the exit status is 1.
    """
    import time

    from reader.document import gallery_document
    from reader.importers import gallery_files, load_files

    failures: list[str] = []
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = gallery_files(path)
            if not found:
                failures.append(str(InputError("the folder holds no gallery texts (.txt) or "
                                               "documents (.json)", source=str(path))))
            files += found
        elif not path.exists():
            failures.append(str(InputError("no such file or folder", source=str(path))))
        else:
            files.append(path)
    bulk = len(files) > 1
    sources: dict[int, str] = {}
    warnings: list[str] = []
    started = time.perf_counter()
    stored = photos = 0

    def parsed(bar):
        for loaded in load_files(files, lang, jobs):
            bar.update(1)
            if loaded.error is not None:
                failures.append(str(loaded.error))
                continue
            sources[id(loaded.gallery)] = loaded.source
            yield loaded.gallery

    with click.progressbar(length=len(files), label="Importing", file=sys.stderr, show_pos=True,
                           hidden=not bulk or as_json) as bar:
        for gallery, error in ctx.library.save_many(parsed(bar)):
            source = sources.pop(id(gallery))
            if error is not None:
                failures.append(str(error))
                continue
            stored += 1
            photos += len(gallery.items)
            for w in gallery.warnings:
                where = f"{source}:{w.line}" if w.line else source
                warnings.append(f"reader: warning: {where}: {w.message}")
            if as_json:
                click.echo(json.dumps(gallery_document(gallery), ensure_ascii=False))
            elif verbose or not bulk:
                click.echo(f"imported {gallery.slug}: {gallery.title} "
                           f"({len(gallery.items)} photos, {gallery.lang})")
    for line in warnings:
        click.echo(line, err=True)
    if bulk and not as_json:
        seconds = time.perf_counter() - started
        click.echo(f"imported {stored} of {len(files)} files ({photos} photos) "
                   f"in {seconds:.1f} s")
    if failures:
        if bulk or len(failures) > 1:
            click.echo(f"reader: {len(failures)} could not be imported:", err=True)
        for line in failures:
            click.echo(f"reader: {line}", err=True)
        sys.exit(1)


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
    waitress.serve(app, host=host, port=port, threads=threads, ident="gallery-reader")

