// The alignment map: branches load when they first open (progressive enhancement).
//
// Each collapsed node is a <details data-branch-url>. Without this script opening it shows a
// link to the map focused on that branch, drawn by the server. With it, the first opening
// fetches the branch's children as server-rendered HTML and puts them in place; "Show more"
// links fetch the next page of a long list the same way. The server decides what is shown.
"use strict";

(() => {
  const map = document.querySelector("[data-map]");
  if (!map) return;
  const status = document.querySelector("[data-map-status]");
  const HEADERS = { "X-Requested-With": "fetch" };

  const say = (text) => {
    if (status) status.textContent = text;
  };

  const fetchFragment = async (url) => {
    const response = await fetch(url, { headers: HEADERS, credentials: "same-origin" });
    if (!response.ok) throw new Error(`The server answered ${response.status}.`);
    const template = document.createElement("template");
    template.innerHTML = (await response.text()).trim();
    return template.content;
  };

  const labelOf = (details) => {
    const card = details.parentElement.querySelector(":scope > .map-card .map-title");
    return card ? card.textContent.trim() : "this branch";
  };

  const loadBranch = async (details) => {
    if (details.hasAttribute("data-loaded") || details.hasAttribute("aria-busy")) return;
    details.setAttribute("aria-busy", "true");
    const fallback = details.querySelector(":scope > .map-fallback");
    try {
      const content = await fetchFragment(details.dataset.branchUrl);
      const list = document.createElement("ul");
      list.className = "map-children";
      list.append(content);
      if (fallback) fallback.replaceWith(list);
      else details.append(list);
      details.setAttribute("data-loaded", "");
      const count = list.querySelectorAll(":scope > .map-node").length;
      say(`${count} item${count === 1 ? "" : "s"} under ${labelOf(details)}.`);
    } catch (error) {
      // Keep the link: it still opens the branch as a page of its own.
      if (fallback) {
        fallback.classList.add("is-error");
        const link = fallback.querySelector("a");
        fallback.textContent = "This branch did not load. ";
        if (link) {
          link.textContent = "Open it as a page";
          fallback.append(link);
        }
      }
    } finally {
      details.removeAttribute("aria-busy");
    }
  };

  // "toggle" does not bubble: listen in the capture phase for every <details> of the map.
  map.addEventListener(
    "toggle",
    (event) => {
      const details = event.target;
      if (details instanceof HTMLDetailsElement && details.open && details.dataset.branchUrl) {
        loadBranch(details);
      }
    },
    true,
  );

  map.addEventListener("click", async (event) => {
    const link = event.target.closest && event.target.closest("a[data-more]");
    if (!link) return;
    event.preventDefault();
    const item = link.closest(".map-more");
    if (item.classList.contains("is-loading")) return;
    item.classList.add("is-loading");
    try {
      const content = await fetchFragment(link.dataset.more);
      const count = content.querySelectorAll(":scope > .map-node").length;
      const first = content.querySelector(":scope > .map-node .map-title");
      item.replaceWith(content);
      if (first) first.focus();
      say(`${count} more item${count === 1 ? "" : "s"} shown.`);
    } catch (error) {
      item.classList.remove("is-loading");
      window.location.assign(link.href);
    }
  });
})();
