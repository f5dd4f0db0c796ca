// Money and dates in the household's formats, for values Alpine renders after the first paint.
// The same rules as preferences/formats.py, which formats what the server renders.
(function () {
  const element = document.getElementById("household-data");
  const household = (element && JSON.parse(element.textContent)) || {};
  const SYMBOLS = {
    USD: "$", EUR: "€", GBP: "£", JPY: "¥", CNY: "¥", INR: "₹", CAD: "CA$", AUD: "A$", CHF: "CHF ",
  };
  const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  function money(amount, currencyCode) {
    if (amount === null || amount === undefined || amount === "") return "";
    const code = String(currencyCode || household.currency_code || "").toUpperCase();
    const symbol = code in SYMBOLS ? SYMBOLS[code] : code ? `${code} ` : "";
    // Amounts arrive as decimal strings ("1249.50"); group the integer part without floats.
    const [whole, fraction = "00"] = String(amount).replace("-", "").split(".");
    const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    const sign = String(amount).startsWith("-") ? "-" : "";
    return `${sign}${symbol}${grouped}.${fraction.padEnd(2, "0").slice(0, 2)}`;
  }

  function day(isoDate, dateFormat) {
    if (!isoDate) return "";
    const [year, month, dayOfMonth] = String(isoDate).slice(0, 10).split("-");
    switch (dateFormat || household.date_format) {
      case "short": return `${MONTHS[Number(month) - 1]} ${Number(dayOfMonth)}, ${year}`;
      case "DD/MM/YYYY": return `${dayOfMonth}/${month}/${year}`;
      case "YYYY-MM-DD": return `${year}-${month}-${dayOfMonth}`;
      case "DD.MM.YYYY": return `${dayOfMonth}.${month}.${year}`;
      default: return `${month}/${dayOfMonth}/${year}`;
    }
  }

  window.spendsFormat = { household, money, day };
})();
