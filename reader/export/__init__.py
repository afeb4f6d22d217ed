"""Take a gallery anywhere: a static site (`site.py`, renders the app's own pages) and an
EPUB 3 talking book with Media Overlays (`epub.py`, no Flask). `routes.py` offers both as
downloads from the gallery page; `reader export …` (reader/cli/export.py) writes them."""
