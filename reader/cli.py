"""The `reader` command: everything the reader does, from a terminal.

Bad input is reported as one line naming the file and line (or field), with exit status 1;
never a traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from reader.errors import InputError, NotFound
from reader.instance import ENV_VAR, instance_dir
from reader.store import Library


class Context:
    def __init__(self, instance: str | None):
        self.use(instance)

    def use(self, instance: str | None) -> None:
        self.instance = instance_dir(instance)
        self._library: Library | None = None

    @property
    def library(self) -> Library:
        if self._library is None:
            self._library = Library.in_instance(self.instance)
        return self._library


pass_ctx = click.make_pass_decorator(Context)


def fail(message: str) -> None:
    click.echo(f"reader: {message}", err=True)
    sys.exit(1)


instance_option = click.option(
    "--instance", metavar="DIR", envvar=ENV_VAR, show_envvar=True,
    help="Folder that holds the library and caches (default: a per-user data folder).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@instance_option
@click.version_option(package_name="gallery-reader")
@click.pass_context
def main(ctx: click.Context, instance: str | None) -> None:
    """An accessible text-and-audio reader for news photo galleries."""
    ctx.obj = Context(instance)


def _subcommand_instance(f):
    """Let every command take --instance too (`reader list --instance DIR`)."""

    def callback(ctx: click.Context, _param, value):
        if value:
            ctx.find_object(Context).use(value)
        return value

    return click.option("--instance", metavar="DIR", expose_value=False, callback=callback,
                        is_eager=True, help="Folder that holds the library and caches.")(f)


@main.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one gallery document per line.")
@click.option("--lang", metavar="TAG", help="The galleries' language (BCP 47), instead of "
                                             "detecting it.")
@_subcommand_instance
@pass_ctx
def import_(ctx: Context, paths: tuple[Path, ...], as_json: bool, lang: str | None) -> None:
    """Import gallery texts, JSON documents, or folders of them.

    Each gallery is stored whole or not at all; re-importing a source updates it in place.
    """
    from reader.document import gallery_document
    from reader.importers import load_path

    failures = 0
    for path in paths:
        for loaded in load_path(path, lang=lang):
            if loaded.error is not None:
                failures += 1
                click.echo(f"reader: {loaded.error}", err=True)
                continue
            gallery = loaded.gallery
            try:
                ctx.library.save(gallery)
            except InputError as e:
                failures += 1
                click.echo(f"reader: {e}", err=True)
                continue
            for w in gallery.warnings:
                where = f"{loaded.source}:{w.line}" if w.line else loaded.source
                click.echo(f"reader: warning: {where}: {w.message}", err=True)
            if as_json:
                click.echo(json.dumps(gallery_document(gallery), ensure_ascii=False))
            else:
                click.echo(f"imported {gallery.slug}: {gallery.title} "
                           f"({len(gallery.items)} photos, {gallery.lang})")
    if failures:
        sys.exit(1)


@main.command("list")
@_subcommand_instance
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
@_subcommand_instance
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
@_subcommand_instance
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
@_subcommand_instance
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


if __name__ == "__main__":
    main()
