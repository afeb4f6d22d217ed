"""Waiting for states, never for times: helpers for the browser tests.

A check that "nothing happened" must not sleep and then look. Instead it waits for a state
that comes *after* the thing that must not happen, in the same order of events:

- ``watch_keys`` / ``keys_handled``: every key press the page saw, and how many of them a
  shortcut acted on. The shortcut registry (static/reader.js) calls ``preventDefault`` on each
  key it acts on, so a key that nobody handled reaches the window's listener undefaulted.
  A move that would have followed starts inside that key's handler (synchronously), so "no
  key handled" is also "no move started".
- ``settled``: the document named ``title_start`` is fully loaded (its stylesheets applied).
"""

from __future__ import annotations

WATCH_KEYS = """() => {
  if (window.__keys) return;
  window.__keys = {seen: 0, handled: []};
  window.addEventListener('keydown', e => {
    window.__keys.seen += 1;
    if (e.defaultPrevented) window.__keys.handled.push(e.key);
  });
}"""


def watch_keys(page) -> None:
    page.evaluate(WATCH_KEYS)


def press_all(page, keys) -> list[str]:
    """Press each key; return the keys a shortcut acted on (after all were dispatched)."""
    watch_keys(page)
    before, handled = page.evaluate("[window.__keys.seen, window.__keys.handled.length]")
    for key in keys:
        page.keyboard.press(key)
    page.wait_for_function(f"() => window.__keys.seen >= {before + len(keys)}")
    return page.evaluate(f"window.__keys.handled.slice({handled})")


def settled(page, title_start: str = "") -> None:
    page.wait_for_function(
        "t => document.readyState === 'complete' && document.title.startsWith(t) && "
        "[...document.styleSheets].some(s => (s.href || '').includes('reader.css'))",
        arg=title_start)
