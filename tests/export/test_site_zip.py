"""`/g/<slug>/site.zip` is rendered by the running app itself (not a second app made per
request), and the export's rewriting never leaks into the pages other readers get."""

from __future__ import annotations

import io
import zipfile

from reader.web.assets import register_stylesheet
from tests.conftest import downloaded
from tests.security.conftest import sample_gallery


def test_site_zip_is_made_by_the_running_app_and_leaves_live_pages_alone(app, client):
    gallery = app.extensions["library"].save(sample_gallery(n=3))
    # Something only this app instance has: a stylesheet registered after it was made. A
    # second app built for the download would not have it.
    register_stylesheet(app, "editor.css")
    r = downloaded(client, f"/g/{gallery.slug}/site.zip")
    assert r.status_code == 200 and r.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(r.data)) as z:
        names = set(z.namelist())
        page = z.read(f"{gallery.slug}/g/{gallery.slug}/index.html").decode()
        photo = z.read(f"{gallery.slug}/g/{gallery.slug}/2.html").decode()
    assert f"{gallery.slug}/g/{gallery.slug}/3.html" in names
    assert 'href="../../static/editor.css' in page  # the running app's own registration
    assert 'href="3.html"' in photo and 'settings' not in photo  # rewritten, static
    # The live app, asked right after, is untouched by the export.
    live = client.get(f"/g/{gallery.slug}/2").get_data(as_text=True)
    assert f'href="/g/{gallery.slug}/3"' in live and 'href="/settings?next=' in live
    assert "/static/editor.css" in live
