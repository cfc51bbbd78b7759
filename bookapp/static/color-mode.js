// Bootstrap's colour modes, following the operating system's light or dark setting.
// Loaded in <head> without defer, so the page never flashes in the wrong mode.
(function () {
  "use strict";
  var dark = window.matchMedia("(prefers-color-scheme: dark)");
  function apply() {
    document.documentElement.setAttribute("data-bs-theme", dark.matches ? "dark" : "light");
  }
  apply();
  dark.addEventListener("change", apply);
})();
