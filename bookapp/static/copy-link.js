// A "Copy" button beside a read-only field (a new invitation link): copies the field's text and
// says so in the status line. Without JavaScript the button stays hidden and the link is there to
// select and copy by hand.
(function () {
  "use strict";

  document.querySelectorAll("[data-copy-from]").forEach(function (button) {
    var field = document.getElementById(button.dataset.copyFrom);
    var status = button.closest(".alert") ? button.closest(".alert").querySelector("[data-copy-status]") : null;
    if (!field || !navigator.clipboard) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(
        function () {
          if (status) {
            status.textContent = "Copied. Send it privately to the person it is for.";
          }
        },
        function () {
          field.select();
          if (status) {
            status.textContent = "Could not copy: the link is selected, copy it with your keyboard.";
          }
        }
      );
    });
  });
})();
