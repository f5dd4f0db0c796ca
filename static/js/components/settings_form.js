// The settings page: currency and date format saved through PUT /api/settings, the theme kept
// in this browser. The preview shows money and dates as they will look.
document.addEventListener("alpine:init", () => {
  const CURRENCY_CODE = /^[A-Z]{3}$/;

  window.Alpine.data("settingsForm", () => ({
    currencies: [],
    currencyChoice: "",
    otherCurrency: "",
    dateFormat: "",
    saved: { currency_code: "", date_format: "" },
    exampleAmount: "",
    exampleDay: "",
    theme: window.spendsTheme.chosen(),
    saving: false,
    errors: {},

    init() {
      const data = JSON.parse(document.getElementById("settings-data").textContent);
      this.currencies = data.currencies;
      this.exampleAmount = data.example_amount;
      this.exampleDay = data.example_day;
      this.showSaved(data);
      window.addEventListener("theme-changed", (event) => {
        this.theme = event.detail;
      });
    },

    showSaved(settings) {
      this.saved = { currency_code: settings.currency_code, date_format: settings.date_format };
      const offered = this.currencies.includes(settings.currency_code);
      this.currencyChoice = offered ? settings.currency_code : "other";
      this.otherCurrency = offered ? "" : settings.currency_code;
      this.dateFormat = settings.date_format;
    },

    get otherChosen() {
      return this.currencyChoice === "other";
    },
    get currencyCode() {
      return this.otherChosen ? this.otherCurrency.trim().toUpperCase() : this.currencyChoice;
    },
    get currencyInvalidClass() {
      return this.errors.currency_code ? "is-invalid" : "";
    },
    get changed() {
      return this.currencyCode !== this.saved.currency_code || this.dateFormat !== this.saved.date_format;
    },
    get moneyPreview() {
      const code = CURRENCY_CODE.test(this.currencyCode) ? this.currencyCode : this.saved.currency_code;
      return window.spendsFormat.money(this.exampleAmount, code);
    },
    get dayPreview() {
      return window.spendsFormat.day(this.exampleDay, this.dateFormat);
    },

    async save() {
      this.errors = {};
      if (!CURRENCY_CODE.test(this.currencyCode)) {
        this.errors = { currency_code: "Enter a currency code of three letters, such as SEK." };
        return;
      }
      this.saving = true;
      try {
        const settings = await window.api.put("settings", {
          currency_code: this.currencyCode,
          date_format: this.dateFormat,
        });
        this.showSaved(settings);
        // Whatever the page renders from now on uses the new formats.
        Object.assign(window.spendsFormat.household, settings);
        window.notify("Settings saved: money and dates appear this way on every page.", "success");
      } catch (error) {
        if (error.status === 422) this.errors = error.fieldErrors();
        window.notify(error.message, "error");
      } finally {
        this.saving = false;
      }
    },

    applyTheme() {
      window.spendsTheme.set(this.theme);
    },
  }));
});
