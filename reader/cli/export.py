"""Export commands: `reader export site SLUG OUT_DIR`, `reader export epub SLUG OUT.epub`."""

from __future__ import annotations

import click

from reader.cli import Context, fail, instance_for_command, main, pass_ctx
from reader.errors import NotFound
from reader.speech.script import SpeechSettings

_D = SpeechSettings()

speech_options = [
    click.option("--voice", default=_D.voice, help="Engine voice (default: one for the "
                                                    "gallery's language; see `reader voices`)."),
    click.option("--rate", default=_D.rate, show_default=True, type=click.IntRange(80, 500),
                 help="Words per minute."),
    click.option("--describe/--no-describe", default=_D.describe, show_default=True,
                 help="Speak each photo's description too."),
]


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
def site(ctx: Context, slug: str, out_dir: str, voice: str | None, rate: int,
         describe: bool) -> None:
    """Write gallery SLUG as a static website in OUT_DIR: the reader's own pages, photos,
    spoken audio and cues, with relative links (any web host, or open index.html from disk).
    OUT_DIR must be new, empty, or an earlier export (which is replaced)."""
    from reader.export.site import ExportError, export_site

    config = {"SPEECH_VOICE": voice, "SPEECH_RATE": rate, "SPEECH_DESCRIBE": describe}
    try:
        result = export_site(ctx.instance, slug, out_dir, config)
    except (NotFound, ExportError) as e:
        fail(str(e))
    photos = len(ctx.library.get(slug).items)
    spoken = spoken_photos(result.files, slug)
    click.echo(f"wrote {len(result.pages)} pages, {len(result.files)} files "
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
def epub(ctx: Context, slug: str, out: str, voice: str | None, rate: int,
         describe: bool) -> None:
    """Write gallery SLUG as an EPUB 3 talking book: photos, alt text, captions and credits,
    a table of contents, and Media Overlays that play each caption and credit in sync."""
    from reader.export.epub import EpubError, export_epub
    from reader.speech.service import Speech

    speech = Speech.in_instance(ctx.instance, ctx.library)
    try:
        result = export_epub(ctx.library, ctx.instance, slug, out, speech,
                             SpeechSettings(voice=voice, rate=rate, describe=describe))
    except (NotFound, EpubError) as e:
        fail(str(e))
    finally:
        speech.close()
    if result.audio_note:
        click.echo(f"reader: the book has no audio: {result.audio_note}", err=True)
    click.echo(f"wrote {result.path}: {result.photos} photo{'' if result.photos == 1 else 's'}, "
               f"{result.overlays} with "
               f"synchronised audio ({result.duration:.1f} s)")
