// Book Tracking Online: enhancements on top of htmx. Every action also works without this file
// (plain forms); this adds drag and drop, a confirmation dialog and keyboard focus after moves.
(function () {
  "use strict";

  var messages = document.getElementById("messages");

  function say(text, kind) {
    // Messages go to the live region, so screen readers announce them.
    var alert = document.createElement("div");
    alert.className = "alert alert-" + (kind || "danger") + " py-2";
    alert.textContent = text;
    messages.replaceChildren(alert);
  }

  // -- focus: the server names the element to focus after a swap --------------------------------
  document.body.addEventListener("bookapp:focus", function (event) {
    var target = document.querySelector(event.detail.value);
    if (target) {
      if (!target.matches("button, a, input, select, textarea")) {
        target.setAttribute("tabindex", "-1");
      }
      target.focus();
    }
  });

  // -- confirmation in a Bootstrap dialog instead of the browser's confirm() ---------------------
  var dialog = document.getElementById("confirm-dialog");
  document.body.addEventListener("htmx:confirm", function (event) {
    var question = event.detail.question;
    if (!question || !dialog || !window.bootstrap) {
      return; // htmx falls back to window.confirm
    }
    event.preventDefault();
    var opener = document.activeElement;
    var confirmed = false;
    var confirmButton = dialog.querySelector("[data-confirm]");
    dialog.querySelector("[data-question]").textContent = question;
    var modal = window.bootstrap.Modal.getOrCreateInstance(dialog);
    function onConfirm() {
      confirmed = true;
      modal.hide();
      event.detail.issueRequest(true);
    }
    confirmButton.addEventListener("click", onConfirm);
    dialog.addEventListener(
      "hidden.bs.modal",
      function () {
        confirmButton.removeEventListener("click", onConfirm);
        if (!confirmed && opener && document.body.contains(opener)) {
          opener.focus();
        }
      },
      { once: true }
    );
    modal.show();
  });

  // -- drag and drop between and within columns --------------------------------------------------
  // A drop is saved through the same move endpoint as the buttons, with the ranks of the new
  // neighbours; if the save fails, the card goes back where it was and the reader is told.
  var pendingDrops = new WeakMap();

  function neighbourRank(card, direction) {
    var sibling = card[direction];
    while (sibling && !sibling.classList.contains("book-card")) {
      sibling = sibling[direction];
    }
    return sibling ? sibling.dataset.rank : "";
  }

  function putBack(card) {
    var drop = pendingDrops.get(card);
    if (!drop) {
      return;
    }
    pendingDrops.delete(card);
    drop.from.insertBefore(card, drop.from.children[drop.oldIndex] || null);
  }

  function onDrop(event) {
    var card = event.item;
    if (event.from === event.to && event.oldIndex === event.newIndex) {
      return;
    }
    pendingDrops.set(card, { from: event.from, oldIndex: event.oldIndex });
    window.htmx.ajax("POST", card.dataset.moveUrl, {
      source: card,
      target: card,
      swap: "outerHTML",
      values: {
        status: event.to.dataset.status,
        version: card.dataset.version,
        dropped: "1",
        above: neighbourRank(card, "previousElementSibling"),
        below: neighbourRank(card, "nextElementSibling"),
      },
    });
  }

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
      putBack(card);
      if (!event.detail.xhr || event.detail.xhr.status === 0) {
        say("The move could not be saved: the server did not answer. The card is back where it was.");
      }
    } else {
      pendingDrops.delete(card);
    }
  });

  if (window.Sortable) {
    document.querySelectorAll(".book-list[data-status]").forEach(function (list) {
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
