// hjemmel chat page: Norwegian interface, jump from an [n] marker to its card, copy a reference or
// an answer, show the newest question/answer from its start, keep conversations and the role in
// localStorage, restore them on load and download exports. Delegated on the document because
// Gradio re-renders the chat and the panel on every answer. All of it lives here rather than in
// Gradio `js=` snippets, which Gradio runs through eval: the page's CSP has no 'unsafe-eval'.
// The server talks to this script through hidden boxes: #conv-store (the store to keep),
// #restore-in (what was kept, sent once on load), #cards-turn (an earlier answer's cards wanted)
// and #export-out (a file to download).
(function () {
  // Gradio picks its interface language from the browser; this page is Norwegian whatever the
  // browser says (runs before Gradio's scripts, which are deferred modules).
  try {
    Object.defineProperty(navigator, "language", { get: function () { return "nb-NO"; } });
    Object.defineProperty(navigator, "languages", { get: function () { return ["nb-NO", "nb"]; } });
  } catch (e) { /* an old browser keeps its own language */ }
  document.documentElement.lang = "nb";

  // Strings Gradio writes in English whatever the language.
  var NORWEGIAN = {
    "Connection to the server was lost. Attempting reconnection...":
      "Forbindelsen med serveren ble brutt. Prøver å koble til igjen …",
    "Error": "Feil",
    "Warning": "Advarsel",
    "Info": "Melding",
    "Loading...": "Laster …",
    "Drop File Here": "Slipp filen her",
    "- or -": "– eller –",
    "Click to Upload": "Klikk for å laste opp",
    "Use via API": "",
    "Built with Gradio": ""
  };
  var LABELS = { "Like": "Nyttig", "Dislike": "Ikke nyttig", "Liked": "Nyttig (valgt)",
    "Disliked": "Ikke nyttig (valgt)", "Scroll down": "Rull ned",
    "Clear": "Tøm", "Copy": "Kopier", "Copied": "Kopiert", "Close": "Lukk", "Download": "Last ned" };
  function relabel(el) {
    ["title", "aria-label"].forEach(function (name) {
      var value = el.getAttribute(name);
      if (value && LABELS[value]) el.setAttribute(name, LABELS[value]);
    });
  }
  function translate(root) {
    if (root.getAttribute) relabel(root);
    var labelled = root.querySelectorAll ? root.querySelectorAll("[title], [aria-label]") : [];
    Array.prototype.forEach.call(labelled, relabel);
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var node;
    while ((node = walker.nextNode())) {
      var text = node.nodeValue.trim();
      if (text && Object.prototype.hasOwnProperty.call(NORWEGIAN, text)) {
        node.nodeValue = NORWEGIAN[text];
      } else if (/^File size exceeded maximum allowed size/.test(text)) {
        node.nodeValue = "Filen er for stor for opplasting.";
      }
    }
  }
  new MutationObserver(function (changes) {
    changes.forEach(function (c) {
      if (c.type === "attributes") { relabel(c.target); return; }
      c.addedNodes.forEach(function (n) {
        if (n.nodeType === 1) translate(n);
        else if (n.nodeType === 3 && n.parentNode) translate(n.parentNode);
      });
    });
  }).observe(document.documentElement, {
    childList: true, subtree: true, attributes: true, attributeFilter: ["title", "aria-label"]
  });

  function scrollParent(el) {
    for (var p = el.parentElement; p; p = p.parentElement) {
      var style = getComputedStyle(p);
      if (/(auto|scroll)/.test(style.overflowY) && p.scrollHeight > p.clientHeight) return p;
    }
    return null;
  }

  // After a question: show it; after an answer: put the answer's first line at the top of the chat.
  window.hjemmelShowLatest = function (what) {
    var tries = 0;
    (function attempt() {
      var sel = what === "question" ? "#chat [data-testid='user']" : "#chat [data-testid='bot']";
      var all = document.querySelectorAll(sel);
      var el = all.length ? all[all.length - 1] : null;
      var box = el && scrollParent(el);
      if (!box) {
        if (++tries < 20) setTimeout(attempt, 50);
        return;
      }
      var top = el.getBoundingClientRect().top - box.getBoundingClientRect().top;
      box.scrollTop += what === "question" ? top - 8 : top - 48;
    })();
  };
  function flash(el) {
    el.classList.add("flash");
    setTimeout(function () { el.classList.remove("flash"); }, 1600);
  }

  function copyText(text, button) {
    var label = button.textContent;
    function done() {
      button.textContent = "Kopiert ✓";
      setTimeout(function () { button.textContent = label; }, 1600);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallback(text); done(); });
    } else {
      fallback(text);
      done();
    }
  }

  // Pages served on a LAN address over http have no clipboard API: use a hidden textarea.
  function fallback(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } catch (e) { /* the text is shown beside the button */ }
    document.body.removeChild(area);
  }

  // «Vis i dokumentet»: when a section opens, scroll it so the cited passage is in view.
  document.addEventListener("toggle", function (ev) {
    var details = ev.target;
    if (!(details instanceof HTMLDetailsElement) || !details.open) return;
    var view = details.querySelector(".section-view");
    var target = view && view.querySelector(".sec-target");
    if (target) view.scrollTop = Math.max(0, target.offsetTop - view.offsetTop - 24);
  }, true);

  var STORE_KEY = "hjemmel-samtaler", ROLE_KEY = "hjemmel-rolle";
  function box(id) { return document.querySelector("#" + id + " textarea, #" + id + " input"); }
  function send(id, value) {
    var el = box(id);
    if (!el) return false;
    el.value = value;
    el.dispatchEvent(new Event("input", { bubbles: true }));
    return true;
  }
  function stored(key, fallback) {
    try { return localStorage.getItem(key) || fallback; } catch (e) { return fallback; }
  }
  function keep(key, value) {
    try { localStorage.setItem(key, value); } catch (e) { /* full or forbidden: not kept */ }
  }

  function showCard(id) {
    var card = document.getElementById(id);
    if (!card) return false;
    for (var d = card.closest("details"); d; d = d.parentElement && d.parentElement.closest("details")) {
      d.open = true;
    }
    card.scrollIntoView({ behavior: "smooth", block: "start" });
    flash(card);
    return true;
  }
  // An earlier answer's cards are not on the page: ask the server for them, then show the card.
  var wantedCards = null;
  function fetchCard(id) {
    var turn = id.split("-")[1];
    wantedCards = id;
    send("cards-turn", turn + ":" + Date.now());
    var tries = 0;
    (function wait() {
      if (showCard(id) || ++tries > 100) { wantedCards = null; return; }
      setTimeout(wait, 100);
    })();
  }

  // Once the page is up: send what the browser kept; retried until the server has restored it.
  var sentAt = 0;
  (function restore() {
    if (document.querySelector("#role.restored")) return;
    if (box("restore-in") && Date.now() - sentAt > 3000) {
      var kept = { store: stored(STORE_KEY, ""), role: stored(ROLE_KEY, "alle"), at: Date.now() };
      if (send("restore-in", JSON.stringify(kept))) sentAt = Date.now();
    }
    setTimeout(restore, 100);
  })();

  // The store the server wrote is kept; an export the server made is downloaded.
  var lastStore = null, lastExport = "";
  setInterval(function () {
    var store = box("conv-store");
    if (store && document.querySelector("#role.restored") && store.value !== lastStore) {
      if (lastStore !== null || store.value) keep(STORE_KEY, store.value);
      lastStore = store.value;
    }
    var out = box("export-out");
    if (out && out.value && out.value !== lastExport) {
      lastExport = out.value;
      try { download(JSON.parse(out.value)); } catch (e) { /* not an export */ }
    }
  }, 250);
  function download(file) {
    var bytes = atob(file.data), buf = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i++) buf[i] = bytes.charCodeAt(i);
    var url = URL.createObjectURL(new Blob([buf], { type: file.mime }));
    var a = document.createElement("a");
    a.href = url;
    a.download = file.name;
    document.body.appendChild(a);
    a.click();
    document.body.removeChild(a);
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
  }

  // Only the user's own choice of role is kept (a restore sets it without a change event).
  document.addEventListener("change", function (ev) {
    var input = ev.target;
    if (input instanceof HTMLInputElement && input.closest("#role") && input.checked) {
      keep(ROLE_KEY, input.value);
    }
  }, true);

  // A new question in the chat: show it; new cards in the panel: show the answer's start.
  var users = 0, cards = null;
  new MutationObserver(function () {
    var n = document.querySelectorAll("#chat [data-testid='user']").length;
    if (n > users) window.hjemmelShowLatest("question");
    users = n;
    var block = document.querySelector("#citations .answer-cards");
    if (block && block !== cards && !wantedCards) window.hjemmelShowLatest("answer");
    cards = block;
  }).observe(document.documentElement, { childList: true, subtree: true });

  document.addEventListener("click", function (ev) {
    var target = ev.target;
    if (!(target instanceof Element)) return;
    var link = target.closest('a[href^="#kilde-"]');
    if (link) {
      ev.preventDefault();
      ev.stopPropagation();
      var id = link.getAttribute("href").slice(1);
      if (!showCard(id)) fetchCard(id);
      return;
    }
    var button = target.closest("button.copy-ref");
    if (button) {
      ev.preventDefault();
      copyText(button.getAttribute("data-ref") || "", button);
      return;
    }
    var answer = target.closest("button.copy-answer");
    if (answer) {
      ev.preventDefault();
      copyText(answer.getAttribute("data-text") || "", answer);
      return;
    }
    // A place in «Lovhenvisninger»: open its passages in the document reader.
    var place = target.closest("button.ref-place");
    if (place) {
      ev.preventDefault();
      var ids = place.getAttribute("data-passages") || "";
      var tabs = document.querySelectorAll("[role='tab']");
      for (var i = 0; i < tabs.length; i++) {
        if (tabs[i].textContent.trim() === "Dokumenter") { tabs[i].click(); break; }
      }
      // Gradio renders a tab's content when it is first shown: wait for the reader's box, send the
      // ids, then scroll the marked passage into view once the reader shows it.
      var tries = 0;
      (function press() {
        var reader = document.getElementById("reader");
        var before = reader ? reader.innerHTML : "";
        if (send("reader-goto", ids + "|" + Date.now())) {
          var waits = 0;
          (function shown() {
            var now = document.getElementById("reader");
            var mark = now && now.querySelector(".sec-target");
            if (mark && now.innerHTML !== before) { mark.scrollIntoView({ block: "center" }); return; }
            if (++waits < 100) setTimeout(shown, 50);
          })();
          return;
        }
        if (++tries < 100) setTimeout(press, 50);
      })();
    }
  }, true);
})();
