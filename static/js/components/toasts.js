// Toasts for success and failure. Anything on the page calls window.notify(message, kind).
// One toast per message (the same message twice shows once), at most MAX_SHOWN at a time in a
// bounded corner that lets clicks through around them; successes leave by themselves, failures
// stay until closed (docs/forms.md §5). The container is the live region that announces them.
(function () {
  const STYLES = { success: "text-bg-success", error: "text-bg-danger", info: "text-bg-primary" };
  const SUCCESS_MS = 5000;
  const MAX_SHOWN = 3;
  let nextId = 1;

  window.notify = (message, kind = "success") => {
    window.dispatchEvent(new CustomEvent("notify", { detail: { message, kind } }));
  };

  document.addEventListener("alpine:init", () => {
    window.Alpine.data("toasts", () => ({
      items: [],

      init() {
        window.addEventListener("notify", (event) => this.show(event.detail));
        // Messages the server queued for this page (django.contrib.messages).
        for (const item of document.querySelectorAll("#server-messages li")) {
          this.show({ message: item.textContent, kind: item.dataset.level === "error" ? "error" : "success" });
        }
      },
      show({ message, kind }) {
        const text = String(message || "").trim();
        if (!text || this.items.some((toast) => toast.message === text)) return;
        const toast = { id: nextId++, message: text, css: STYLES[kind] || STYLES.info, kind };
        this.items = [...this.items, toast].slice(-MAX_SHOWN);
        if (kind !== "error") window.setTimeout(() => this.remove(toast.id), SUCCESS_MS);
      },
      remove(id) {
        this.items = this.items.filter((toast) => toast.id !== id);
      },
      dismiss() {
        this.remove(this.toast.id);
      },
    }));
  });
})();
