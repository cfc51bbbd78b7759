// The admin's user list: "Select all on this page" ticks or clears every account's box of the bulk
// form. Without this file the boxes are ticked one by one, and the control stays hidden.
(function () {
  "use strict";

  function boxesOf(selectAll) {
    var form = selectAll.getAttribute("data-select-all");
    return document.querySelectorAll('input[type="checkbox"][name="user_ids"][form="' + form + '"]');
  }

  // Show the control, and make it say whether none, some or all of the page's boxes are ticked.
  function reflect() {
    document.querySelectorAll("[data-select-all]").forEach(function (selectAll) {
      var boxes = Array.prototype.slice.call(boxesOf(selectAll));
      var ticked = boxes.filter(function (box) { return box.checked; }).length;
      selectAll.checked = boxes.length > 0 && ticked === boxes.length;
      selectAll.indeterminate = ticked > 0 && ticked < boxes.length;
      selectAll.closest("[data-select-all-control]").hidden = boxes.length === 0;
    });
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches("[data-select-all]")) {
      boxesOf(target).forEach(function (box) { box.checked = target.checked; });
      reflect();
    } else if (target.matches('input[name="user_ids"]')) {
      reflect();
    }
  });
  // The results are swapped in by htmx when the search or a filter changes.
  document.addEventListener("htmx:afterSettle", reflect);
  reflect();
})();
