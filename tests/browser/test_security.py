"""Editors and safety in a real browser (headless Chromium via Playwright) against `reader serve`.

Uses the session's one browser (`browser` in tests/browser/conftest.py): Playwright's sync API
allows one instance per process.

Every page works under the Content-Security-Policy with no violation reported (neither the
`securitypolicyviolation` event nor a console message), no payload runs, the sign-in and editor
forms work end to end, and a failed form puts focus on its error summary.
"""

from __future__ import annotations

import contextlib
import http.client
import subprocess
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from reader.store import Library
from reader.users import Users
from tests.payloads import payload_gallery
from tests.security.conftest import EDITOR, PASSWORD, sample_gallery
from tests.test_serve import BIN, free_port, wait_for

WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(
    e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '')));
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    instance = tmp_path_factory.mktemp("browser") / "instance"
    library = Library.in_instance(instance)
    plain = library.save(sample_gallery("Quiet harbour", n=4))
    hostile = library.save(payload_gallery(12))
    Users(library).add(EDITOR, PASSWORD)
    port = free_port()
    proc = subprocess.Popen([str(BIN / "reader"), "--instance", str(instance), "serve",
                             "--port", str(port)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/api/galleries", proc)
        yield base, plain.slug, hostile.slug, library
    finally:
        proc.terminate()
        proc.wait(10)


class Watched:
    """A page that records every CSP violation, console error and dialog."""

    def __init__(self, browser):
        self.context = browser.new_context()
        self.context.add_init_script(WATCH)
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}")
                     if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def visit(self, url: str, status: int = 200):
        r = self.page.goto(url)
        assert r.status == status, (url, r.status)
        self.check(url)
        return r

    def check(self, where: str):
        # Violation reports are queued as tasks: let them arrive before reading them.
        self.page.evaluate("() => new Promise(r => setTimeout(r, 100))")
        violations = self.page.evaluate("window.__csp")
        assert violations == [], (where, violations)
        csp_console = [m for m in self.console if "Content Security Policy" in m]
        assert csp_console == [], (where, csp_console)
        assert self.page.evaluate("window.__pwned") is None, where
        assert self.dialogs == [], (where, self.dialogs)

    def wait_for_summary_focus(self) -> str:
        """The error summary takes focus (autofocus is applied at the next rendering step)."""
        # A function, not an expression string: Playwright polls a string with eval(), which
        # the CSP (rightly) forbids.
        with contextlib.suppress(PlaywrightTimeout):  # the caller's assert says what is
            self.page.wait_for_function(
                "() => document.activeElement && document.activeElement.classList.contains("
                "'error-summary')", timeout=3000)
        return self.focused()

    def focused(self) -> str:
        return self.page.evaluate(
            "document.activeElement && (document.activeElement.className || "
            "document.activeElement.id || document.activeElement.tagName)")


@pytest.fixture
def tab(browser):
    w = Watched(browser)
    yield w
    assert [m for m in w.console if not m.startswith("error: Failed to load resource")] == []
    w.context.close()


def test_reading_pages_work_under_the_csp(server, tab):
    base, plain, hostile, _ = server
    tab.visit(base + "/")
    # the stylesheets loaded (a blocked one has no rules) and apply (the skip link is hidden)
    assert tab.page.evaluate("[...document.styleSheets].every(s => s.cssRules.length > 0)")
    assert tab.page.evaluate(
        "getComputedStyle(document.querySelector('.skip-link')).position") == "absolute"
    for url in [f"/g/{plain}/", f"/g/{plain}/1", f"/g/{plain}/4", f"/g/{hostile}/",
                f"/g/{hostile}/1", f"/g/{hostile}/12", f"/api/galleries/{hostile}"]:
        tab.visit(base + url)
    tab.visit(base + "/no/such/page", status=404)
    assert tab.page.locator("h1").inner_text() == "Page not found"


def test_payloads_show_as_text_in_the_browser(server, tab):
    base, _, hostile, library = server
    tab.visit(f"{base}/g/{hostile}/")
    g = library.get(hostile)
    assert tab.page.locator("h1").inner_text() == g.title
    captions = tab.page.locator(".caption").all_inner_texts()
    assert captions == [i.caption.replace("\r\n", "\n") for i in g.items] or \
        [c.split() for c in captions] == [i.caption.split() for i in g.items]
    hostile_markup = "script:not([src]), iframe, svg, img[onerror], base, meta[http-equiv]"
    assert tab.page.locator(hostile_markup).count() == 0
    assert tab.page.evaluate("[...document.scripts].every(s => "
                             "new URL(s.src).pathname.startsWith('/static/'))")


def test_sign_in_edit_and_sign_out_in_the_browser(server, tab):
    base, plain, _, library = server
    page = tab.page
    tab.visit(f"{base}/edit/g/{plain}/2")  # redirected to sign in, and back afterwards
    assert urlsplit(page.url).path == "/sign-in"

    # A wrong password: the error summary takes focus and links to the field.
    page.get_by_label("User name").fill(EDITOR)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    tab.check("failed sign-in")
    assert page.title().startswith("Error: ")
    assert tab.wait_for_summary_focus() == "error-summary"
    assert page.locator("#password").get_attribute("aria-describedby") == "password-error"

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/edit/g/{plain}/2")
    tab.check("signed in")

    # An empty caption: refused, focus on the summary; its link moves focus to the field.
    page.get_by_label("Caption").fill("")
    page.get_by_role("button", name="Save photo 2").click()
    page.wait_for_load_state()
    tab.check("failed edit")
    assert tab.wait_for_summary_focus() == "error-summary"
    page.get_by_role("link", name="Enter some text").click()
    assert page.evaluate("document.activeElement.id") == "caption"

    page.get_by_label("Caption").fill("A boat with a new name ties up.")
    page.get_by_role("button", name="Save photo 2").click()
    page.wait_for_url(f"{base}/edit/g/{plain}/#photo-2")
    tab.check("saved")
    assert page.locator(".notice").inner_text() == "Saved photo 2."
    assert library.get(plain).items[1].caption == "A boat with a new name ties up."

    page.get_by_role("button", name="Move photo 2 up").click()
    page.wait_for_load_state()
    tab.check("moved")
    assert library.get(plain).items[0].caption == "A boat with a new name ties up."

    for url in ["/edit/", "/edit/import", f"/edit/g/{plain}/delete", f"/edit/g/{plain}/3/delete",
                "/edit/lexicon/"]:
        tab.visit(base + url)

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{base}/sign-in")
    tab.check("signed out")
    assert page.locator(".notice").inner_text() == "You have signed out."
    tab.visit(f"{base}/edit/")
    assert urlsplit(page.url).path == "/sign-in"


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag2aaa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS},
                                       "resultTypes": ["violations"]})
    return [f"{v['id']}: {v['help']} -> {[n['target'] for n in v['nodes'][:3]]}"
            for v in results.response["violations"]]


