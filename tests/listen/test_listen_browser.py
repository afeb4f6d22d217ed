"""Listening mode in a real browser (Debian chromium via Playwright, axe-core).

Playback is started by a real click or key press, as a reader would (the shared browser has
no autoplay exemption); the parts play at 3×, the player's top speed, to keep this short.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from reader.model import Gallery, Item
from reader.web.settings import COOKIE
from tests.browser.probes import press_all

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag2aaa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
LONG = 60_000  # ms: the first request of each part renders it (about 0.2 s a part here)

AUDIO = "document.getElementById('listen-audio')"

# Every distinct sentence the "Now speaking" line shows, in order.
WATCH_HIGHLIGHT = """() => {
  window.__spoken = [];
  const line = document.querySelector('.listen-now-text');
  new MutationObserver(() => {
    const t = line.textContent;
    if (t && window.__spoken[window.__spoken.length - 1] !== t) window.__spoken.push(t);
  }).observe(line, {childList: true, characterData: true, subtree: true});
}"""


def fast(page, url):
    page.goto(url)
    page.evaluate("localStorage.setItem('reader.listen.speed', '3')")
    page.goto(url)


def play_all(page):
    page.get_by_role("button", name="Play all", exact=True).click()
    # The player's script loads on this first press: wait for its audio element too.
    page.wait_for_function(f"() => {AUDIO} && !{AUDIO}.paused && {AUDIO}.currentTime > 0",
                           timeout=LONG)


def test_nothing_plays_or_loads_by_itself(live, page, seed_gallery):
    requests = []
    page.on("request", lambda r: ("/listen/" in r.url or "/static/listen." in r.url)
            and requests.append(r.url))
    page.goto(f"{live}/g/{seed_gallery.slug}/")
    page.wait_for_load_state("networkidle")
    assert requests == []  # neither audio nor the player's own script and styles
    assert page.evaluate(f"() => {AUDIO} === null && !window.Reader.listening")
    assert page.get_by_role("region", name="Listen to the whole gallery").count() == 1
    # Once pressed, the player sits before <main> (so it survives the photo page's swaps).
    play_all(page)
    assert page.evaluate("document.getElementById('listen-player').nextElementSibling.id") \
        == "main"


def test_play_all_from_photo_1_moves_to_photo_3_with_the_spoken_sentence_highlighted(
        live, page, seed_gallery):
    total = len(seed_gallery.items)
    fast(page, f"{live}/g/{seed_gallery.slug}/1")
    page.evaluate(WATCH_HIGHLIGHT)
    page.get_by_role("button", name="Show transcript").click()
    play_all(page)
    assert page.evaluate(f"{AUDIO}.playbackRate") == 3
    assert page.evaluate("Reader.listening.part()") == 1

    # The transcript's highlighted sentence is the one the cues say is being spoken.
    page.wait_for_selector(".listen-cue[aria-current='true']", timeout=LONG)
    first = page.locator(".listen-cue[aria-current='true']").inner_text()
    assert first == page.locator(".listen-now-text").inner_text()

    # Word by word too: the underlined word moves on within the highlighted sentence.
    word = ".listen-cue[aria-current='true'] .listen-word.is-spoken"
    page.wait_for_selector(word, timeout=LONG)
    seen = page.locator(word).get_attribute("data-w")
    page.wait_for_function(f"() => (document.querySelector(\"{word}\") || {{}}).dataset?.w "
                           f"!== '{seen}'", timeout=LONG)

    page.wait_for_function("() => location.pathname.endsWith('/3')", timeout=LONG)
    page.wait_for_function(f"() => document.querySelector('#main h1').textContent.startsWith("
                           f"'Photo 3 of {total}: ')", timeout=LONG)
    assert page.evaluate("Reader.listening.part()") == 3
    assert page.title().startswith(f"Photo 3 of {total}")
    # Still one player, still playing, and it kept its place before <main>.
    assert page.locator(".listen-player").count() == 1
    page.wait_for_function(f"() => !{AUDIO}.paused", timeout=LONG)
    # The focus stayed where the reader put it (on the player's button), not moved by the
    # player: a screen reader is not interrupted.
    assert page.evaluate("document.activeElement.dataset.action") == "play"

    spoken = page.evaluate("window.__spoken")
    # Photo 1 is heard as "Photo 1 of N.", its caption's sentences, then the credit; photo 2
    # the same: every one of those sentences was highlighted in turn.
    assert spoken[0] == f"Photo 1 of {total}."
    assert f"Photo 2 of {total}." in spoken
    assert len(spoken) >= 5, spoken
    assert any(s.startswith("Photo:") for s in spoken), spoken  # a credit


def test_pause_holds_the_position_and_resume_carries_on(live, page, seed_gallery):
    page.goto(f"{live}/g/{seed_gallery.slug}/4")
    play_all(page)
    page.wait_for_function(f"() => {AUDIO}.currentTime > 0.6", timeout=LONG)
    page.keyboard.press("k")  # the focus is on the Play button: keys still reach the page
    page.wait_for_function(f"() => {AUDIO}.paused")
    held = page.evaluate(f"{AUDIO}.currentTime")
    page.get_by_role("button", name="Resume", exact=True).wait_for()
    page.keyboard.press("k")
    page.wait_for_function(f"() => !{AUDIO}.paused && {AUDIO}.currentTime > {held} + 0.2",
                           timeout=LONG)
    assert page.evaluate("Reader.listening.part()") == 4
    # One voice at a time: the photo's own player (`p`) pauses the gallery, and back.
    page.locator("h1").click()
    page.keyboard.press("p")
    page.wait_for_function("() => !document.getElementById('audio-4').paused", timeout=LONG)
    page.wait_for_function(f"() => {AUDIO}.paused")
    page.keyboard.press("k")
    page.wait_for_function(f"() => !{AUDIO}.paused")
    assert page.evaluate("document.getElementById('audio-4').paused")


def test_speed_sets_the_playback_rate_and_survives_a_reload(live, page, seed_gallery):
    url = f"{live}/g/{seed_gallery.slug}/"
    page.goto(url)
    assert page.get_by_label("Speed").input_value() == "1"
    page.get_by_label("Speed").select_option("2")  # before the player has loaded
    page.reload()
    assert page.get_by_label("Speed").input_value() == "2"
    play_all(page)  # the player loads with it, and a new part's load keeps it
    assert page.evaluate(f"{AUDIO}.playbackRate") == 2
    page.get_by_label("Speed").select_option("1.5")  # and once it has loaded
    assert page.evaluate(f"{AUDIO}.playbackRate") == 1.5


def test_transcript_sentence_seeks_there_by_mouse_and_keyboard(live, page, seed_gallery):
    page.goto(f"{live}/g/{seed_gallery.slug}/5")
    play_all(page)
    page.keyboard.press("k")
    page.wait_for_function(f"() => {AUDIO}.paused")
    page.get_by_role("button", name="Show transcript").click()
    cues = page.locator(".listen-cue")
    cues.nth(2).wait_for(timeout=LONG)
    starts = page.evaluate("[...document.getElementById('listen-audio').textTracks[0].cues]"
                           ".map(c => c.startTime)")
    assert len(starts) == cues.count() >= 3

    cues.nth(2).click()
    assert abs(page.evaluate(f"{AUDIO}.currentTime") - starts[2]) < 0.01
    cues.nth(1).focus()
    page.keyboard.press("Enter")
    assert abs(page.evaluate(f"{AUDIO}.currentTime") - starts[1]) < 0.01
    page.wait_for_selector(".listen-cue[data-cue='1'][aria-current='true']")


def test_stop_after_each_photo_stops_at_the_end_of_photo_1(live, context, seed_gallery):
    context.add_cookies([{"name": COOKIE, "url": live, "value": "listen_mode=each"}])
    page = context.new_page()
    fast(page, f"{live}/g/{seed_gallery.slug}/1")
    play_all(page)
    page.wait_for_function(f"() => {AUDIO}.ended", timeout=LONG)
    # The player's `ended` handler has run once the status says so: had it gone on, it would
    # have started photo 2 in that same handler.
    page.wait_for_function("() => document.querySelector('.listen-status').textContent"
                           ".includes('End of photo 1')", timeout=LONG)
    assert page.evaluate(f"{AUDIO}.paused")
    assert page.evaluate("Reader.listening.part()") == 1
    assert page.evaluate("location.pathname").endswith("/1")
    assert "End of photo 1" in page.locator(".listen-status").inner_text()
    # Resume carries on with photo 2.
    page.get_by_role("button", name="Resume", exact=True).click()
    page.wait_for_function("() => location.pathname.endsWith('/2')", timeout=LONG)
    page.wait_for_function(f"() => !{AUDIO}.paused", timeout=LONG)


@pytest.mark.parametrize(("theme", "scheme"), [("auto", "light"), ("auto", "dark"),
                                             ("yellow", "light")])
def test_axe_finds_nothing_with_the_player_open_and_playing(live, browser, seed_gallery,
                                                            theme, scheme):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme,
                              reduced_motion="reduce")
    ctx.add_cookies([{"name": COOKIE, "url": live, "value": f"theme={theme}"}])
    try:
        page = ctx.new_page()
        for path in (f"/g/{seed_gallery.slug}/", f"/g/{seed_gallery.slug}/2"):
            page.goto(live + path)
            play_all(page)
            page.get_by_role("button", name="Show transcript").click()
            page.wait_for_selector(".listen-cue[aria-current='true'] .listen-word.is-spoken",
                                   timeout=LONG)
            assert not page.evaluate(f"{AUDIO}.paused")
            results = Axe().run(page, options=AXE_OPTIONS)
            violations = [f"{v['id']}: {[n['target'] for n in v['nodes'][:3]]}"
                          for v in results.response["violations"]]
            assert violations == [], path
            assert not page.evaluate(f"{AUDIO}.paused")  # still playing after the scan
    finally:
        ctx.close()


def test_the_open_player_reflows_at_320px_with_200_percent_text(live, browser, seed_gallery):
    ctx = browser.new_context(viewport={"width": 320, "height": 900}, reduced_motion="reduce")
    ctx.add_cookies([{"name": COOKIE, "url": live, "value": "theme=dark&text_size=200"}])
    try:
        page = ctx.new_page()
        page.goto(f"{live}/g/{seed_gallery.slug}/1")
        play_all(page)
        page.get_by_role("button", name="Show transcript").click()
        page.wait_for_selector(".listen-cue[aria-current='true']", timeout=LONG)
        wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > innerWidth + 1)
            .map(e => e.tagName + '.' + e.className)""")
        assert wide == []
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
    finally:
        ctx.close()


