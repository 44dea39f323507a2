// Delivery pages: conveniences on top of pages that work without JavaScript.
// * The matrix: one cell's details open at a time; Escape closes it and returns focus.
// * A secret shown once (webhook secret, calendar address): a Copy button.
(function () {
  "use strict";

  function closeOthers(opened) {
    document.querySelectorAll("details[data-cell][open]").forEach(function (other) {
      if (other !== opened) other.open = false;
    });
  }

  document.addEventListener(
    "toggle",
    function (event) {
      var details = event.target;
      if (details.matches && details.matches("details[data-cell]") && details.open) {
        closeOthers(details);
      }
    },
    true
  );

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
