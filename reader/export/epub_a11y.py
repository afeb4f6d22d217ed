"""The EPUB's schema.org accessibility metadata, worked out from what the book really holds
(photos, their descriptions, spoken audio), never claimed beyond it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reader.export.epub import Chapter


def accessibility(chapters: list[Chapter], has_audio: bool) -> list[tuple[str, str]]:
    """schema.org accessibility metadata, from what this book holds."""
    images = [ch for ch in chapters if ch.image_data is not None]
    described = [ch for ch in images if ch.item.alt and ch.item.alt != ch.item.caption]
    modes = ["textual"] + (["visual"] if images else []) + (["auditory"] if has_audio else [])
    meta = [("schema:accessMode", m) for m in modes]
    # Every photo has its caption as text (and its description where the source gives one),
    # so text alone carries the book; the audio speaks only captions and credits, so it
    # does not carry the title page: "auditory" is not sufficient on its own.
    meta.append(("schema:accessModeSufficient", "textual"))
    if images:
        meta.append(("schema:accessModeSufficient", "textual,visual"))
    features = ["tableOfContents", "readingOrder", "structuralNavigation",
                "displayTransformability"]
    if described:
        features.append("alternativeText")
    if has_audio:
        features.append("synchronizedAudioText")
    meta += [("schema:accessibilityFeature", f) for f in features]
    meta += [("schema:accessibilityHazard", h)
             for h in ("noFlashingHazard", "noMotionSimulationHazard", "noSoundHazard")]
    summary = ("A photo gallery: a title page, then each photo on its own page with its "
               "caption and the photographer’s credit as text, in reading order, with a "
               "table of contents listing every photo.")
    if images:
        summary += (f" {len(described)} of {len(images)} photos have a text description "
                    "as alternative text; every photo's caption describes it in words.")
    if has_audio:
        summary += (" Every caption and credit is also spoken (synthetic speech) and "
                    "synchronised with its text (Media Overlays), sentence by sentence "
                    "where possible; the title page is not narrated.")
    summary += " No flashing, motion or background sound."
    meta.append(("schema:accessibilitySummary", summary))
    return meta
