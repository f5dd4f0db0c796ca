// The first-run "Load demo data" form: the post takes a few seconds, so the button says so.
document.addEventListener("alpine:init", () => {
  window.Alpine.data("dashboardDemo", () => ({
    busy: false,

    get label() {
      return this.busy ? gettext("Loading demo data…") : gettext("Load demo data");
    },
    start() {
      this.busy = true;
    },
  }));
});
