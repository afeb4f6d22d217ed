/* Gallery reader: keyboard shortcuts and moving between photos without a page load.
 *
 * Everything here only adds to pages that work without it (links, a settings form).
 * No framework, no inline scripts: this file is loaded with `defer`.
 *
 * For other features' scripts (load them with `defer` after this one):
 *   Reader.shortcuts.register({id: "play", run: function (event) {…}, when: …})
 *       Binds the shortcut `id` declared in Python (reader/web/shortcuts.py, which also lists
 *       it on /help); its keys come from <html data-keys> (JSON: id → space-separated
 *       KeyboardEvent.key values), so no script declares a key itself. `run` returns false to
 *       let the key through. Shortcuts fire only when the reader has them on (settings →
 *       <html data-shortcuts>), never while typing in a field or on a media player, never
 *       with Ctrl, Alt or Meta held.
 *   Reader.currentPhoto()  the element of the photo being read (.photo), or null.
 *   Reader.goToPhoto(n, {focus: true})  show photo n (on the gallery page: scroll to it).
 *   Reader.announce(text)  a polite screen-reader announcement.
 *   document event "reader:photochange" {detail: {n, total, element, focused}} after a move;
 *       on the photo page the <main> content has been replaced, so bind to new elements then
 *       (or, better, listen on document: event delegation survives every swap).
 *
 * A move focuses the photo's heading, which a screen reader reads: that is the move's one
 * announcement (no live-region message repeats it). A move made for the player (focus:
 * false) announces nothing: the audio itself says "Photo n of N".
 */
