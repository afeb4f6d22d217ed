/* The Listen buttons and the `p` shortcut: play or pause the current photo's spoken caption.
   Nothing plays by itself: only a click, Enter/Space on the button, or `p`.
   The shortcut goes through Reader.shortcuts (static/reader.js), so the shortcuts setting,
   form fields and modifier keys are respected there. */
(function () {
  "use strict";

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

  /* `p`: through the reader's shortcut registry (static/reader.js), which honours the
     shortcuts setting and never fires while typing, on a player or with a modifier held. */
  if (window.Reader && window.Reader.shortcuts) {
    window.Reader.shortcuts.register({
      key: "p",
      label: "Play or pause this photo's caption and credit",
      run: function () {
        var audio = currentAudio();
        if (!audio) return false;
        toggle(audio);
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
