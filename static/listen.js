/* Listening mode: play the whole gallery, part by part, with the spoken sentence highlighted.
 *
 * Parts come from the player's data-parts-url (a JSON route, fetched now) or, in a static
 * export, its data-parts-script (one script file setting window.READER_LISTEN_PARTS;
 * templates/partials/listen_player.html): part 0 is the title and
 * introduction, part n is "Photo n of N." and photo n's caption and credit. The words this
 * shows come with them ({parts, words}), made by the server in the page's language.
 * Each part's WebVTT cues (one per sentence, timed from the engine's word positions) come
 * through a <track>; its `cuechange` drives the highlight and the transcript. A second,
 * metadata track has a cue per word (the engine's word positions): the word being spoken is
 * underlined within the highlighted sentence.
 *
 * - Never plays by itself: only Play all, `k`, or a media key after that.
 * - Playing, the player is the "now playing" bar fixed at the foot of the window (listen.css);
 *   its height is kept in --listen-bar on <html>, which reader.css uses as scroll padding,
 *   so nothing the page scrolls to hides behind it.
 * - As a part starts, the page moves to its photo (Reader.goToPhoto with focus: false, so the
 *   focus stays where the reader left it and nothing is announced: the audio says
 *   "Photo n of N" itself). Moving by the arrow keys while playing makes the player follow.
 * - Speed 0.5×–3× is remembered in this browser (localStorage); the play mode (straight
 *   through, or stop after each photo) is a setting (data-mode).
 * - Keys go through Reader.shortcuts, so the shortcuts setting, form fields, media players
 *   and modifier keys are respected: k play/pause, [ and ] previous/next photo, Escape stop
 *   (reader/web/listen.py declares them). The system's
 *   media keys (Media Session) work too, whatever a screen reader's mode.
 */
