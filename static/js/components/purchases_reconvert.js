// Convert the purchases again at the rates now stored for their dates (docs/currencies.md §6),
// after the person confirmed: all of them moves past totals, so the page asks first.
document.addEventListener("alpine:init", () => {
  window.Alpine.data("purchasesReconvert", () => ({
    asking: null, // "missing" or "all" while the confirmation shows
    busy: false,
    result: "",

    get asked() {
      return this.asking !== null;
    },
    get askingAll() {
      return this.asking === "all";
    },
    askMissing() {
      this.asking = "missing";
    },
    askAll() {
      this.asking = "all";
    },
    cancel() {
      this.asking = null;
    },

    async confirm() {
      if (!this.asking || this.busy) return;
      this.busy = true;
      try {
        const summary = await window.api.post("purchases/reconvert", {
          only_missing: this.asking === "missing",
        });
        const words = ngettext(
          "%(count)s purchase converted to %(currency)s again: %(changed)s changed, %(without)s without a rate.",
          "%(count)s purchases converted to %(currency)s again: %(changed)s changed, %(without)s without a rate.",
          summary.examined,
        );
        this.result = interpolate(
          words,
          {
            count: summary.examined,
            currency: summary.base_currency_code,
            changed: summary.changed,
            without: summary.without_rate,
          },
          true,
        );
        window.notify(this.result, "success");
        window.dispatchEvent(new CustomEvent("data-changed"));
      } catch (error) {
        window.notify(error.message, "error");
      } finally {
        this.busy = false;
        this.asking = null;
      }
    },
  }));
});
