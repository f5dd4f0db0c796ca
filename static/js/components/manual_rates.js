// Manual exchange rates on the settings page: listed, added and deleted through /api/rates.
// Days and rates are written in the household's formats (format.js), the words in the page's
// language (the catalogue, /jsi18n/).
document.addEventListener("alpine:init", () => {
  const format = window.spendsFormat;

  // "1050.250000" is written with the places it has ("1,050.25"), in the household's style.
  function perEuro(rate) {
    const places = (String(rate.per_euro).split(".")[1] || "").replace(/0+$/, "").length;
    return format.number(rate.per_euro, undefined, places);
  }

  function words(rate) {
    return { day: format.day(rate.day), rate: perEuro(rate), currency: rate.currency_code };
  }

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

    // "1050.25" in English, "1050,25" where the decimal sign is a comma.
    get rateHint() {
      return `1050${format.decimalSign()}25`;
    },
    get errorText() {
      return Object.values(this.errors).join(" ");
    },

    rateLine(rate) {
      return interpolate(gettext("%(day)s: 1 EUR = %(rate)s %(currency)s"), words(rate), true);
    },
    deleteLabel(rate) {
      return interpolate(gettext("Delete the %(currency)s rate of %(day)s"), words(rate), true);
    },

    async add() {
      this.errors = {};
      this.saving = true;
      try {
        const rate = await window.api.post("rates", {
          currency_code: this.currencyCode.trim().toUpperCase(),
          day: this.day || null,
          // Typed with the person's decimal sign ("1050,25"), sent with a point.
          per_euro: format.parseAmount(this.perEuro) || null,
        });
        this.rates = [rate, ...this.rates].sort((a, b) => b.day.localeCompare(a.day));
        this.currencyCode = this.perEuro = "";
        window.notify(interpolate(gettext("Rate saved: 1 EUR = %(rate)s %(currency)s on %(day)s."), words(rate), true), "success");
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
        window.notify(interpolate(gettext("The %(currency)s rate of %(day)s is deleted."), words(rate), true), "success");
      } catch (error) {
        window.notify(error.message, "error");
      }
    },
  }));
});