def test_shortcuts_off_k_does_nothing(live, context, seed_gallery):
    context.add_cookies([{"name": COOKIE, "url": live, "value": "shortcuts=off"}])
    page = context.new_page()
    page.goto(f"{live}/g/{seed_gallery.slug}/1")
    page.locator("h1").click()
    assert press_all(page, ["k", "p", "ArrowRight", "["]) == []  # no shortcut acted on them
    page.wait_for_load_state("networkidle")
    assert page.evaluate("() => !window.Reader.listening")  # the player never loaded
    assert page.evaluate(f"() => {AUDIO} === null")  # nothing to play, nothing played


def test_from_the_gallery_page_the_introduction_then_photo_1_scrolled_to(live, page,
                                                                         seed_gallery):
    fast(page, f"{live}/g/{seed_gallery.slug}/")
    play_all(page)
    assert page.evaluate("Reader.listening.part()") == 0
    assert page.locator(".listen-status").inner_text().startswith("Introduction. ")
    page.wait_for_function("() => Reader.listening.part() === 1", timeout=LONG)
    page.wait_for_function("() => location.hash === '#photo-1'", timeout=LONG)
    # Photo 1's heading is in view, but the focus stayed on the player's button.
    top = page.evaluate("document.getElementById('photo-1-heading').getBoundingClientRect().top")
    assert 0 <= top < 900
    assert page.evaluate("document.activeElement.dataset.action") == "play"
    # The arrow keys while listening: the player follows the reader to photo 2 (the key is
    # pressed with the focus on the page, as a sighted keyboard user would).
    page.locator("#photo-1-heading").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => Reader.listening.part() === 2", timeout=LONG)
    page.keyboard.press("]")
    page.wait_for_function("() => Reader.listening.part() === 3", timeout=LONG)
    page.keyboard.press("[")
    page.wait_for_function("() => Reader.listening.part() === 2", timeout=LONG)


