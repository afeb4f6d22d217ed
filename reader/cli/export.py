"""Export commands: `reader export site SLUG OUT_DIR`, `reader export epub SLUG OUT.epub`."""

from __future__ import annotations

import click

from reader.cli import Context, instance_for_command, main, pass_ctx
from reader.cli.speech import describe_option, rate_option, voice_option
from reader.cli.text import echo

speech_options = [voice_option, rate_option, describe_option]


def with_speech_options(f):
    for option in reversed(speech_options):
        f = option(f)
    return f


@main.group()
def export() -> None:
    """Take a gallery anywhere: a static website, or an EPUB 3 talking book."""


@export.command("site")
@click.argument("slug")
@click.argument("out_dir", type=click.Path(file_okay=False))
@with_speech_options
@instance_for_command
@pass_ctx
def site(ctx: Context, slug: str, out_dir: str, voice: str | None, rate: int | None,
         describe: bool | None) -> None:
    """Write gallery SLUG as a static website in OUT_DIR: the reader's own pages, photos,
    spoken audio and cues, with relative links (any web host, or open index.html from disk).
    OUT_DIR must be new, empty, or an earlier export (which is replaced)."""
    from reader.speech.configured import speech_settings
    from reader.web.export_site import export_app, export_site

    chosen = speech_settings(ctx.config, voice=voice, rate=rate, describe=describe)
    config = {"SPEECH_VOICE": chosen.voice, "SPEECH_RATE": chosen.rate,
              "SPEECH_DESCRIBE": chosen.describe}
    result = export_site(export_app(ctx.instance, config), slug, out_dir)
    photos = len(ctx.library.get(slug).items)
    spoken = spoken_photos(result.files, slug)
    echo(f"wrote {len(result.pages)} pages, {len(result.files)} files "
               f"({spoken} of {photos} photos with spoken audio) to {result.folder}; open "
               f"{result.folder / 'index.html'}")


def spoken_photos(files: list[str], slug: str) -> int:
    """How many photos have their own spoken MP3 in an export (``audio/SLUG/N.mp3``; other
    MP3s, such as a whole-gallery recording or a static file, are no photo's)."""
    return len({f for f in files
                if f.startswith(f"audio/{slug}/") and f.endswith(".mp3")
                and f.removeprefix(f"audio/{slug}/").removesuffix(".mp3").isdigit()})


@export.command("epub")
@click.argument("slug")
@click.argument("out", type=click.Path(dir_okay=False))
@with_speech_options
@instance_for_command
@pass_ctx
def epub(ctx: Context, slug: str, out: str, voice: str | None, rate: int | None,
         describe: bool | None) -> None:
    """Write gallery SLUG as an EPUB 3 talking book: photos, alt text, captions and credits,
    a table of contents, and Media Overlays that play each caption and credit in sync."""
    from reader.export.epub import export_epub
    from reader.speech.configured import speech_service, speech_settings

    speech = speech_service(ctx.config, ctx.library)
    try:
        result = export_epub(ctx.library, ctx.instance, slug, out, speech,
                             speech_settings(ctx.config, voice=voice, rate=rate,
                                             describe=describe))
    finally:
        speech.close()
    if result.audio_note:
        echo(f"reader: the book has no audio: {result.audio_note}", err=True)
    echo(f"wrote {result.path}: {result.photos} photo{'' if result.photos == 1 else 's'}, "
               f"{result.overlays} with "
               f"synchronised audio ({result.duration:.1f} s)")
