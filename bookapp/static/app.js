// Book Tracking Online: enhancements on top of htmx. Every action also works without this file
// (plain forms); this adds drag and drop, a confirmation dialog and keyboard focus after moves.
(function () {
  "use strict";

  var messages = document.getElementById("messages");

  function say(text, kind, besideOthers) {
    // Messages go to the live region, so screen readers announce them.
    var alert = document.createElement("div");
    alert.className = "alert alert-" + (kind || "danger") + " py-2";
    alert.textContent = text;
    if (besideOthers) {
      messages.append(alert);
    } else {
      messages.replaceChildren(alert);
    }
  }

  function focusOn(target) {
    if (!target.matches("button, a, input, select, textarea")) {
      target.setAttribute("tabindex", "-1");
    }
    target.focus();
  }

  // -- focus: the server names the element to focus after a swap, and where to instead when that
  // one is not in the page (a card sorted past its column's first page) ----------------------------
  document.body.addEventListener("bookapp:focus", function (event) {
    var target = document.querySelector(event.detail.value);
    if (!target && event.detail.fallback) {
      target = document.querySelector(event.detail.fallback);
    }
    if (target) {
      focusOn(target);
    }
  });

  // -- focus after a confirmed delete: the card (and the focused link in it) is gone, so the focus
  // goes to the card that took its place, else the one above it, else the column's heading. The
  // server names the removed card in a "bookapp:removed" event after the swap settles (htmx's own
  // settle events fire on the swapped elements, and the removed card is no longer in the page). ---
  function focusAfterRemoval(opener) {
    var card = opener.closest(".book-card");
    if (!card) {
      return;
    }
    var next = card.nextElementSibling;
    var previous = card.previousElementSibling;
    var column = card.closest(".board-column");
    var heading = column ? column.querySelector("h2") : null;
    function onRemoved(event) {
      if (event.detail.value !== "#" + card.id) {
        return;
      }
      document.body.removeEventListener("bookapp:removed", onRemoved);
      var candidates = [next, previous, heading];
      for (var i = 0; i < candidates.length; i += 1) {
        var candidate = candidates[i];
        if (candidate && !document.body.contains(candidate) && candidate.id) {
          // On a sorted or filtered board the answer brings the columns again: the same card, new.
          candidate = document.getElementById(candidate.id);
        }
        if (candidate && document.body.contains(candidate) && candidate.matches(".book-card, h2")) {
          focusOn(candidate);
          return;
        }
      }
    }
    document.body.addEventListener("bookapp:removed", onRemoved);
  }

  // -- confirmation in a Bootstrap dialog instead of the browser's confirm() ---------------------
  // One question at a time: `asking` is the request waiting for an answer. The listeners are set
  // up once, and a dialog's closing is told apart from the next one's opening: the "hidden" event
  // of a dialog that was just confirmed can arrive after the next question was asked (Bootstrap
  // fades the backdrop out first), and must not touch that next question.
  var dialog = document.getElementById("confirm-dialog");
  var asking = null; // {issueRequest, opener}
  var dismissed = null; // the question whose dialog is closing without a confirmation
  var closing = false; // Bootstrap ignores show() until a closing dialog is hidden
  var showWhenClosed = false;

  if (dialog && window.bootstrap) {
    var modal = window.bootstrap.Modal.getOrCreateInstance(dialog);
    dialog.querySelector("[data-confirm]").addEventListener("click", function () {
      var question = asking;
      if (!question) {
        return;
      }
      asking = null;
      modal.hide();
      if (question.opener && question.opener.closest) {
        focusAfterRemoval(question.opener);
      }
      question.issueRequest(true);
    });
    dialog.addEventListener("show.bs.modal", function () {
      dismissed = null;
    });
    dialog.addEventListener("hide.bs.modal", function () {
      closing = true;
      dismissed = asking; // closed with Cancel, the close button, Escape or a click outside
      asking = null;
    });
    dialog.addEventListener("hidden.bs.modal", function () {
      closing = false;
      var question = dismissed;
      dismissed = null;
      if (question && question.opener && document.body.contains(question.opener)) {
        question.opener.focus();
      }
      if (showWhenClosed) {
        showWhenClosed = false;
        modal.show();
      }
    });
  }

  document.body.addEventListener("htmx:confirm", function (event) {
    var question = event.detail.question;
    if (!question || !dialog || !window.bootstrap) {
      return; // htmx falls back to window.confirm
    }
    event.preventDefault();
    asking = { issueRequest: event.detail.issueRequest, opener: document.activeElement };
    dialog.querySelector("[data-question]").textContent = question;
    if (closing) {
      showWhenClosed = true;
    } else {
      window.bootstrap.Modal.getOrCreateInstance(dialog).show();
    }
  });

  // -- moves made in the page: drag and drop, and the "Move to" buttons -------------------------
  // The card moves in the page at once; the move is saved through the same endpoint as the plain
  // form, with the ranks of the card's new neighbours ("dropped"), and the answer updates only what
  // the move changed on the card (card_state in _card_macros.html). If the save fails, the card goes back where it
  // was and the reader is told.
  var pendingDrops = new WeakMap();

  function neighbourRank(card, direction) {
    var sibling = card[direction];
    while (sibling && !sibling.classList.contains("book-card")) {
      sibling = sibling[direction];
    }
    return sibling ? sibling.querySelector(".card-state").dataset.rank : "";
  }

  function putBack(card) {
    var drop = pendingDrops.get(card);
    if (!drop) {
      return;
    }
    pendingDrops.delete(card);
    // oldIndex counts the list's children without the card (SortableJS took it out to drag it):
    // take it out again before counting, or a card dropped lower in its own list stays there.
    card.remove();
    drop.from.insertBefore(card, drop.from.children[drop.oldIndex] || null);
  }

  function saveMove(card, from, oldIndex, toStatus) {
    pendingDrops.set(card, { from: from, oldIndex: oldIndex, told: false });
    var form = card.querySelector("form");
    // The returned promise rejects when the server does not answer; htmx:afterRequest handles
    // that below, so the rejection is not left unhandled.
    window.htmx.ajax("POST", form.getAttribute("action"), {
      source: card,
      target: card,
      swap: "outerHTML",
      values: {
        status: toStatus,
        version: form.elements.version.value,
        from_status: form.elements.from_status.value,
        dropped: "1",
        above: neighbourRank(card, "previousElementSibling"),
        below: neighbourRank(card, "nextElementSibling"),
      },
    }).catch(function () {});
  }

  function onDrop(event) {
    if (event.from === event.to && event.oldIndex === event.newIndex) {
      return;
    }
    saveMove(event.item, event.from, event.oldIndex, event.to.dataset.status);
  }

  // A "Move to" button on the board puts the card on top of that column right away. (Elsewhere,
  // e.g. on a book's own page, or from or to a sorted or filtered column, which has no "top" to put
  // it on, the form goes to htmx as it is, and the answer puts the card where its order says.)
  document.addEventListener(
    "click",
    function (event) {
      var button = event.target.closest ? event.target.closest(".book-card button[name=status]") : null;
      var card = button && button.closest(".book-card");
      var from = card && card.parentElement;
      var to = button && document.getElementById("cards-" + button.value);
      if (!button || !from || !from.matches(".book-list[data-status]") || !to || !window.htmx) {
        return;
      }
      if (from.dataset.arranged || to.dataset.arranged) {
        return;
      }
      event.preventDefault();
      event.stopPropagation();
      if (pendingDrops.has(card)) {
        return; // a second click while the first move is saved (its buttons are not updated yet)
      }
      var oldIndex = Array.prototype.indexOf.call(from.children, card);
      to.insertBefore(card, to.firstElementChild);
      saveMove(card, from, oldIndex, button.value);
    },
    true
  );

  // An error answer to a drop: htmx sends it to #messages (base.html's responseHandling), but the
  // swap given to htmx.ajax above ("outerHTML", meant for the card) would win over that and
  // replace the live region itself. The app's own error message goes inside the region instead;
  // anything else (a proxy's error page, an empty body) is not shown, the card's own message is.
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    var card = detail.requestConfig && detail.requestConfig.elt;
    var drop = card && pendingDrops.get(card);
    if (!drop || !detail.isError) {
      return;
    }
    if (/data-error-code=/.test(detail.serverResponse || "")) {
      detail.swapOverride = "innerHTML";
      drop.told = true;
    } else {
      detail.shouldSwap = false;
    }
  });

  document.body.addEventListener("htmx:afterRequest", function (event) {
    var card = event.detail.elt;
    if (!pendingDrops.has(card)) {
      return;
    }
    if (event.detail.failed || !event.detail.xhr || event.detail.xhr.status === 0) {
      if (event.detail.xhr && event.detail.xhr.status === 409) {
        pendingDrops.delete(card); // the server sent the card's current state in its place
        return;
      }
      var told = pendingDrops.get(card).told;
      putBack(card);
      if (!event.detail.xhr || event.detail.xhr.status === 0) {
        say("The move could not be saved: the server did not answer. The card is back where it was.");
      } else if (!told) {
        say("The move could not be saved (error " + event.detail.xhr.status + "). The card is back where it was.");
      }
    } else {
      pendingDrops.delete(card);
    }
  });

  // -- a card's buttons wait for its form's answer -------------------------------------------------
  // While a card's own form is saved (▲/▼, progress, a move without drag and drop), its buttons are
  // disabled, so a second click cannot send the change again with the version the first one used.
  // One listener here rather than an hx-disabled-elt on each of the board's 60 cards: it is bytes
  // on every card of every board.
  function cardFormOf(detail) {
    var elt = detail.elt;
    return elt && elt.matches && elt.matches(".book-card > form") ? elt : null;
  }

  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var form = cardFormOf(event.detail);
    if (!form) {
      return;
    }
    form.querySelectorAll("button:not([disabled])").forEach(function (button) {
      button.disabled = true;
      button.setAttribute("data-disabled-while-saved", "");
    });
  });

  document.body.addEventListener("htmx:afterRequest", function (event) {
    var form = cardFormOf(event.detail);
    if (!form) {
      return;
    }
    form.querySelectorAll("button[data-disabled-while-saved]").forEach(function (button) {
      button.disabled = false;
      button.removeAttribute("data-disabled-while-saved");
    });
  });

  // -- the add form: the reader keeps typing while an add is saved ------------------------------
  // An add's answer brings a new add form: a fresh one with a new hidden book id after a success,
  // the same one with its errors after a 422. What the reader typed since pressing Add is put back
  // into it. An Add pressed meanwhile waits for that answer: sent at once, it would carry the id of
  // the book being saved, and the server takes a repeated id for a double submit (it adds nothing
  // and answers with the first book). The same book pressed again (a double click, Enter pressed
  // twice) is not sent again.
  var ADD_FIELDS = ["title", "author", "status"];
  var addSaving = null; // the add on its way: {form, values (as sent), focus: where it was in the form}
  var addsWaiting = []; // the fields as they were at each Add pressed meanwhile, in order

  function addFieldValues(form) {
    var values = {};
    ADD_FIELDS.forEach(function (name) {
      values[name] = form.elements[name].value;
    });
    return values;
  }

  function sameBook(one, other) {
    return ADD_FIELDS.every(function (name) {
      return one[name] === other[name];
    });
  }

  function isAddSaving(detail) {
    return addSaving !== null && detail.requestConfig && detail.requestConfig.elt === addSaving.form;
  }

  function added(detail) {
    return detail.xhr.status >= 200 && detail.xhr.status < 300; // htmx counts the 422 as a success too
  }

  document.addEventListener(
    "click",
    function (event) {
      // The second click of a double click on Add: the first one sent the book already.
      if (event.detail > 1 && event.target.closest && event.target.closest("#add-book-form [type=submit]")) {
        event.preventDefault();
      }
    },
    true
  );

  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (form.id !== "add-book-form" || !addSaving || !window.htmx) {
        return;
      }
      event.preventDefault();
      event.stopPropagation(); // htmx would queue it on this form, and drop it once the answer replaces it
      var values = addFieldValues(form);
      var last = addsWaiting.length ? addsWaiting[addsWaiting.length - 1] : addSaving.values;
      if (!sameBook(values, last)) {
        addsWaiting.push(values);
      }
    },
    true
  );

  // A book id is for one book. After an add that failed (or whose answer was lost) the form keeps
  // its id, so that sending the same book again adds it once; a different book sent from that
  // form goes without the id, and the server makes a new one.
  var booksSentById = {};

  document.body.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.elt.id !== "add-book-form") {
      return;
    }
    var parameters = event.detail.parameters;
    var values = {};
    ADD_FIELDS.forEach(function (name) {
      values[name] = parameters[name];
    });
    var sentBefore = booksSentById[parameters.book_id];
    if (!sentBefore) {
      booksSentById[parameters.book_id] = values;
    } else if (!sameBook(sentBefore, values)) {
      parameters.book_id = "";
    }
  });

  document.body.addEventListener("htmx:beforeSend", function (event) {
    var form = event.detail.requestConfig.elt;
    if (form.id !== "add-book-form") {
      return;
    }
    var sent = event.detail.requestConfig.formData;
    var values = {};
    ADD_FIELDS.forEach(function (name) {
      values[name] = sent.get(name);
    });
    addSaving = { form: form, values: values, focus: null };
  });

  document.body.addEventListener("htmx:beforeSwap", function (event) {
    if (!isAddSaving(event.detail)) {
      return;
    }
    var focused = document.activeElement;
    if (addSaving.form.contains(focused)) {
      addSaving.focus = { name: focused.name || "", start: focused.selectionStart, end: focused.selectionEnd };
    }
  });

  document.body.addEventListener("htmx:afterSwap", function (event) {
    var form = event.target;
    if (form.id !== "add-book-form" || !isAddSaving(event.detail)) {
      return;
    }
    var typed = addFieldValues(addSaving.form);
    var focus = addSaving.focus;
    if (sameBook(typed, addSaving.values)) {
      if (focus && added(event.detail)) {
        form.elements.title.focus(); // ready for the next book
      }
      return;
    }
    ADD_FIELDS.forEach(function (name) {
      form.elements[name].value = typed[name];
    });
    if (!focus) {
      return;
    }
    // The focus stays where it was: htmx moves it to the field of the same id (before its text was
    // back, so the caret goes back too), not to the Add button, which has none.
    var control = focus.name ? form.elements[focus.name] : form.querySelector("[type=submit]");
    control.focus();
    if (typeof focus.start === "number" && typeof control.setSelectionRange === "function") {
      control.setSelectionRange(focus.start, focus.end);
    }
  });

  document.body.addEventListener("htmx:afterRequest", function (event) {
    if (!isAddSaving(event.detail)) {
      return;
    }
    addSaving = null;
    if (!addsWaiting.length) {
      return;
    }
    if (event.detail.xhr && added(event.detail)) {
      var form = document.getElementById("add-book-form");
      var values = addsWaiting.shift();
      window.htmx.ajax("POST", form.getAttribute("action"), { source: form, values: values }).catch(function () {});
      return;
    }
    // The book before them was not added (or its answer was lost): the next Add comes from the
    // reader, who sees what went wrong first; the fields show only the last of these.
    var titles = addsWaiting.map(function (values) {
      return "“" + values.title + "”";
    });
    addsWaiting = [];
    say("Not added yet: " + titles.join(", ") + " (the book before could not be added).", "warning", true);
  });

  // Progress typed on while its save was on its way (a slow network): the answer's card state would
  // put the field back at what was sent. The reader's newer typing is kept, unsaved, for the next
  // Enter; htmx keeps the focus on the field by its id.
  document.body.addEventListener("htmx:oobBeforeSwap", function (event) {
    var focused = document.activeElement;
    var target = event.detail.target;
    var fragment = event.detail.fragment;
    if (!focused || focused.name !== "progress" || !focused.id || !target || !fragment || !target.contains(focused)) {
      return;
    }
    var fresh = fragment.querySelector("#" + CSS.escape(focused.id));
    if (fresh && fresh.value !== focused.value) {
      fresh.setAttribute("value", focused.value);
    }
  });

  // Drag and drop places a card by its neighbours' ranks: manual order only, so a sorted or filtered
  // column takes no part (it is created again, whole, by the answers that change it).
  if (window.Sortable) {
    document.querySelectorAll(".book-list[data-status]:not([data-arranged])").forEach(function (list) {
      window.Sortable.create(list, {
        group: "board",
        draggable: ".book-card",
        filter: "button, a, input, select, textarea, label",
        preventOnFilter: false,
        animation: 150,
        ghostClass: "book-card-ghost",
        onEnd: onDrop,
      });
    });
  }
})();
