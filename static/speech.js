/* Each photo's play control and the `p` shortcut: play or pause a photo's spoken caption.
   Nothing plays by itself: only a click, Enter/Space on the button, or `p`.

   templates/partials/photo_audio.html gives each photo a native <audio controls> (what a
   reader without JavaScript gets) and a button; with JavaScript (<html class="js">, set by
   reader.js) reader.css hides the native bar and shows the button instead: one Tab stop,
   styled by the theme, scaling with the text. Everything here is delegated from the document
   (clicks, and the media events, which do not bubble, caught on their way down), so it works
   for photos swapped in by reader.js or restored by Back/Forward just as on the first load.
   The button's words (Play / Pause) are both in the page; this only shows one or the other.
   No words are written here: every one comes from the page (in the gallery's language). */
(function () {
  "use strict";

  function buttonFor(audio) {
    return document.querySelector('button.listen[data-audio="' + audio.id + '"]');
  }

  function clock(s) {
    s = Math.max(0, Math.floor(s || 0));
    return Math.floor(s / 60) + ":" + ("0" + (s % 60)).slice(-2);
  }

  function show(audio) {
    var button = buttonFor(audio);
    if (!button) return;
    var playing = !audio.paused && !audio.ended;
    var verbs = button.querySelectorAll(".listen-verb");
    verbs[0].hidden = playing;
    verbs[1].hidden = !playing;
    // Its name says what it will do: the page's own words for both (data-pause; the first
    // name, "Play …", is kept in data-play the first time it changes).
    if (!button.hasAttribute("data-play")) button.setAttribute("data-play", button.getAttribute("aria-label"));
    button.setAttribute("aria-label", button.getAttribute(playing ? "data-pause" : "data-play"));
    var time = document.getElementById(audio.id + "-time");
    if (time && isFinite(audio.duration) && audio.duration > 0) {
      // "0:03 of 0:10" in the page's words (data-format, made by the template).
      var format = time.getAttribute("data-format") || "{now} / {length}";
      time.textContent = format.replace("{now}", clock(audio.currentTime))
        .replace("{length}", clock(audio.duration));
    }
  }

  function toggle(audio) {
    if (audio.paused || audio.ended) {
      var p = audio.play();
      if (p && p.catch) p.catch(function () { show(audio); });
    } else {
      audio.pause();
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.listen[data-audio]");
    var audio = button && document.getElementById(button.getAttribute("data-audio"));
    if (audio) toggle(audio);
  });

  // One voice at a time: a photo that starts pauses every other one.
  document.addEventListener("play", function (event) {
    if (!event.target.matches || !event.target.matches("audio.speech")) return;
    document.querySelectorAll("audio.speech").forEach(function (other) {
      if (other !== event.target) other.pause();
    });
  }, true);
  ["play", "pause", "ended", "timeupdate", "durationchange"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      if (event.target.matches && event.target.matches("audio.speech")) show(event.target);
    }, true);
  });

  /* The current photo: the one holding the focus, else one playing, else the first on screen. */
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
      var box = (a.closest("section.photo") || a.parentNode).getBoundingClientRect();
      return box.bottom > 0 && box.top < window.innerHeight;
    });
    return seen[0] || all[0];
  }

  /* The native players reader.css hides: without controls they cannot take the focus either
     (Chromium lets a hidden <audio controls> be focused). Photos swapped in get the same. */
  function quiet() {
    document.querySelectorAll("audio.speech[controls]").forEach(function (a) { a.controls = false; });
  }
  document.addEventListener("reader:photochange", quiet);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", quiet);
  else quiet();

  if (window.Reader && window.Reader.shortcuts) {
    window.Reader.shortcuts.register({
      id: "play",
      run: function () {
        var audio = currentAudio();
        if (!audio) return false;
        toggle(audio);
      }
    });
  }
})();