(function () {
  "use strict";

  var SPEED_KEY = "reader.listen.speed";
  var SPEEDS = ["0.5", "0.75", "1", "1.25", "1.5", "1.75", "2", "2.5", "3"];

  var player = document.getElementById("listen-player");
  if (!player || !window.Reader) return;
  var parts = [];
  var words = {};
  function take(data) { parts = data.parts || []; words = data.words || {}; }
  try { take(JSON.parse(player.getAttribute("data-parts") || "{}")); } catch (e) { /* none */ }
  function say(key, values) {
    return (words[key] || "").replace(/\{(\w+)\}/g, function (m, k) { return values[k]; });
  }
  var ready = null; // callbacks waiting for the parts to arrive
  if (!parts.length && player.getAttribute("data-parts-url")) {
    ready = [];
    window.fetch(player.getAttribute("data-parts-url"), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        take(data);
        var waiting = ready;
        ready = null;
        waiting.forEach(function (f) { f(); });
      });
  }
  if (!parts.length && player.getAttribute("data-parts-script")) {
    // A static export: one script file for the whole gallery (file:// loads scripts, not JSON).
    ready = [];
    var partsScript = document.createElement("script");
    partsScript.src = player.getAttribute("data-parts-script");
    partsScript.onload = function () {
      take(window.READER_LISTEN_PARTS || {});
      var waiting = ready;
      ready = null;
      waiting.forEach(function (f) { f(); });
    };
    document.head.appendChild(partsScript);
  }
  function whenReady(f) { if (ready) ready.push(f); else if (parts.length) f(); }

  // The audio element is made here: without JavaScript the player is its download links.
  // It has no controls (a hidden <audio controls> can still take the focus).
  var audio = document.createElement("audio");
  audio.id = "listen-audio";
  audio.className = "listen-audio";
  audio.preload = "none";
  audio.hidden = true; // played through the bar's own buttons, never shown
  var controls = player.querySelector(".listen-controls");
  var playButton = player.querySelector('[data-action="play"]');
  var verb = player.querySelector(".listen-play-verb");
  var status = player.querySelector(".listen-status");
  var nowLine = player.querySelector(".listen-now");
  var nowText = player.querySelector(".listen-now-text");
  var transcript = player.querySelector(".listen-transcript");
  var transcriptTitle = player.querySelector(".listen-part-title");
  var cueList = player.querySelector(".listen-cues");
  var speedSelect = player.querySelector("#listen-speed");
  nowLine.parentNode.insertBefore(audio, nowLine.nextSibling);

  var state = {
    index: -1,      // the part loaded in the audio element (-1: none yet)
    started: false, // Play all has been pressed (the controls are live)
    following: 0    // the photo this script asked reader.js to show (ignore its event)
  };

  /* ---- Where the player lives ---------------------------------------------------- */
  // Outside <main>, so swapping the photo page's <main> neither removes nor pauses it.
  // Moving it (and, playing, taking it out of the flow as the bar) must not move what the
  // reader is looking at: the focused element (else the one at the top of the window) is
  // kept where it was on screen, and keeps the focus.
  function keepInPlace(change) {
    var focused = document.activeElement;
    var anchor = focused && focused !== document.body && focused !== document.documentElement
      ? focused : document.elementFromPoint(window.innerWidth / 2, 2);
    var top = anchor ? anchor.getBoundingClientRect().top : 0;
    change();
    if (anchor && !player.contains(anchor)) {
      window.scrollBy(0, anchor.getBoundingClientRect().top - top);
    }
    if (focused && focused.focus && document.activeElement !== focused) {
      focused.focus({ preventScroll: true });
    }
  }
  var main = document.getElementById("main");
  keepInPlace(function () {
    if (main && main.contains(player)) main.parentNode.insertBefore(player, main);
  });
  controls.hidden = false;

  function dropCopies() {
    // A swapped-in photo page brings its own copy of the player: keep ours.
    document.querySelectorAll("#main .listen-player").forEach(function (copy) {
      copy.parentNode.removeChild(copy);
    });
  }
  dropCopies();

  /* ---- Speed ---------------------------------------------------------------------- */
  function storedSpeed() {
    var s = null;
    try { s = window.localStorage.getItem(SPEED_KEY); } catch (e) { /* storage off */ }
    return SPEEDS.indexOf(s) >= 0 ? s : "1";
  }
  function applySpeed() {
    var rate = parseFloat(speedSelect.value);
    audio.defaultPlaybackRate = rate; // a new part's load resets playbackRate to this
    audio.playbackRate = rate;
  }
  speedSelect.value = storedSpeed();
  applySpeed();
  speedSelect.addEventListener("change", function () {
    try { window.localStorage.setItem(SPEED_KEY, speedSelect.value); } catch (e) { /* off */ }
    applySpeed();
  });

  /* ---- Parts ---------------------------------------------------------------------- */
  function mode() { return player.getAttribute("data-mode") === "each" ? "each" : "through"; }
  function total() { return parts.length - 1; }

  function setVerb() {
    var playing = !audio.paused && !audio.ended;
    verb.textContent = say(playing ? "pause" : (state.started ? "resume" : "play"), {});
  }

  function setStatus(text) { status.textContent = text; }

  function currentPhotoNumber() {
    var el = window.Reader.currentPhoto && window.Reader.currentPhoto();
    return el ? parseInt(el.getAttribute("data-photo"), 10) || 0 : 0;
  }

  function showPhoto(n) {
    if (n < 1) return;
    if (currentPhotoNumber() === n && document.querySelector(".photo-page")) return;
    state.following = n;
    window.Reader.goToPhoto(n, { focus: false });
  }

  var shown = -1;       // the sentence the "Now speaking" line holds
  var track = null;     // the part's sentences
  var wordTrack = null; // the part's words (id "first-last" characters of the part's text)

  function addTrack(kind, label, src, onLoad, onChange) {
    var t = document.createElement("track");
    t.kind = kind;
    t.label = label;
    t.srclang = player.getAttribute("data-lang") || "en";
    t.src = src;
    audio.appendChild(t);
    t.track.mode = "hidden"; // load the cues and fire cuechange, draw nothing
    t.addEventListener("load", function () { if (t.parentNode === audio) onLoad(); });
    t.track.addEventListener("cuechange", function () { if (t.parentNode === audio) onChange(); });
    return t;
  }

  function load(i) {
    var part = parts[i];
    state.index = i;
    [track, wordTrack].forEach(function (t) { if (t && t.parentNode) t.parentNode.removeChild(t); });
    track = addTrack("captions", say("captions", {}), part.cues, buildTranscript, highlight);
    wordTrack = part.words
      ? addTrack("metadata", say("spokenWords", {}), part.words, buildTranscript, highlightWord)
      : null;
    audio.src = part.audio;
    transcriptTitle.textContent = part.title;
    while (cueList.firstChild) cueList.removeChild(cueList.firstChild);
    nowText.textContent = "";
    shown = -1;
    applySpeed();
  }

  function play() {
    // One voice at a time: a photo's own player stops when the gallery plays …
    document.querySelectorAll("audio.speech").forEach(function (other) { other.pause(); });
    var p = audio.play();
    if (p && p.catch) p.catch(function () { setVerb(); });
  }

  /* The bar's height, for reader.css's scroll padding (a CSSOM property, allowed by the CSP). */
  function barHeight() {
    var h = player.classList.contains("is-active") ? player.offsetHeight : 0;
    document.documentElement.style.setProperty("--listen-bar", h + "px");
  }
  if (window.ResizeObserver) new window.ResizeObserver(barHeight).observe(player);

  function start(i) {
    state.started = true;
    if (!player.classList.contains("is-active")) {
      keepInPlace(function () { player.classList.add("is-active"); });
    }
    barHeight();
    nowLine.hidden = false;
    player.querySelectorAll('[data-action="prev"], [data-action="next"], [data-action="stop"]')
      .forEach(function (b) { b.hidden = false; });
    load(i);
    showPhoto(parts[i].n);
    setStatus(say("now", { part: parts[i].title, title: words.title })); // "Photo 3 of 13. Title"
    play();
    updateMediaSession();
  }

  function startingPart() {
    // From a photo's own page: that photo. From the gallery page: the beginning, unless a
    // photo there holds the focus.
    return Math.min(total(), Math.max(0, currentPhotoNumber()));
  }

  function toggle() {
    if (state.index < 0) {
      whenReady(function () { start(startingPart()); });
    } else if (audio.paused || audio.ended) {
      if (audio.ended && state.index < total()) start(state.index + 1);
      else if (audio.ended) start(0);
      else play();
    } else {
      audio.pause();
    }
  }

  function go(delta) {
    if (state.index < 0) return false;
    var i = state.index + delta;
    if (i < 0 || i > total()) return false;
    start(i);
    return true;
  }

  function stop() {
    audio.pause();
    if (state.index >= 0) audio.currentTime = 0;
    state.started = false;
    setStatus(say("stopped", {}));
    state.index = -1;
    nowText.textContent = "";
    nowLine.hidden = true;
    // Back to its place in the page: the playing-only buttons go (and the focus, if it was on
    // one of them, to Play all).
    var focused = player.contains(document.activeElement);
    player.querySelectorAll('[data-action="prev"], [data-action="next"], [data-action="stop"]')
      .forEach(function (b) { b.hidden = true; });
    keepInPlace(function () { player.classList.remove("is-active"); });
    barHeight();
    if (focused) playButton.focus();
    setVerb();
  }

  audio.addEventListener("ended", function () {
    var i = state.index;
    if (i >= total()) {
      setStatus(say("end", {}));
      window.Reader.announce(say("end", {}));
      setVerb();
      return;
    }
    if (i >= 1 && mode() === "each") {
      var msg = say("each", { n: parts[i].n, next: parts[i + 1].n });
      setStatus(msg);
      window.Reader.announce(msg);
      setVerb();
      return;
    }
    start(i + 1);
  });
  // … and the gallery pauses when a photo's own player starts (its button, or `p`).
  document.addEventListener("play", function (event) {
    if (event.target !== audio && event.target.matches && event.target.matches("audio.speech")) {
      audio.pause();
    }
  }, true);
  ["play", "pause", "playing"].forEach(function (ev) { audio.addEventListener(ev, setVerb); });

  /* ---- Highlighting and the transcript --------------------------------------------- */
  function cuesOf() {
    var t = track && track.track;
    return t && t.cues ? Array.prototype.slice.call(t.cues) : [];
  }

  function wordCues() {
    var t = wordTrack && wordTrack.track;
    return t && t.cues ? Array.prototype.slice.call(t.cues) : [];
  }

  /* A sentence's text as nodes, each word (from the word cues) in a span that names its
     first character in the part's text. Sentences are the part's text split at single
     spaces, so sentence k starts where the ones before it (and a space each) end. */
  function sentenceNodes(text, offset, words) {
    var frag = document.createDocumentFragment();
    var at = 0;
    words.forEach(function (w) {
      var range = /^(\d+)-(\d+)$/.exec(w.id || "");
      if (!range) return;
      var a = parseInt(range[1], 10) - offset, b = parseInt(range[2], 10) - offset;
      if (a < at || b > text.length) return;
      if (a > at) frag.appendChild(document.createTextNode(text.slice(at, a)));
      var span = document.createElement("span");
      span.className = "listen-word";
      span.setAttribute("data-w", range[1]);
      span.textContent = text.slice(a, b);
      frag.appendChild(span);
      at = b;
    });
    if (at < text.length) frag.appendChild(document.createTextNode(text.slice(at)));
    return frag;
  }

  /* A cue's text as plain text: cue.text keeps WebVTT's escapes (&lt; for "<"). */
  function cueText(cue) {
    return cue.getCueAsHTML ? cue.getCueAsHTML().textContent : cue.text;
  }

  function buildTranscript() {
    while (cueList.firstChild) cueList.removeChild(cueList.firstChild);
    var wordList = wordCues(), offset = 0;
    cuesOf().forEach(function (cue, k) {
      var li = document.createElement("li");
      var b = document.createElement("button");
      b.type = "button";
      b.className = "listen-cue";
      b.setAttribute("data-cue", String(k));
      b.setAttribute("data-start", String(cue.startTime));
      var text = cueText(cue);
      b.appendChild(sentenceNodes(text, offset, wordList));
      offset += text.length + 1;
      li.appendChild(b);
      cueList.appendChild(li);
    });
    shown = -1;
    highlight();
  }

  function highlight() {
    var t = track && track.track;
    // The latest-starting active cue (at a boundary the ending one may still be listed).
    var active = null;
    for (var a = 0; t && t.activeCues && a < t.activeCues.length; a++) {
      if (!active || t.activeCues[a].startTime > active.startTime) active = t.activeCues[a];
    }
    var all = cuesOf();
    var k = active ? all.indexOf(active) : -1;
    cueList.querySelectorAll(".listen-cue").forEach(function (b) {
      if (String(k) === b.getAttribute("data-cue")) b.setAttribute("aria-current", "true");
      else b.removeAttribute("aria-current");
    });
    if (active && k !== shown) {
      shown = k;
      var button = cueList.querySelector('.listen-cue[data-cue="' + k + '"]');
      while (nowText.firstChild) nowText.removeChild(nowText.firstChild);
      if (button) {
        Array.prototype.forEach.call(button.childNodes, function (n) {
          nowText.appendChild(n.cloneNode(true));
        });
      } else {
        nowText.textContent = cueText(active);
      }
      highlightWord();
    }
  }

  function highlightWord() {
    var t = wordTrack && wordTrack.track;
    var active = null;
    for (var a = 0; t && t.activeCues && a < t.activeCues.length; a++) {
      if (!active || t.activeCues[a].startTime > active.startTime) active = t.activeCues[a];
    }
    var first = active ? String(active.id).split("-")[0] : null;
    player.querySelectorAll(".listen-word.is-spoken").forEach(function (w) {
      if (w.getAttribute("data-w") !== first) w.classList.remove("is-spoken");
    });
    if (first !== null) {
      player.querySelectorAll('.listen-word[data-w="' + first + '"]').forEach(function (w) {
        w.classList.add("is-spoken");
      });
    }
  }

  cueList.addEventListener("click", function (event) {
    var b = event.target.closest && event.target.closest(".listen-cue");
    if (!b) return;
    // 5 ms past the start: the media clock may land a hair before a cue boundary, which
    // would leave the sentence before it highlighted.
    audio.currentTime = parseFloat(b.getAttribute("data-start")) + 0.005;
    highlight();
  });

  /* ---- Buttons --------------------------------------------------------------------- */
  player.addEventListener("click", function (event) {
    var b = event.target.closest && event.target.closest("button[data-action]");
    if (!b) return;
    var action = b.getAttribute("data-action");
    if (action === "play") toggle();
    else if (action === "prev") go(-1);
    else if (action === "next") go(1);
    else if (action === "stop") stop();
    else if (action === "transcript") {
      var open = transcript.hidden;
      transcript.hidden = !open;
      b.setAttribute("aria-expanded", open ? "true" : "false");
    }
  });

  /* ---- Following the page ----------------------------------------------------------- */
  document.addEventListener("reader:photochange", function (event) {
    dropCopies();
    var n = event.detail && event.detail.n;
    if (n === state.following) { state.following = 0; return; }
    // The reader moved to another photo while listening: carry on from there.
    if (state.started && !audio.paused && n && n !== parts[state.index].n) start(n);
  });

  /* ---- Keys ---------------------------------------------------------------------- */
  var R = window.Reader.shortcuts;
  R.register({ id: "listen", run: function () { toggle(); } });
  R.register({ id: "listen-prev", when: function () { return state.index >= 0; },
               run: function () { return go(-1); } });
  R.register({ id: "listen-next", when: function () { return state.index >= 0; },
               run: function () { return go(1); } });
  R.register({ id: "listen-stop", when: function () { return state.index >= 0; },
               run: function () { stop(); } });

  /* ---- Media keys (Media Session) --------------------------------------------------- */
  function updateMediaSession() {
    if (!("mediaSession" in navigator) || state.index < 0) return;
    try {
      navigator.mediaSession.metadata = new window.MediaMetadata({
        title: parts[state.index].title,
        album: (document.querySelector("#main h1") || {}).textContent || ""
      });
    } catch (e) { /* metadata unsupported */ }
  }
  if ("mediaSession" in navigator) {
    var handlers = {
      play: function () { if (state.index < 0) toggle(); else play(); },
      pause: function () { audio.pause(); },
      stop: stop,
      previoustrack: function () { go(-1); },
      nexttrack: function () { go(1); }
    };
    Object.keys(handlers).forEach(function (action) {
      try { navigator.mediaSession.setActionHandler(action, handlers[action]); } catch (e) { /* unsupported */ }
    });
  }

  // For tests and other scripts: which part is loaded.
  window.Reader.listening = {
    part: function () { return state.index; },
    audio: audio
  };
})();
