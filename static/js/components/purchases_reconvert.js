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
        this.result =
          `${summary.examined} purchase(s) converted to ${summary.base_currency_code} again: ` +
          `${summary.changed} changed, ${summary.without_rate} without a rate.`;
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
