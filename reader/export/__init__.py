"""Take a gallery anywhere, without Flask: the EPUB 3 talking book with Media Overlays
(`epub.py`). The static site renders the app's own pages, so it lives in the web layer
(reader/web/export_site.py), as do the gallery page's downloads (reader/web/downloads.py);
`reader export …` (reader/cli/export.py) writes both."""
