// hjemmel chat page: jump from an [n] marker to its citation card, and copy a formatted reference.
// Delegated on the document because Gradio re-renders the chat and the panel on every answer.
(function () {
  function flash(el) {
    el.classList.add("flash");
    setTimeout(function () { el.classList.remove("flash"); }, 1600);
  }

  function copyText(text, button) {
    function done() {
      button.textContent = "Kopiert ✓";
      setTimeout(function () { button.textContent = "Kopier henvisning"; }, 1600);
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

  document.addEventListener("click", function (ev) {
    var target = ev.target;
    if (!(target instanceof Element)) return;
    var link = target.closest('a[href^="#kilde-"]');
    if (link) {
      ev.preventDefault();
      ev.stopPropagation();
      var card = document.getElementById(link.getAttribute("href").slice(1));
      if (card) {
        var folded = card.closest("details");
        if (folded) folded.open = true;
        card.scrollIntoView({ behavior: "smooth", block: "start" });
        flash(card);
      }
      return;
    }
    var button = target.closest("button.copy-ref");
    if (button) {
      ev.preventDefault();
      copyText(button.getAttribute("data-ref") || "", button);
    }
  }, true);
})();
