// Click a sentence: highlight every sentence that shares one of its claims.
(function () {
  "use strict";
  function clear() {
    document.querySelectorAll(".sent.hl, .sent.focus").forEach(function (el) {
      el.classList.remove("hl", "focus");
    });
  }
  function show(sentence) {
    clear();
    var event = sentence.closest(".event");
    var claims = (sentence.getAttribute("data-claims") || "").split(" ").filter(Boolean);
    sentence.classList.add("focus");
    claims.forEach(function (cid) {
      event.querySelectorAll(".sent").forEach(function (other) {
        var theirs = (other.getAttribute("data-claims") || "").split(" ");
        if (other !== sentence && theirs.indexOf(cid) >= 0) {
          other.classList.add("hl");
        }
      });
    });
    event.querySelectorAll(".article").forEach(function (column) {
      var first = column.querySelector(".sent.hl");
      if (first && column !== sentence.closest(".article")) {
        // bring the first match into view, below the column's sticky outlet name
        var head = column.querySelector("h4");
        var below = (head ? head.offsetHeight : 0) + 8;
        column.scrollTop += first.getBoundingClientRect().top - column.getBoundingClientRect().top - below;
      }
    });
  }
  document.addEventListener("click", function (ev) {
    var link = ev.target.closest("a.match, a.cell-link");
    if (link) {
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (target && target.classList.contains("sent")) {
        ev.preventDefault(); show(target); target.scrollIntoView({block: "center"});
      }
      return;
    }
    var sentence = ev.target.closest(".sent");
    if (sentence) { show(sentence); }
  });
  // the keyboard: Enter or Space on a sentence highlights its matches, Escape clears them
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") { clear(); return; }
    var sentence = ev.target.closest && ev.target.closest(".sent");
    if (sentence && ev.target === sentence && (ev.key === "Enter" || ev.key === " ")) {
      ev.preventDefault();
      show(sentence);
    }
  });
  if (location.hash) {
    var el = document.getElementById(location.hash.slice(1));
    if (el && el.classList.contains("sent")) { show(el); }
  }
})();
