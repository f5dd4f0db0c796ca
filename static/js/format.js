// Money, numbers and dates in the household's formats, for values Alpine renders after the first
// paint. Money and numbers are written by the browser's Intl.NumberFormat in the household's
// number style, told the places each currency is written with, so that they read exactly as
// preferences/formats.py writes them on the server (a browser test compares the two).
(function () {
  const element = document.getElementById("household-data");
  const household = (element && JSON.parse(element.textContent)) || {};
  const CURRENCY_CODE = /^[A-Z]{3}$/;
  const NO_BREAK_SPACE = "\u00a0";
  const ENGLISH_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  // The "short" format's months in the page's language, as the server writes them (spends.py).
  const MONTHS = household.month_names || ENGLISH_MONTHS;
  const formatters = new Map();

  // "de_CH" (the setting, CLDR's spelling) is "de-CH" to Intl.
  function localeOf(numberStyle) {
    return String(numberStyle || household.number_style || "en_US").replace("_", "-");
  }

  function formatter(numberStyle, options) {
    const key = `${localeOf(numberStyle)} ${JSON.stringify(options)}`;
    if (!formatters.has(key)) {
      // Grouping "always": the server groups every amount of four digits or more, where
      // Intl's default leaves "1249,50 €" ungrouped in Spanish and a few other languages.
      formatters.set(key, new Intl.NumberFormat(localeOf(numberStyle), { useGrouping: "always", ...options }));
    }
    return formatters.get(key);
  }

  // Amounts arrive as decimal strings ("1249.50"): Intl formats a string exactly, never through a
  // float, and rounds half away from zero, as the server does.
  function number(value, numberStyle, places = 0) {
    if (value === null || value === undefined || value === "") return "";
    return formatter(numberStyle, { minimumFractionDigits: places, maximumFractionDigits: places }).format(String(value));
  }

  // WHOLE writes whole units only, for a chart's axis.
  function money(amount, currencyCode, numberStyle, { whole = false } = {}) {
    if (amount === null || amount === undefined || amount === "") return "";
    const code = String(currencyCode || household.currency_code || "").trim().toUpperCase();
    // A code stored before the select (any text was accepted): the number, then the code.
    if (!CURRENCY_CODE.test(code)) {
      const plain = number(amount, numberStyle, 2);
      return code ? `${plain}${NO_BREAK_SPACE}${code}` : plain;
    }
    const digits = whole ? 0 : (household.currency_digits || {})[code] ?? 2;
    return formatter(numberStyle, {
      style: "currency", currency: code, minimumFractionDigits: digits, maximumFractionDigits: digits,
    }).format(String(amount));
  }

  function day(isoDate, dateFormat) {
    if (!isoDate) return "";
    const [year, month, dayOfMonth] = String(isoDate).slice(0, 10).split("-");
    switch (dateFormat || household.date_format) {
      case "short": return `${MONTHS[Number(month) - 1]} ${Number(dayOfMonth)}, ${year}`;
      case "DD/MM/YYYY": return `${dayOfMonth}/${month}/${year}`;
      case "YYYY-MM-DD": return `${year}-${month}-${dayOfMonth}`;
      case "DD.MM.YYYY": return `${dayOfMonth}.${month}.${year}`;
      case "DD-MM-YYYY": return `${dayOfMonth}-${month}-${year}`;
      default: return `${month}/${dayOfMonth}/${year}`;
    }
  }

  // How a person types a date in each format, for hints and messages (docs/forms.md §3).
  const DATE_HINTS = {
    short: "Mon D, YYYY", "DD/MM/YYYY": "DD/MM/YYYY", "YYYY-MM-DD": "YYYY-MM-DD",
    "DD.MM.YYYY": "DD.MM.YYYY", "DD-MM-YYYY": "DD-MM-YYYY", "MM/DD/YYYY": "MM/DD/YYYY",
  };

  function dateHint(dateFormat) {
    return DATE_HINTS[dateFormat || household.date_format] || DATE_HINTS["MM/DD/YYYY"];
  }

  function isoOf(year, month, dayOfMonth) {
    const y = Number(year);
    const m = Number(month);
    const d = Number(dayOfMonth);
    const date = new Date(Date.UTC(y, m - 1, d));
    if (String(year).length !== 4 || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
    return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
  }

  // TEXT typed in the household's date format (or as YYYY-MM-DD, always understood) → "YYYY-MM-DD";
  // "" for an empty field; null when it is not a date.
  function parseDay(text, dateFormat) {
    const value = String(text ?? "").trim();
    if (!value) return "";
    let match = value.match(/^(\d{4})-(\d{1,2})-(\d{1,2})$/);
    if (match) return isoOf(match[1], match[2], match[3]);
    const format = dateFormat || household.date_format;
    if (format === "short") {
      // The page's language's month names or the English ones ("Mär", "Mar").
      match = value.match(/^(\p{L}{3})\p{L}*\.?\s+(\d{1,2}),?\s+(\d{4})$/u);
      const typed = match ? match[1].toLowerCase() : "";
      const named = (names) => names.findIndex((name) => name.slice(0, 3).toLowerCase() === typed);
      const month = !match ? -1 : named(MONTHS) >= 0 ? named(MONTHS) : named(ENGLISH_MONTHS);
      return month >= 0 ? isoOf(match[3], month + 1, match[2]) : null;
    }
    match = value.match(/^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$/);
    if (!match) return null;
    const dayFirst = ["DD/MM/YYYY", "DD.MM.YYYY", "DD-MM-YYYY"].includes(format);
    return dayFirst ? isoOf(match[3], match[2], match[1]) : isoOf(match[3], match[1], match[2]);
  }

  // The number style's decimal sign ("," in German, French, Spanish, Dutch; "." in English).
  function decimalSign(numberStyle) {
    const part = formatter(numberStyle, {}).formatToParts(1.5).find((p) => p.type === "decimal");
    return part ? part.value : ".";
  }

  // An amount as the API gives it ("1249.50") as a person edits it in their number style
  // ("1249,50"): the decimal sign only, no grouping, every place kept.
  function amountInput(value, numberStyle) {
    if (value === null || value === undefined) return "";
    return String(value).replace(".", decimalSign(numberStyle));
  }

  // TEXT typed in the number style ("1.249,50", "1 249,50", "12,99"), or with a decimal point
  // where the style's sign is a comma ("12.99", as keypads and habits type it) → "1249.50" for
  // the API. Separators of thousands must stand between groups of three digits: "1.249" is 1249
  // in German, and "12,99" in English is no number, never 1299. What does not read as a number
  // is sent as typed, for the API to refuse in a sentence.
  function parseAmount(text, numberStyle) {
    const typed = String(text ?? "").trim();
    const compact = typed.replace(/[\s\u00a0\u202f']/g, "");
    const sign = decimalSign(numberStyle);
    const group = sign === "," ? "." : ",";
    let whole = compact;
    let fraction = null;
    if (compact.includes(sign)) {
      const at = compact.lastIndexOf(sign);
      [whole, fraction] = [compact.slice(0, at), compact.slice(at + 1)];
    } else if (sign === "," && /^[^.]*\.(\d{1,2}|\d{4,})$/.test(compact)) {
      [whole, fraction] = compact.split(".");
    }
    const [, plusMinus, digits] = whole.match(/^([-+]?)(.*)$/);
    let body = digits;
    if (body.includes(group)) {
      const grouped = new RegExp(`^\\d{1,3}(\\${group}\\d{3})+$`);
      if (!grouped.test(body)) return typed;
      body = body.split(group).join("");
    }
    const number = /^\d*$/.test(body) && (body || fraction) && (fraction === null || /^\d+$/.test(fraction));
    if (!number) return typed;
    return `${plusMinus}${body || "0"}${fraction === null ? "" : `.${fraction}`}`;
  }

  // A zero amount as the number style writes it ("0,00"), for the fields' hints.
  function amountHint(numberStyle) {
    return `0${decimalSign(numberStyle)}00`;
  }

  window.spendsFormat = {
    household, money, number, day, dateHint, parseDay, decimalSign, amountInput, parseAmount, amountHint,
  };
})();