def test_editor_pages_and_their_error_states_pass_axe(server, tab):
    base, plain, _, _ = server
    page = tab.page
    tab.visit(f"{base}/sign-in")
    assert axe_violations(page) == [], "sign-in"
    page.get_by_role("button", name="Sign in").click()  # nothing filled in: two errors
    page.wait_for_load_state()
    assert page.locator(".error-message").count() == 2
    assert axe_violations(page) == [], "sign-in with errors"
    page.get_by_label("User name").fill(EDITOR)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/edit/")
    for url in ["/edit/", "/edit/import", f"/edit/g/{plain}/", f"/edit/g/{plain}/1",
                f"/edit/g/{plain}/delete", f"/edit/g/{plain}/2/delete", "/edit/lexicon/",
                "/no/such/page"]:
        tab.page.goto(base + url)
        tab.check(url)
        assert axe_violations(page) == [], url
    tab.visit(f"{base}/edit/import")
    page.get_by_role("button", name="Import").click()
    page.wait_for_load_state()
    assert tab.wait_for_summary_focus() == "error-summary"
    assert axe_violations(page) == [], "import with errors"


def test_the_axe_harness_finds_a_real_violation(browser):
    """The check above can fail: a field with no label is reported."""
    ctx = browser.new_context()
    page = ctx.new_page()
    page.set_content("<!doctype html><html lang='en'><title>t</title><main>"
                     "<input type='text'></main></html>")
    assert any(v.startswith("label:") for v in axe_violations(page))
    ctx.close()


def test_import_by_pasting_in_the_browser(server, tab):
    base, _, _, library = server
    page = tab.page
    tab.visit(f"{base}/sign-in")
    page.get_by_label("User name").fill(EDITOR)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/edit/")
    tab.visit(f"{base}/edit/import")
    page.get_by_label("Paste the gallery’s text").fill(
        "Night market\nStalls open after dark.\nA stall with lanterns.\n"
        "Lanterns light the first stall. [Kim Lee/City Desk]\n")
    page.get_by_role("button", name="Import").click()
    page.wait_for_url(f"{base}/edit/g/night-market/")
    tab.check("imported")
    assert library.get("night-market").items[0].credit == "Kim Lee/City Desk"


def _post_size(base: str, declared: int, send: int):
    u = urlsplit(base)
    con = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    con.putrequest("POST", "/edit/import")
    con.putheader("Content-Type", "multipart/form-data; boundary=x")
    con.putheader("Content-Length", str(declared))
    con.endheaders()
    chunk = b"x" * 1024 * 1024
    try:
        while send > 0:
            con.send(chunk[:send])
            send -= len(chunk)
    except OSError:
        pass  # the server may answer and close before the body is all sent
    r = con.getresponse()
    body = r.read().decode(errors="replace")
    con.close()
    return r, body


def test_a_real_server_refuses_an_oversized_upload_with_the_413_page(server):
    base, *_ = server
    size = 32 * 1024 * 1024 + 1
    r, body = _post_size(base, size, size)
    assert r.status == 413
    assert "The file is too large" in body and "32 MiB" in body
    assert r.getheader("Content-Security-Policy")


def test_a_huge_upload_is_refused_before_it_is_sent(server):
    """Past twice the limit waitress refuses from the Content-Length, buffering nothing."""
    base, *_ = server
    r, body = _post_size(base, 10 * 1024**3, 0)
    assert r.status == 413
