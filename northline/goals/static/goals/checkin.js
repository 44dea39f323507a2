// Inline check-ins on the key-result page (progressive enhancement).
//
// Without this script the check-in form is a plain POST that redirects back to the page. With
// it, the form is sent with fetch and the server answers with the freshly rendered live part of
// the page (numbers, pace, chart, check-ins and the form, with any errors), which replaces the
// old one in place: no page reload, and the rules stay on the server. A saved check-in shows a
// confirmation above the form (and says it in the status region); a refused one lists its
// reasons at the top of the form and moves the focus there.
"use strict";

(() => {
  const announce = (text) => {
    const region = document.getElementById("kr-announce");
    if (region && text) region.textContent = text;
  };

  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.matches("form[data-inline-check-in]")) return;
    const live = form.closest("[data-live]");
    if (!live) return;
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    live.classList.add("is-busy");
    live.setAttribute("aria-busy", "true");
    const token = form.querySelector("input[name=csrfmiddlewaretoken]");
    let response;
    try {
      response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch", "X-CSRFToken": token ? token.value : "" },
      });
    } catch (error) {
      // The request may not have left the browser: let the plain form try.
      form.submit();
      return;
    }
    // 200 saved, 409/422 refused with the reasons on the form; anything else (403, a lost
    // session, a server error) is shown by the ordinary page flow.
    if (![200, 409, 422].includes(response.status)) {
      window.location.reload();
      return;
    }
    const template = document.createElement("template");
    template.innerHTML = (await response.text()).trim();
    const fresh = template.content.firstElementChild;
    if (!fresh) {
      window.location.reload();
      return;
    }
    live.replaceWith(fresh);
    if (response.status === 200) {
      // The confirmation shows above the form; the status region reads the same words out.
      const saved = fresh.querySelector("[data-check-in-saved]");
      announce(saved ? saved.textContent.trim() : "Check-in saved.");
      const value = fresh.querySelector("form[data-inline-check-in] input[name=value]");
      if (value) value.focus();
    } else {
      // The reasons are listed at the top of the form (role=alert): focus goes there, so the
      // next Tab reaches the links to each field in error.
      const refusal = fresh.querySelector("[data-check-in-refusal]");
      if (refusal) {
        refusal.scrollIntoView({ block: "center" });
        refusal.focus();
      }
    }
  });
})();
