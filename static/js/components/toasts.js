// Toasts for success and failure. Anything on the page calls window.notify(message, kind).
(function () {
  const STYLES = { success: "text-bg-success", error: "text-bg-danger", info: "text-bg-primary" };
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
        const toast = { id: nextId++, message, css: STYLES[kind] || STYLES.info };
        this.items.push(toast);
        // Failures stay longer: they usually need reading.
        window.setTimeout(() => this.remove(toast.id), kind === "error" ? 10000 : 4000);
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
