// Northline's only script: pages work without it; it saves a click on the organization switcher.
document.addEventListener("DOMContentLoaded", () => {
  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    const button = select.form.querySelector("[data-autosubmit-button]");
    if (button) button.hidden = true;
    select.addEventListener("change", () => {
      if (select.value) select.form.submit();
    });
  }
});
