// The portfolio board: drag-and-drop, the keyboard move controls and more cards on scroll
// (progressive enhancement; the board reads and every move works without this script).
//
// A move is the same POST the card's Move form sends, with the X-Requested-With header so the
// server answers JSON: the moved card, or 409 with every unmet rule by name. The server decides;
// this script only shows the answer, where the eye is: a note on the card itself says what
// happened (moved, placed by hand, or not moved and why), and the live regions above the board
// say the same to a screen reader. A refused card goes back exactly where it was, its column
// picker back to its real column.
"use strict";

(() => {
  const board = document.querySelector("[data-board]");
  if (!board) return;
  const alertRegion = document.querySelector("[data-board-alert]");
  const statusRegion = document.querySelector("[data-board-status]");
  const dialog = document.querySelector("[data-close-dialog]");
  const HEADERS = { "X-Requested-With": "fetch" };

  const csrfToken = () => {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  };
  const cardsOf = (list) => Array.from(list.querySelectorAll(":scope > .epic-card"));
  const columnOf = (element) => element.closest("[data-column]");

  const say = (text) => {
    if (statusRegion) statusRegion.textContent = text;
  };
  const clearAlert = () => {
    if (alertRegion) alertRegion.replaceChildren();
  };
  // One note at a time, on the card last acted on: a word beside the card's outline colour.
  const noteOn = (card, kind, parts) => {
    for (const old of board.querySelectorAll(".card-note")) old.remove();
    for (const other of board.querySelectorAll(".just-moved, .refused")) {
      if (other !== card) other.classList.remove("just-moved", "refused");
    }
    const note = document.createElement("div");
    note.className = `card-note ${kind}`;
    note.replaceChildren(...parts);
    const controls = card.querySelector(".card-move");
    card.insertBefore(note, controls || null);
  };
  const paragraph = (text) => {
    const element = document.createElement("p");
    element.textContent = text;
    return element;
  };
  // The "manual" badge follows the answer at once: a card placed by hand shows it, a card
  // sorted back into WSJF order does not.
  const showManual = (card, manual) => {
    const badge = card.querySelector(".badge.manual");
    if (manual && !badge) {
      const fresh = document.createElement("span");
      fresh.className = "badge manual";
      fresh.title = "Placed by hand, not in WSJF order";
      fresh.textContent = "manual";
      const wsjf = card.querySelector(".epic-meta .wsjf");
      if (wsjf) wsjf.after(fresh);
    } else if (!manual && badge) {
      badge.remove();
    }
  };
  // The column picker shows the column the card is really in, after a move and after a refusal.
  const showState = (card, state) => {
    card.dataset.state = state;
    const select = card.querySelector("select[name=state]");
    if (select) select.value = state;
  };

  const showRefusal = (card, title, target, error) => {
    const lead = document.createElement("p");
    // Only a refused move's fields are reasons to read; a stale card's or a stale position's
    // are for programs, and their message already says what to do (reload).
    const reasons = error.code === "move_refused" ? Object.values(error.fields || {}) : [];
    // With reasons listed one by one, the lead only says what did not happen.
    lead.textContent = reasons.length
      ? `“${title}” was not moved to ${target}:`
      : `“${title}” was not moved. ${error.message || ""}`.trim();
    const parts = [lead];
    if (reasons.length) {
      const list = document.createElement("ul");
      for (const reason of reasons) {
        const item = document.createElement("li");
        item.textContent = reason;
        list.append(item);
      }
      parts.push(list);
    }
    noteOn(card, "refused", parts.map((part) => part.cloneNode(true)));
    if (alertRegion) alertRegion.replaceChildren(...parts);
  };

  // Column counts and the over-limit flag follow the cards that moved.
  const adjustCount = (column, delta) => {
    if (!column) return;
    const count = Number(column.dataset.count || 0) + delta;
    column.dataset.count = String(count);
    const text = column.querySelector("[data-count-text]");
    if (text) text.textContent = String(count);
    const limit = column.dataset.limit;
    column.classList.toggle("over-limit", limit !== undefined && count > Number(limit));
    const empty = column.querySelector("[data-empty]");
    if (empty) empty.hidden = count > 0;
  };

  // Where a card with this rank belongs among the loaded cards of a list (rank, then id).
  const placeByRank = (list, card) => {
    const rank = card.dataset.rank;
    const id = Number(card.dataset.epicId);
    const next = cardsOf(list).find(
      (other) =>
        other !== card &&
        (other.dataset.rank > rank || (other.dataset.rank === rank && Number(other.dataset.epicId) > id)),
    );
    const more = list.querySelector(":scope > .more-item");
    list.insertBefore(card, next || more || null);
  };

  const neighbours = (card) => {
    let before = card.previousElementSibling;
    while (before && !before.classList.contains("epic-card")) before = before.previousElementSibling;
    let after = card.nextElementSibling;
    while (after && !after.classList.contains("epic-card")) after = after.nextElementSibling;
    return { before, after };
  };

  const askCloseReason = (title) =>
    new Promise((resolve) => {
      if (!dialog || typeof dialog.showModal !== "function") {
        resolve(null);
        return;
      }
      const form = dialog.querySelector("[data-close-form]");
      form.reset();
      dialog.querySelector("[data-close-title]").textContent = title;
      const done = () => {
        dialog.removeEventListener("close", done);
        if (dialog.returnValue === "close") {
          resolve({
            close_reason: form.elements.close_reason.value,
            close_note: form.elements.close_note.value,
          });
        } else {
          resolve(null);
        }
      };
      dialog.addEventListener("close", done);
      dialog.returnValue = "";
      dialog.showModal();
    });

  // The card's version as last read travels with every move: a move made from a stale board
  // (someone else moved or edited the card meanwhile) is refused with 409, never applied.
  const setVersion = (card, version) => {
    card.dataset.version = version;
    const input = card.querySelector("form[data-move-form] input[name=version]");
    if (input) input.value = version;
  };

  // Send one move; resolve with the server's JSON answer and whether it was accepted.
  const postMove = async (card, fields) => {
    const form = card.querySelector("form[data-move-form]");
    const body = new FormData();
    body.append("version", card.dataset.version);
    for (const [name, value] of Object.entries(fields)) {
      if (value !== null && value !== undefined) body.append(name, value);
    }
    card.classList.add("is-busy");
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { ...HEADERS, "X-CSRFToken": csrfToken() },
      });
      let answer = {};
      try {
        answer = await response.json();
      } catch (error) {
        answer = { error: { message: `The server answered ${response.status}.` } };
      }
      return { ok: response.ok, answer };
    } catch (error) {
      return { ok: false, answer: { error: { message: "The board could not reach the server." } } };
    } finally {
      card.classList.remove("is-busy");
    }
  };

  // Move `card`, already placed where it should go, from `origin`; undo the placement if refused.
  const commit = async (card, origin, fields) => {
    const title = card.dataset.title;
    const from = columnOf(origin.parent);
    const to = columnOf(card);
    const state = to.dataset.column;
    if (state === "closed" && from !== to && !fields.close_reason) {
      const reason = await askCloseReason(title);
      if (!reason) {
        origin.parent.insertBefore(card, origin.next);
        showState(card, from.dataset.column);
        const stays = `“${title}” stays in ${from.querySelector("h2").textContent}.`;
        noteOn(card, "kept", [paragraph(stays)]);
        say(stays);
        return;
      }
      Object.assign(fields, reason);
    }
    clearAlert();
    noteOn(card, "busy", [paragraph("Moving…")]);
    if (from !== to) {
      adjustCount(from, -1);
      adjustCount(to, 1);
    }
    const { ok, answer } = await postMove(card, { state, ...fields });
    card.classList.remove("just-moved", "refused");
    if (ok && answer.epic) {
      card.dataset.rank = answer.epic.rank;
      setVersion(card, answer.epic.version);
      showState(card, answer.epic.state);
      showManual(card, answer.epic.rank_is_manual);
      card.classList.add("just-moved");
      const message = answer.message || `“${title}” stays where it was.`;
      noteOn(card, "moved", [paragraph(message)]);
      say(message);
      return;
    }
    // Refused: back exactly where it was, counts as they were, and the reasons shown.
    origin.parent.insertBefore(card, origin.next && origin.next.parentNode === origin.parent ? origin.next : null);
    if (from !== to) {
      adjustCount(from, 1);
      adjustCount(to, -1);
    }
    showState(card, from.dataset.column);
    card.classList.add("refused");
    showRefusal(card, title, to.querySelector("h2").textContent, answer.error || {});
  };

  const originOf = (card) => ({ parent: card.parentNode, next: card.nextSibling });
  const idOf = (card) => (card ? card.dataset.epicId : null);

  // Drag and drop ----------------------------------------------------------------------------

  let dragged = null;
  let draggedOrigin = null;
  const placeholder = document.createElement("li");
  placeholder.className = "drop-placeholder";
  placeholder.setAttribute("aria-hidden", "true");

  board.addEventListener("dragstart", (event) => {
    const card = event.target.closest && event.target.closest(".epic-card[draggable=true]");
    if (!card) return;
    dragged = card;
    draggedOrigin = originOf(card);
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.epicId);
    requestAnimationFrame(() => card.classList.add("is-dragging"));
  });

  board.addEventListener("dragend", () => {
    if (dragged) dragged.classList.remove("is-dragging");
    placeholder.remove();
    for (const list of board.querySelectorAll(".drop-target")) list.classList.remove("drop-target");
    dragged = null;
  });

  const dropIndex = (list, y) =>
    cardsOf(list).find((card) => {
      if (card === dragged) return false;
      const box = card.getBoundingClientRect();
      return y < box.top + box.height / 2;
    }) || null;

  board.addEventListener("dragover", (event) => {
    const list = event.target.closest && event.target.closest("[data-cards]");
    if (!dragged || !list) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    for (const other of board.querySelectorAll(".drop-target")) {
      if (other !== list) other.classList.remove("drop-target");
    }
    list.classList.add("drop-target");
    const next = dropIndex(list, event.clientY);
    const more = list.querySelector(":scope > .more-item");
    list.insertBefore(placeholder, next || more || null);
  });

  board.addEventListener("drop", (event) => {
    const list = event.target.closest && event.target.closest("[data-cards]");
    if (!dragged || !list) return;
    event.preventDefault();
    const card = dragged;
    const origin = draggedOrigin;
    list.insertBefore(card, placeholder.parentNode === list ? placeholder : null);
    placeholder.remove();
    list.classList.remove("drop-target");
    card.classList.remove("is-dragging");
    if (card.parentNode === origin.parent && card.nextSibling === origin.next) return;
    const { before, after } = neighbours(card);
    commit(card, origin, { before_id: idOf(before), after_id: idOf(after) });
  });

  // The keyboard controls: the same forms, sent with fetch -----------------------------------

  board.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.matches("form[data-move-form]")) return;
    event.preventDefault();
    const card = form.closest(".epic-card");
    const origin = originOf(card);
    const direction = event.submitter && event.submitter.name === "direction" ? event.submitter.value : "";
    if (direction) {
      const { before, after } = neighbours(card);
      if (direction === "up" && before) card.parentNode.insertBefore(card, before);
      else if (direction === "down" && after) card.parentNode.insertBefore(card, after.nextSibling);
      else {
        const edge = direction === "up" ? "already first" : "already last of the cards shown";
        const text = `“${card.dataset.title}” is ${edge}.`;
        noteOn(card, "kept", [paragraph(text)]);
        return say(text);
      }
      // Moving the card in the page takes the focus from the button: give it back.
      const submitter = event.submitter;
      if (submitter) submitter.focus();
      commit(card, origin, { direction }).then(() => submitter && submitter.focus());
      return;
    }
    const state = form.elements.state.value;
    const target = board.querySelector(`[data-column="${state}"] [data-cards]`);
    if (!target || columnOf(card).dataset.column === state) return;
    // A move to another column keeps the card's rank: it lands where that rank sorts. The
    // focus follows the card, on the button that moved it (or back on its Move summary).
    const keep = () => {
      const button = event.submitter || card.querySelector("summary");
      if (button) button.focus();
    };
    placeByRank(target, card);
    keep();
    commit(card, origin, {}).then(keep);
  });

  // More cards on scroll ---------------------------------------------------------------------

  const loading = new WeakSet();
  const loadMore = async (link) => {
    if (loading.has(link)) return;
    loading.add(link);
    const item = link.closest(".more-item");
    item.classList.add("is-loading");
    try {
      const response = await fetch(link.href, { headers: HEADERS, credentials: "same-origin" });
      if (!response.ok) throw new Error(String(response.status));
      const template = document.createElement("template");
      template.innerHTML = (await response.text()).trim();
      const list = item.parentNode;
      item.replaceWith(template.content);
      const next = list.querySelector(":scope > .more-item [data-more]");
      if (next) observe(next);
    } catch (error) {
      // Leave the link: it still opens the next cards as a page of their own.
      item.classList.remove("is-loading");
      loading.delete(link);
    }
  };

  const observers = new WeakMap();
  const observe = (link) => {
    const list = link.closest("[data-cards]");
    if (!("IntersectionObserver" in window)) return;
    let observer = observers.get(list);
    if (!observer) {
      observer = new IntersectionObserver(
        (entries) => {
          for (const entry of entries) {
            if (entry.isIntersecting) {
              observer.unobserve(entry.target);
              loadMore(entry.target);
            }
          }
        },
        { root: list, rootMargin: "0px 0px 400px 0px" },
      );
      observers.set(list, observer);
    }
    observer.observe(link);
  };

  board.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("[data-more]");
    if (!link) return;
    event.preventDefault();
    loadMore(link);
  });

  for (const link of board.querySelectorAll("[data-more]")) observe(link);
})();
