// Lectern dev server: reload this page when a rebuild changed it (added while serving, never built).
(() => {
  "use strict";
  const page = (path) => path.replace(/index\.html$/, "").replace(/^\/?/, "/");
  let here = location.pathname;
  try { here = decodeURIComponent(here); } catch (error) { /* keep it encoded */ }
  here = page(here);
  const source = new EventSource("/__lectern/events");
  window.lecternLiveReload = source; // readyState 1: listening (tests wait for it)
  source.onmessage = (event) => {
    const changed = JSON.parse(event.data);
    if (changed.some((path) => page(path) === here || /\.(css|js)$/.test(path))) {
      location.reload();
    }
  };
})();
