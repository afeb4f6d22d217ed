/* The Listen buttons and the `p` shortcut: play or pause the current photo's spoken caption.
   Nothing plays by itself: only a click, Enter/Space on the button, or `p`.
   The shortcut is off when the page says shortcuts are off (<html data-shortcuts="off">,
   set by the settings), while typing in a field, or with a modifier key. */
(function () {
  "use strict";
  if (window.readerSpeech) return;  // the partial is included once per photo
  window.readerSpeech = true;

  /* The button says what it will do: "Listen" or "Pause" (a plain button, not a toggle
     with aria-pressed, whose name must not change). */
  function label(button, audio) {
    var playing = !audio.paused && !audio.ended;
    button.querySelector(".listen-verb").textContent = playing ? "Pause" : "Listen";
  }

  function toggle(audio) {
    if (audio.paused || audio.ended) {
      document.querySelectorAll("audio.speech").forEach(function (other) {
        if (other !== audio) other.pause();
      });
      var p = audio.play();
      if (p && p.catch) p.catch(function () { /* blocked or failed: the player shows it */ });
    } else {
      audio.pause();
    }
  }

  function setUp() {
    document.querySelectorAll("button.listen[data-audio]").forEach(function (button) {
      var audio = document.getElementById(button.dataset.audio);
      if (!audio) return;
      button.hidden = false;
      button.addEventListener("click", function () { toggle(audio); });
      ["play", "pause", "ended"].forEach(function (ev) {
        audio.addEventListener(ev, function () { label(button, audio); });
      });
    });
  }

  /* The current photo: the one holding the focus, else the first one on screen. */
  function currentAudio() {
    var all = Array.prototype.slice.call(document.querySelectorAll("audio.speech"));
    if (!all.length) return null;
    var el = document.activeElement;
    for (; el && el !== document.body; el = el.parentElement) {
      var mine = el.querySelector && el.querySelector("audio.speech");
      if (el.matches && el.matches("section.photo, main") && mine) return mine;
    }
    var playing = all.filter(function (a) { return !a.paused; });
    if (playing.length) return playing[0];
    var seen = all.filter(function (a) {
      var box = (a.closest("section.photo") || a).getBoundingClientRect();
      return box.bottom > 0 && box.top < window.innerHeight;
    });
    return seen[0] || all[0];
  }

  function shortcutsOn() {
    return document.documentElement.dataset.shortcuts !== "off" &&
      document.body.dataset.shortcuts !== "off";
  }

  document.addEventListener("keydown", function (e) {
    if (e.key !== "p" || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    if (!shortcutsOn()) return;
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    var audio = currentAudio();
    if (!audio) return;
    e.preventDefault();
    toggle(audio);
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
