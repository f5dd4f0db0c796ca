// Dates of the purchase form, typed in the household's date format (docs/forms.md §3): a text
// field that shows and reads "14/08/2026" (or the household's other format; YYYY-MM-DD is always
// understood), with a button that opens the browser's own calendar on a hidden date input.
// purchase_form.js mixes `members` into its component; `display` and `iso` convert values.
window.purchaseFormParts = window.purchaseFormParts || {};
window.purchaseFormParts.dates = (() => {
  const format = () => window.spendsFormat;

  // "2026-08-14" → the household's "14/08/2026"; "" stays "".
  function display(isoDate) {
    return isoDate ? format().day(isoDate) : "";
  }

  // What the person typed → "YYYY-MM-DD", "" when empty, null when it is not a date.
  function iso(text) {
    return format().parseDay(text);
  }

  // How a person types a date in the household's format, in the page's language's letters
  // ("TT.MM.JJJJ" in German); the English hint when the format is one this list does not know.
  function hint() {
    const english = format().dateHint();
    const hints = {
      "MM/DD/YYYY": pgettext("date format", "MM/DD/YYYY"),
      "DD/MM/YYYY": pgettext("date format", "DD/MM/YYYY"),
      "DD.MM.YYYY": pgettext("date format", "DD.MM.YYYY"),
      "DD-MM-YYYY": pgettext("date format", "DD-MM-YYYY"),
      "YYYY-MM-DD": pgettext("date format", "YYYY-MM-DD"),
      "Mon D, YYYY": pgettext("date format", "Mon D, YYYY"),
    };
    return hints[english] || english;
  }

  // The message under a date field that does not read as a date.
  function dateError() {
    const words = gettext("Enter the date as %(format)s, e.g. %(example)s.");
    return interpolate(words, { format: hint(), example: display("2026-08-14") }, true);
  }

  const members = {
    get dateHint() {
      return hint();
    },
    get dateHelp() {
      return interpolate(gettext("As %(format)s."), { format: hint() }, true);
    },
    // The calendar button: the native picker, on the date the field holds.
    pickDate(event) {
      const button = event.currentTarget;
      const native = button.parentElement.querySelector(".date-picker-native");
      const field = button.parentElement.querySelector("[data-date-input]");
      native.value = iso(field.value) || "";
      try {
        native.showPicker();
      } catch (error) {
        // A browser without showPicker: the field itself still takes typed dates.
        field.focus();
      }
    },
    datePicked(event) {
      const native = event.currentTarget;
      const field = native.parentElement.querySelector("[data-date-input]");
      field.value = display(native.value);
      // x-model listens to "input": the form's data follows the field.
      field.dispatchEvent(new Event("input", { bubbles: true }));
      field.focus();
    },
  };

  return { display, iso, dateError, members };
})();
