// Northline's only script: pages work without it. It saves a click on the organization switcher
// and says so when wide content (a table, the board, the roadmap, the map) scrolls sideways.
const WIDE_CONTENT = ".table-wrap, .scroll-box, .board, .roadmap-scroll, .heat-wrap, .map-tree";

document.addEventListener("DOMContentLoaded", () => {
  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    const button = select.form.querySelector("[data-autosubmit-button]");
    if (button) button.hidden = true;
    select.addEventListener("change", () => {
      if (select.value) select.form.submit();
    });
  }
  for (const box of document.querySelectorAll(WIDE_CONTENT)) {
    const hint = document.createElement("p");
    hint.className = "scroll-hint";
    hint.textContent = "Scroll sideways to see all columns";
    hint.setAttribute("aria-hidden", "true"); // a cue for the eye; the content reads in order
    box.before(hint);
    const update = () => { hint.hidden = box.scrollWidth <= box.clientWidth + 1; };
    new ResizeObserver(update).observe(box);
    update();
  }
});
