// Delivery pages: conveniences on top of pages that work without JavaScript.
// * The matrix: one cell's details open at a time, placed and scrolled into view; Escape
//   closes it and returns focus. A fade on the box's right edge while more lies that way.
// * Back from acknowledging: the confirmation beside the impact is scrolled to and focused.
// * A secret shown once (webhook secret, calendar address): a Copy button.
(function () {
  "use strict";

  function closeOthers(opened) {
    document.querySelectorAll("details[data-cell][open]").forEach(function (other) {
      if (other !== opened) other.open = false;
    });
  }

  // Open a cell's details where the eye is: below the cell, or above it when the rows below
  // cannot hold them (the bottom rows); then scroll the matrix's box (and the page) just
  // enough to show them whole.
  function place(details) {
    var pop = details.querySelector(".pop");
    var table = details.closest("table");
    if (!pop || !table) return;
    details.classList.remove("pop-above");
    var cell = details.getBoundingClientRect();
    var rows = table.getBoundingClientRect();
    var head = table.tHead ? table.tHead.getBoundingClientRect().height : 0;
    var needed = pop.offsetHeight;
    if (rows.bottom - cell.bottom < needed && cell.top - rows.top - head >= needed) {
      details.classList.add("pop-above");
    }
    // Sideways, keep them within the table: from the cell's right edge in the last columns,
    // from its left edge next to the feature column.
    details.classList.remove("pop-end", "pop-start");
    var side = pop.getBoundingClientRect();
    var column = table.querySelector("tbody th");
    var first = column ? column.getBoundingClientRect().right : rows.left;
    if (side.right > rows.right) details.classList.add("pop-end");
    else if (side.left < first) details.classList.add("pop-start");
    pop.scrollIntoView({ block: "nearest", inline: "nearest" });
  }

  document.addEventListener(
    "toggle",
    function (event) {
      var details = event.target;
      if (details.matches && details.matches("details[data-cell]") && details.open) {
        closeOthers(details);
        place(details);
      }
    },
    true
  );

  // Back from acknowledging: the impact's confirmation (or refusal) is where the eye goes.
  // After the load, once the browser has scrolled to the #impact-… anchor (which clears focus).
  var outcome = document.querySelector("[data-ack-outcome]");
  if (outcome) {
    window.addEventListener("load", function () {
      window.setTimeout(function () {
        var opened = outcome.closest("details[data-cell]");
        if (opened) place(opened);
        else outcome.scrollIntoView({ block: "center" });
        outcome.focus({ preventScroll: true });
      }, 0);
    });
  }

  // The matrix box says when more of it lies to the right.
  document.querySelectorAll(".matrix-wrap").forEach(function (wrap) {
    var frame = wrap.parentElement;
    function cue() {
      var more = wrap.scrollWidth - wrap.clientWidth - wrap.scrollLeft > 2;
      frame.classList.toggle("more-right", more);
    }
    wrap.addEventListener("scroll", cue, { passive: true });
    window.addEventListener("resize", cue);
    cue();
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = document.querySelector("details[data-cell][open]");
    if (!open) return;
    open.open = false;
    open.querySelector("summary").focus();
  });

  document.addEventListener("click", function (event) {
    if (!event.target.closest("details[data-cell]")) closeOthers(null);
  });

  document.querySelectorAll("[data-copy-source]").forEach(function (input) {
    if (!navigator.clipboard) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button small copy-button";
    button.textContent = "Copy";
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(input.value).then(function () {
        button.textContent = "Copied";
      });
    });
    input.insertAdjacentElement("afterend", button);
  });
})();
