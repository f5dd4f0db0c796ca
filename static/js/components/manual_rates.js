// Manual exchange rates on the settings page: listed, added and deleted through /api/rates.
document.addEventListener("alpine:init", () => {
  window.Alpine.data("manualRates", () => ({
    rates: [],
    loaded: false,
    currencyCode: "",
    day: "",
    perEuro: "",
    saving: false,
    errors: {},

    async init() {
      try {
        this.rates = (await window.api.get("rates", { limit: 100 })).items;
        this.loaded = true;
      } catch (error) {
        window.notify(error.message, "error");
      }
    },

    get errorText() {
      return Object.values(this.errors).join(" ");
    },

    async add() {
      this.errors = {};
      this.saving = true;
      try {
        const rate = await window.api.post("rates", {
          currency_code: this.currencyCode.trim().toUpperCase(),
          day: this.day || null,
          per_euro: this.perEuro.trim() || null,
        });
        this.rates = [rate, ...this.rates].sort((a, b) => b.day.localeCompare(a.day));
        this.currencyCode = this.perEuro = "";
        window.notify(`Rate saved: 1 EUR = ${rate.per_euro} ${rate.currency_code} on ${rate.day}.`, "success");
      } catch (error) {
        if (error.status === 422) this.errors = error.fieldErrors();
        else window.notify(error.message, "error");
      } finally {
        this.saving = false;
      }
    },

    async remove(rate) {
      try {
        await window.api.delete(`rates/${rate.id}`);
        this.rates = this.rates.filter((other) => other.id !== rate.id);
        window.notify(`The ${rate.currency_code} rate of ${rate.day} is deleted.`, "success");
      } catch (error) {
        window.notify(error.message, "error");
      }
    },
  }));
});