(function () {
  "use strict";

  var root = document.documentElement;
  var Reader = (window.Reader = window.Reader || {});
  root.classList.add("js"); // reader.css swaps native players for the reader's own buttons

  /* ---- Announcements ------------------------------------------------------------- */
  var announceTimer = null;
  Reader.announce = function (text) {
    var region = document.getElementById("announcer");
    if (!region) return;
    // Empty the region first, then fill it a moment later, so the same words twice in a
    // row are still announced.
    region.textContent = "";
    window.clearTimeout(announceTimer);
    announceTimer = window.setTimeout(function () { region.textContent = text; }, 120);
  };

  /* ---- The shortcut registry ----------------------------------------------------- */
  var registry = [];
  var queued = []; // keys pressed while a photo was being fetched
  var pending = 0; // the photo being fetched (0: none)

  function shortcutsOn() {
    return root.getAttribute("data-shortcuts") !== "off";
  }

  function isTypingOrOperating(target) {
    if (!target || target === document.body || target === root) return false;
    if (target.isContentEditable) return true;
    var tag = target.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") return true;
    // A media player uses the arrow keys, Home and End to seek.
    if (tag === "AUDIO" || tag === "VIDEO") return true;
    var role = target.getAttribute && target.getAttribute("role");
    return /^(textbox|searchbox|combobox|slider|spinbutton|listbox|menu|menuitem|grid|tree|tablist|application)$/.test(role || "");
  }

  Reader.shortcuts = {
    register: function (shortcut) {
      if (!shortcut || typeof shortcut.id !== "string" || typeof shortcut.run !== "function") {
        throw new TypeError("Reader.shortcuts.register needs {id, run}");
      }
      var keys = {};
      try { keys = JSON.parse(root.getAttribute("data-keys") || "{}"); } catch (e) { /* none */ }
      shortcut.keys = (keys[shortcut.id] || "").split(" ");
      registry.push(shortcut);
    },
    list: function () { return registry.slice(); },
    enabled: shortcutsOn
  };

  /* Runs the first shortcut for the key that acts (its `run` not returning false); true if
     one did. `later`: a key pressed while a photo was on its way in, run now it is here. */
  function dispatch(event, later) {
    for (var i = 0; i < registry.length; i++) {
      var s = registry[i];
      if (s.keys.indexOf(event.key) < 0) continue;
      if (pending && !s.moves && !later) {
        // A photo is on its way in: the key is for that photo (End, then p), so it waits.
        queued.push(event);
        return true;
      }
      if (s.when && !s.when()) continue;
      if (s.run(event) !== false) return true;
    }
    return false;
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.isComposing) return;
    if (event.ctrlKey || event.altKey || event.metaKey) return;
    if (!shortcutsOn() || isTypingOrOperating(event.target)) return;
    if (dispatch(event)) event.preventDefault();
  });

  /* ---- Photos -------------------------------------------------------------------- */
  function photoPage() { return document.querySelector(".photo-page"); }
  function galleryPage() { return document.querySelector("article.gallery"); }

  var galleryCurrent = 0; // on the gallery page: the photo last moved to (0: the introduction)

  Reader.currentPhoto = function () {
    var page = photoPage();
    if (page) return page;
    var gallery = galleryPage();
    if (!gallery) return null;
    var active = document.activeElement && document.activeElement.closest
      ? document.activeElement.closest("section.photo") : null;
    if (active) return active;
    return galleryCurrent ? document.getElementById("photo-" + galleryCurrent) : null;
  };

  function photoChanged(n, total, element, focused) {
    document.dispatchEvent(new CustomEvent("reader:photochange", {
      detail: { n: n, total: total, element: element, focused: focused }
    }));
  }

  /* The gallery page: every photo is already here; move focus between their headings. */
  function galleryGoTo(n, options) {
    var gallery = galleryPage();
    var total = parseInt(gallery.getAttribute("data-photo-total"), 10);
    n = Math.max(1, Math.min(total, n));
    var section = document.getElementById("photo-" + n);
    if (!section) return;
    galleryCurrent = n;
    var heading = section.querySelector("h2");
    if (!options || options.focus !== false) heading.focus({ preventScroll: true });
    heading.scrollIntoView({ block: "start" }); // scroll-margin keeps it clear of the player bar
    if (window.history.replaceState) window.history.replaceState(null, "", "#photo-" + n);
    photoChanged(n, total, section, !options || options.focus !== false);
  }

  function galleryPosition() {
    var current = Reader.currentPhoto();
    if (current) return parseInt(current.getAttribute("data-photo"), 10);
    var match = /^#photo-(\d+)$/.exec(window.location.hash);
    return match ? parseInt(match[1], 10) : 0;
  }

  /* The photo page: fetch the next photo's page and swap <main>, keeping its URL. */
  var loading = null;
  var shownPhoto = window.location.href.split("#")[0]; // the photo page now in <main>

  function photoGoTo(url, options) {
    options = options || {};
    if (!window.fetch || !window.DOMParser || !window.history.pushState) {
      window.location.href = url;
      return;
    }
    if (loading) loading.abort();
    var controller = window.AbortController ? new AbortController() : null;
    loading = controller;
    window.fetch(url, { credentials: "same-origin", signal: controller && controller.signal })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var newMain = doc.getElementById("main");
        var main = document.getElementById("main");
        if (!newMain || !main || !doc.querySelector(".photo-page")) throw new Error("not a photo page");
        // Move the parsed nodes across (no HTML strings are re-parsed; scripts stay inert).
        var fresh = Array.prototype.map.call(newMain.childNodes, function (node) {
          return document.importNode(node, true);
        });
        // Focus inside the old content would be lost with it (to <body>): it goes to the new
        // heading even on a move made for the player.
        var hadFocus = main.contains(document.activeElement) && document.activeElement !== main;
        while (main.firstChild) main.removeChild(main.firstChild);
        fresh.forEach(function (node) { main.appendChild(node); });
        document.title = doc.title;
        shownPhoto = url.split("#")[0];
        if (!options.fromHistory) window.history.pushState({ photo: shownPhoto }, "", url);
        loading = null;
        pending = 0;
        var page = photoPage();
        var n = parseInt(page.getAttribute("data-photo"), 10);
        var total = parseInt(page.getAttribute("data-photo-total"), 10);
        var heading = document.getElementById("photo-heading");
        if ((options.focus !== false || hadFocus) && heading) heading.focus({ preventScroll: true });
        // The heading at the top of the view (not the page's top: at 400% zoom the banner
        // alone fills the screen); scroll-margin keeps its focus ring in view.
        if (heading) heading.scrollIntoView({ block: "start" });
        photoChanged(n, total, page, options.focus !== false);
        queued.splice(0).forEach(function (e) { dispatch(e, true); });
      })
      .catch(function (error) {
        if (error && error.name === "AbortError") return;
        pending = 0;
        queued = [];
        window.location.href = url; // the plain link still works
      });
  }

  function move(which) {
    var page = photoPage();
    if (page) {
      // Counted from the photo being fetched, if any: quick presses each move one on.
      var total = parseInt(page.getAttribute("data-photo-total"), 10);
      var at = pending || parseInt(page.getAttribute("data-photo"), 10);
      var target = { first: 1, last: total, prev: at - 1, next: at + 1 }[which];
      if (target < 1 || target > total || target === at) return false;
      Reader.goToPhoto(target);
      return true;
    }
    if (galleryPage()) {
      var total = parseInt(galleryPage().getAttribute("data-photo-total"), 10);
      var at = galleryPosition();
      var target = { first: 1, last: total, prev: at - 1, next: at + 1 }[which];
      if (target < 1 || target > total || target === at) return false;
      galleryGoTo(target);
      return true;
    }
    return false;
  }

  Reader.goToPhoto = function (n, options) {
    if (galleryPage()) return galleryGoTo(n, options);
    var page = photoPage();
    if (!page) return;
    var current = pending || parseInt(page.getAttribute("data-photo"), 10);
    // "/g/slug/3" in the app, "…/g/slug/3.html" in a static export (reader/export/site.py).
    var url = window.location.pathname.replace(/\/\d+(\.html)?$/, "/" + n + "$1");
    if (n === current) return;
    pending = n;
    photoGoTo(url, options);
  };

  function onPhotoPage() { return !!photoPage() || !!galleryPage(); }
  ["prev", "next", "first", "last"].forEach(function (which) {
    Reader.shortcuts.register({ id: which, moves: true, when: onPhotoPage, run: function () { return move(which); } });
  });
  Reader.shortcuts.register({
    id: "help",
    run: function () {
      var help = document.querySelector('link[rel="help"]');
      if (!help || help.href.split("#")[0] === window.location.href.split("#")[0]) return false;
      window.location.href = help.href;
      return true;
    }
  });

  /* Clicking (or pressing Enter on) a photo link also moves without a page load. */
  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.ctrlKey || event.altKey || event.metaKey || event.shiftKey) return;
    var link = event.target.closest && event.target.closest(".photo-nav a[data-nav]");
    if (!link || !photoPage()) return;
    event.preventDefault();
    photoGoTo(link.href);
  });

  // Back and forward between photos this script showed. (A same-page link such as the skip
  // link also fires popstate; it carries no photo state and is left to the browser.)
  window.addEventListener("popstate", function (event) {
    if (!photoPage() || !event.state || !event.state.photo) return;
    if (event.state.photo.split("#")[0] === shownPhoto) return;
    photoGoTo(event.state.photo, { fromHistory: true });
  });

  if (photoPage() && window.history.replaceState) {
    window.history.replaceState({ photo: shownPhoto }, "", window.location.href);
  }
})();
