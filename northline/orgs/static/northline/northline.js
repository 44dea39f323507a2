// Northline's shared script: pages work without it. It saves a click on the organization
// switcher, shows a refused form's own page in the address bar, and brings the refusal into view.
document.addEventListener("DOMContentLoaded", () => {
  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    const button = select.form.querySelector("[data-autosubmit-button]");
    if (button) button.hidden = true;
    select.addEventListener("change", () => {
      if (select.value) select.form.submit();
    });
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
