"""`reader search QUERY`: full-text search of the library from a terminal."""

from __future__ import annotations

import json

import click

from reader.cli import Context, instance_for_command, main, pass_ctx
from reader.cli.text import echo, safe


@main.command()
@click.argument("words", nargs=-1, required=True)
@click.option("--page", default=1, show_default=True, type=click.IntRange(min=1))
@click.option("--per-page", default=20, show_default=True, type=click.IntRange(1, 500))
@click.option("--json", "as_json", is_flag=True, help="Print one result per line as JSON.")
@instance_for_command
@pass_ctx
def search(ctx: Context, words: tuple[str, ...], page: int, per_page: int,
           as_json: bool) -> None:
    """Find photos by words in their captions, descriptions, credits or gallery titles.

    Every word must match; words match their beginnings ("kher" finds "Kherson"), with or
    without accents. Prints "SLUG/N", the gallery title and the caption, best first, with
    the matched words in bold on a terminal.
    """
    from reader.search import hit_document
    from reader.search import search as run

    results = run(ctx.library, " ".join(words), page=page, per_page=per_page)
    if as_json:
        for hit in results.hits:
            echo(json.dumps(hit_document(hit), ensure_ascii=False))
        return
    if not results.total:
        echo(f"No results for “{results.query}”.")
        return
    for hit in results.hits:
        # Our own bold for the matches (click drops it off a terminal); the stored text in
        # between is escaped by _styled, so the line goes out as it is.
        click.echo(f"{hit.slug}/{hit.position}\t{_styled(hit, 'gallery_title')}\t"
                   f"{_styled(hit, 'caption')}"
                   + (f" [{_styled(hit, 'credit')}]" if hit.credit else ""))
    p = results.pager
    counted = f"more than {results.total:,}" if results.window else f"{results.total}"
    echo(f"{p.first_row}–{p.last_row} of {counted} results"
               + (f" (page {p.page} of {p.pages}; --page N for more)" if p.pages > 1 else ""),
               err=True)


def _styled(hit, field: str) -> str:
    return "".join(click.style(safe(text), bold=True) if matched else safe(text)
                   for text, matched in hit.segments(field))