def test_forced_colours_highlight_uses_the_system_mark_colours(live, browser, seed_gallery):
    ctx = browser.new_context(forced_colors="active", reduced_motion="reduce")
    try:
        page = ctx.new_page()
        page.goto(f"{live}/g/{seed_gallery.slug}/3")
        play_all(page)
        page.get_by_role("button", name="Show transcript").click()
        spoken = page.locator(".listen-cue[aria-current='true']")
        spoken.wait_for(timeout=LONG)
        page.keyboard.press("k")
        style = spoken.evaluate("""el => {
          const probe = document.createElement('span');
          probe.style.cssText = 'forced-color-adjust: none; background: Mark; color: MarkText';
          document.body.appendChild(probe);
          const want = getComputedStyle(probe), got = getComputedStyle(el);
          const out = {bg: got.backgroundColor, fg: got.color,
                       mark: want.backgroundColor, markText: want.color};
          probe.remove();
          return out;
        }""")
        assert (style["bg"], style["fg"]) == (style["mark"], style["markText"])
        assert style["bg"] != style["fg"]
    finally:
        ctx.close()


def test_a_caption_holding_a_less_than_sign_is_shown_as_text_and_words_stay_aligned(
        live, page, library):
    """WebVTT escapes `<` as `&lt;`: the transcript and the "Now speaking" line show `<`,
    and each underlined word is a whole word of the sentence (offsets count `<` as one)."""
    gallery = library.save(Gallery(title="Tide watch", lang="en", source="test:lt", items=[
        Item(position=1, caption="Water levels < 2 m & rising at the quay, the keeper said.",
             credit="Ann Lee/Port Press")]))
    fast(page, f"{live}/g/{gallery.slug}/1")
    page.get_by_role("button", name="Show transcript").click()
    play_all(page)
    cue = page.locator(".listen-cue", has_text="Water levels")
    cue.wait_for(timeout=LONG)
    text = cue.inner_text()
    assert "<" in text and "&lt;" not in text and "&amp;" not in text
    words = page.evaluate("""() => [...document.querySelectorAll('.listen-cue .listen-word')]
        .filter(w => w.closest('.listen-cue').textContent.includes('Water'))
        .map(w => w.textContent)""")
    tokens = text.split()
    # Each word span holds whole words (the engine may take a symbol with the word before).
    assert len(words) >= 8 and all(t in tokens or t.strip(",.") in tokens
                                   for w in words for t in w.split()), (words, tokens)
    assert words[-1].rstrip(".") == "said"  # the last word still lines up
    page.wait_for_function("() => document.querySelector('.listen-now-text').textContent"
                           ".includes('<')", timeout=LONG)
