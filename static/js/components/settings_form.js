// The settings page: currency, number style and date format saved through PUT /api/settings, the
// theme kept in this browser. The preview and each number style's example show money and dates as
// they will look, in the currency chosen.
document.addEventListener("alpine:init", () => {
  const KEYS = ["currency_code", "number_style", "date_format"];

  window.Alpine.data("settingsForm", () => ({
    currencyCode: "",
    numberStyle: "",
    dateFormat: "",
    styleNames: {},
    saved: { currency_code: "", number_style: "", date_format: "" },
    exampleAmount: "",
    exampleDay: "",
    // The formats of the person's language, which "" (each person's language) stands for here.
    languageFormats: {},
    theme: window.spendsTheme.chosen(),
    saving: false,
    errors: {},

    init() {
      const data = JSON.parse(document.getElementById("settings-data").textContent);
      for (const style of data.number_styles) this.styleNames[style.value] = style.name;
      this.exampleAmount = data.example_amount;
      this.exampleDay = data.example_day;
      this.languageFormats = data.language_formats || {};
      this.showSaved(data);
      window.addEventListener("theme-changed", (event) => {
        this.theme = event.detail;
      });
    },

    showSaved(settings) {
      this.saved = Object.fromEntries(KEYS.map((key) => [key, settings[key]]));
      this.currencyCode = settings.currency_code;
      this.numberStyle = settings.number_style;
      this.dateFormat = settings.date_format;
    },

    get current() {
      return { currency_code: this.currencyCode, number_style: this.numberStyle, date_format: this.dateFormat };
    },
    get changed() {
      return KEYS.some((key) => this.current[key] !== this.saved[key]);
    },
    get moneyPreview() {
      return window.spendsFormat.money(this.exampleAmount, this.currencyCode, this.numberStyle || this.languageFormats.number_style);
    },
    get dayPreview() {
      return window.spendsFormat.day(this.exampleDay, this.dateFormat || this.languageFormats.date_format);
    },
    styleLabel(style) {
      const example = window.spendsFormat.money(this.exampleAmount, this.currencyCode, style || this.languageFormats.number_style);
      return interpolate(gettext("%(name)s: %(example)s"), { name: this.styleNames[style], example }, true);
    },

    async save() {
      this.errors = {};
      this.saving = true;
      try {
        const sent = this.current;
        const settings = await window.api.put("settings", sent);
        // The API answers with the defaults where nothing is stored; this page shows "" there,
        // each person's language, and the page's formats become that language's.
        const shown = { ...settings };
        for (const key of ["number_style", "date_format"]) {
          if (sent[key] === "") shown[key] = "";
        }
        this.showSaved(shown);
        // Whatever the page renders from now on uses the new formats.
        Object.assign(window.spendsFormat.household, {
          currency_code: settings.currency_code,
          number_style: shown.number_style || this.languageFormats.number_style,
          date_format: shown.date_format || this.languageFormats.date_format,
        });
        window.notify(gettext("Settings saved: money and dates appear this way on every page."), "success");
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
