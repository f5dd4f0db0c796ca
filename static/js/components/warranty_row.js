// One row of the warranties page: void or un-void the warranty through the API, in place.
document.addEventListener("alpine:init", () => {
  const VOIDED = [pgettext("warranty", "Voided"), "text-bg-danger"];

  window.Alpine.data("warrantyRow", () => ({
    id: "",
    status: "",
    product: "",
    unvoided: ["", ""],
    busy: false,

    init() {
      const data = this.$el.dataset;
      this.id = data.id;
      this.status = data.status;
      this.product = data.product;
      this.unvoided = [data.unvoidedLabel, data.unvoidedCss];
    },
    get voided() {
      return this.status === "VOIDED";
    },
    get actionText() {
      return this.voided ? gettext("Un-void") : gettext("Void");
    },
    get actionLabel() {
      const words = this.voided ? gettext("Un-void the warranty of %(product)s") : gettext("Void the warranty of %(product)s");
      return interpolate(words, { product: this.product }, true);
    },
    showBadge() {
      const [label, css] = this.voided ? VOIDED : this.unvoided;
      this.$refs.badge.replaceChildren();
      const badge = document.createElement("span");
      badge.className = `badge ${css}`;
      badge.textContent = label;
      this.$refs.badge.append(badge);
    },
    async toggle() {
      const voiding = !this.voided;
      this.busy = true;
      try {
        // ACTIVE lifts a void; the answer carries the status the dates give (active or expired).
        const warranty = await window.api.put(`warranties/${this.id}`, { status: voiding ? "VOIDED" : "ACTIVE" });
        this.status = warranty.status;
        this.showBadge();
        const done = voiding ? gettext("Voided the warranty of %(product)s.") : gettext("Un-voided the warranty of %(product)s.");
        window.notify(interpolate(done, { product: this.product }, true), "success");
      } catch (error) {
        window.notify(interpolate(gettext("The warranty was not changed: %(error)s"), { error: error.message }, true), "error");
      } finally {
        this.busy = false;
      }
    },
  }));
});
