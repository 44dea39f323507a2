// Northline's shared script: pages work without it. It saves a click on the organization
// switcher, shows a refused form's own page in the address bar, brings the refusal into view,
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
  // A refused form re-rendered by a button's target (…/decide/): the address bar names the
  // record's page, so a reload shows the record instead of resubmitting the form.
  const page = document.querySelector('meta[name="northline-page"]');
  if (page && window.history.replaceState) {
    window.history.replaceState(null, "", page.content + window.location.hash);
  }
  // The refusal where the eye is: the form's message, else its first refused field.
  const refusal = document.querySelector(
    "main .form-error, main .has-error input, main .has-error select, main .has-error textarea",
  );
  if (refusal) {
    if (refusal.classList.contains("form-error")) refusal.tabIndex = -1;
    refusal.scrollIntoView({ block: "center" });
    refusal.focus({ preventScroll: true });
  }
});
