// Import: the API's dry run first (what would be added, skipped, warned about), then the import
// itself with the same file and options, and its report. A spreadsheet that is not the
// application's own CSV export goes through the mapping step first (docs/importing.md, "The
// mapping step"): each column matched to a field, the formats, the currency; the mapping is sent
// with the file.
document.addEventListener("alpine:init", () => {
  const FORMATS = ["json", "csv", "zip", "xlsx"];
  const SPREADSHEETS = ["csv", "xlsx"];
  // Report keys that are flags or lists, not counts to show.
  const NOT_COUNTS = new Set(["errors", "warnings", "mode", "dry_run", "data_imported", "settings_applied"]);

  // What a delimiter is called in "separated by …" (sheetSummary).
  function delimiterName(delimiter) {
    switch (delimiter) {
      case ",":
        return pgettext("separator", "commas");
      case ";":
        return pgettext("separator", "semicolons");
      case "\t":
        return pgettext("separator", "tabs");
      case "|":
        return pgettext("separator", "bars");
      default:
        return `“${delimiter}”`;
    }
  }

  // One line of the report: the count with what it counts ("2 purchases added"); a key this page
  // does not know yet is shown as the API names it.
  function countText(key, n) {
    switch (key) {
      case "rows_total":
        return ngettext("%(count)s row in the file", "%(count)s rows in the file", n);
      case "rows_skipped":
        return ngettext("%(count)s row skipped", "%(count)s rows skipped", n);
      case "purchases_added":
        return ngettext("%(count)s purchase added", "%(count)s purchases added", n);
      case "purchases_updated":
        return ngettext("%(count)s purchase updated", "%(count)s purchases updated", n);
      case "purchases_skipped_existing":
        return ngettext("%(count)s purchase already here (skipped)", "%(count)s purchases already here (skipped)", n);
      case "purchases_skipped_future_date":
        return ngettext(
          "%(count)s purchase dated in the future (skipped)",
          "%(count)s purchases dated in the future (skipped)",
          n,
        );
      case "warranties_added":
        return ngettext("%(count)s warranty added", "%(count)s warranties added", n);
      case "warranties_updated":
        return ngettext("%(count)s warranty updated", "%(count)s warranties updated", n);
      case "warranties_skipped_existing":
        return ngettext("%(count)s warranty already here (skipped)", "%(count)s warranties already here (skipped)", n);
      case "claims_added":
        return ngettext("%(count)s claim added", "%(count)s claims added", n);
      case "claims_updated":
        return ngettext("%(count)s claim updated", "%(count)s claims updated", n);
      case "claims_skipped_existing":
        return ngettext("%(count)s claim already here (skipped)", "%(count)s claims already here (skipped)", n);
      case "retailers_added":
        return ngettext("%(count)s retailer added", "%(count)s retailers added", n);
      case "retailers_updated":
        return ngettext("%(count)s retailer updated", "%(count)s retailers updated", n);
      case "retailers_merged":
        return ngettext("%(count)s retailer merged", "%(count)s retailers merged", n);
      case "brands_added":
        return ngettext("%(count)s brand added", "%(count)s brands added", n);
      case "brands_updated":
        return ngettext("%(count)s brand updated", "%(count)s brands updated", n);
      case "brands_merged":
        return ngettext("%(count)s brand merged", "%(count)s brands merged", n);
      case "files_added":
        return ngettext("%(count)s file added", "%(count)s files added", n);
      case "files_updated":
        return ngettext("%(count)s file updated", "%(count)s files updated", n);
      case "files_skipped_existing":
        return ngettext("%(count)s file already here (skipped)", "%(count)s files already here (skipped)", n);
      case "files_extracted":
        return ngettext("%(count)s file stored", "%(count)s files stored", n);
      case "files_missing":
        return ngettext("%(count)s file missing", "%(count)s files missing", n);
      case "exchange_rates_added":
        return ngettext("%(count)s exchange rate added", "%(count)s exchange rates added", n);
      case "exchange_rates_updated":
        return ngettext("%(count)s exchange rate updated", "%(count)s exchange rates updated", n);
      default:
        return `${key.replace(/_/g, " ")}: %(count)s`;
    }
  }

  function pageMapping() {
    const element = document.getElementById("data-page");
    const data = element ? JSON.parse(element.textContent) : {};
    return data.mapping || { labels: {}, required: [], multiple: [], own_csv_columns: [] };
  }

  // Our own export (UTF-8, commas, its columns named after the fields) is imported as it is
  // (import/csv), which keeps its ids, so that a second import of it finds its purchases
  // already there. A file with any other column goes through the mapping step, where that
  // column is kept in the notes rather than ignored.
  function isOwnCsv(sheet, rules) {
    if (!sheet.encoding.startsWith("utf-8") || sheet.delimiter !== ",") return false;
    const headers = sheet.columns.map((column) => column.header.toLowerCase());
    return (
      rules.required.every((field) => headers.includes(field)) &&
      headers.every((header) => rules.own_csv_columns.includes(header))
    );
  }

  // "the price and the purchase date": a list in the page's language.
  function listed(labels) {
    const language = document.documentElement.lang || "en";
    return new Intl.ListFormat(language, { style: "long", type: "conjunction" }).format(labels);
  }

  // A field's name inside a sentence: lowercased, except in German, whose nouns keep their capital.
  function inSentence(label) {
    return (document.documentElement.lang || "en").startsWith("de") ? label : label.toLowerCase();
  }

  window.Alpine.data("dataImport", () => ({
    mode: "skip",
    busy: false,
    stage: "",
    fileError: "",
    report: null,
    // The mapping step: the columns route's answer (columns edited in place), or null.
    sheet: null,
    ownCsv: false,
    choices: [],
    choiceId: "",
    dateFormat: "YYYY-MM-DD",
    decimalSeparator: ".",
    currency: "",
    mappingName: "",
    rules: pageMapping(),

    fileChosen() {
      this.fileError = "";
      this.report = null;
      this.sheet = null;
      this.ownCsv = false;
      this.choiceId = "";
      if (!this.$refs.file.files.length) return;
      const chosen = this.chosenFile();
      if (chosen && SPREADSHEETS.includes(chosen.format)) this.readColumns(chosen);
    },
    optionsChanged() {
      this.report = null;
    },
    mappingChanged() {
      this.report = null;
    },
    clear() {
      this.report = null;
    },

    // Ask the columns route what the file holds, read through the chosen preset or saved mapping
    // (or guessed when none is chosen).
    async readColumns(chosen) {
      const form = new FormData();
      form.append("file", chosen.file);
      const picked = this.choices.find((choice) => choice.id === this.choiceId);
      if (picked && picked.kind === "saved") form.append("mapping", JSON.stringify(picked.mapping));
      const query = picked && picked.kind === "preset" ? { preset: picked.id } : {};
      this.busy = true;
      this.stage = "columns";
      try {
        const [sheet] = await Promise.all([window.api.upload("import/spreadsheet/columns", form, query), this.loadChoices()]);
        if (chosen.format === "csv" && !picked && isOwnCsv(sheet, this.rules)) {
          this.ownCsv = true;
          return;
        }
        this.showSheet(sheet, picked);
      } catch (error) {
        this.fileError = error.message;
      } finally {
        this.busy = false;
        this.stage = "";
      }
    },
    showSheet(sheet, picked) {
      this.dateFormat = sheet.date_format;
      this.decimalSeparator = sheet.decimal_separator;
      this.currency = sheet.currency;
      // A guess that recognised another application's export selects its preset.
      const recognised = !picked && sheet.preset ? this.presetChoices.find((choice) => choice.name === sheet.preset) : null;
      if (recognised) this.choiceId = recognised.id;
      this.mappingName = picked && picked.kind === "saved" ? picked.name : "";
      this.sheet = sheet;
    },
    async loadChoices() {
      if (this.choices.length) return;
      this.choices = await window.api.get("import/mappings");
    },
    choiceChanged() {
      this.report = null;
      const chosen = this.chosenFile();
      if (chosen) this.readColumns(chosen);
    },

    mapping() {
      const columns = {};
      for (const column of this.sheetColumns) {
        if (column.field) columns[column.header] = column.field;
      }
      const picked = this.choices.find((choice) => choice.id === this.choiceId);
      return {
        name: this.mappingName.trim() || (picked ? picked.name : ""),
        columns,
        date_format: this.dateFormat,
        decimal_separator: this.decimalSeparator,
        currency: this.currency || null,
      };
    },
    async saveMapping() {
      const name = this.mappingName.trim();
      if (!name || !this.sheet) return;
      this.busy = true;
      this.stage = "save";
      try {
        const saved = await window.api.post("import/mappings", { name, mapping: { ...this.mapping(), name } });
        this.choices = [...this.choices.filter((choice) => choice.id !== saved.id), saved];
        this.choiceId = saved.id;
        window.notify(
          interpolate(gettext("Mapping “%(name)s” saved: choose it under “Columns as in” next time."), { name: saved.name }, true),
          "success",
        );
      } catch (error) {
        window.notify(interpolate(gettext("The mapping was not saved: %(reason)s"), { reason: error.message }, true), "error");
      } finally {
        this.busy = false;
        this.stage = "";
      }
    },

    get sheetColumns() {
      return this.sheet ? this.sheet.columns : [];
    },
    get presetChoices() {
      return this.choices.filter((choice) => choice.kind === "preset");
    },
    get savedChoices() {
      return this.choices.filter((choice) => choice.kind === "saved");
    },
    get sheetSummary() {
      if (!this.sheet) return "";
      const count = this.sheet.columns.length;
      if (this.sheet.encoding === "xlsx") {
        return interpolate(
          ngettext(
            "%(count)s column, the first sheet of the workbook. Check the field of each column, then preview the import.",
            "%(count)s columns, the first sheet of the workbook. Check the field of each column, then preview the import.",
            count,
          ),
          { count },
          true,
        );
      }
      return interpolate(
        ngettext(
          "%(count)s column, read as %(encoding)s, separated by %(separator)s. Check the field of each column, then preview the import.",
          "%(count)s columns, read as %(encoding)s, separated by %(separator)s. Check the field of each column, then preview the import.",
          count,
        ),
        {
          count,
          encoding: this.sheet.encoding.replace(/-sig$/, "").toUpperCase(),
          separator: delimiterName(this.sheet.delimiter),
        },
        true,
      );
    },
    // Why the mapping cannot be previewed yet (a required field without a column, a field with
    // two), in plain words; empty when it can.
    get mappingProblem() {
      if (!this.sheet) return "";
      const { labels, required, multiple } = this.rules;
      const fields = this.sheetColumns.map((column) => column.field);
      const missing = required.filter((field) => !fields.includes(field)).map((field) => labels[field]);
      if (missing.length) {
        return interpolate(
          ngettext(
            "Choose the column that holds the %(fields)s: a purchase needs a product name, a price and a purchase date.",
            "Choose the columns that hold the %(fields)s: a purchase needs a product name, a price and a purchase date.",
            missing.length,
          ),
          { fields: listed(missing.map(inSentence)) },
          true,
        );
      }
      const twice = [...new Set(fields.filter((field, index) => field && !multiple.includes(field) && fields.indexOf(field) !== index))];
      if (twice.length) {
        return interpolate(
          gettext("Two columns fill %(fields)s: keep one of them, and set the other to “Keep in notes”."),
          { fields: listed(twice.map((field) => labels[field])) },
          true,
        );
      }
      return "";
    },
    get previewDisabled() {
      return this.busy || Boolean(this.mappingProblem);
    },
    get saveDisabled() {
      return this.busy || !this.mappingName.trim();
    },
    columnFieldId(index) {
      return `import-column-${index}`;
    },
    columnFieldLabel(column) {
      return interpolate(gettext("Field for column “%(column)s”"), { column: column.header }, true);
    },
    samplesText(column) {
      return column.samples.length ? column.samples.join(" · ") : gettext("(empty)");
    },
    columnFieldClass(column) {
      if (!column.field || this.rules.multiple.includes(column.field)) return "";
      const same = this.sheetColumns.filter((other) => other.field === column.field).length;
      return same > 1 ? "is-invalid" : "";
    },

    chosenFile() {
      const file = this.$refs.file.files[0];
      if (!file) {
        this.fileError = gettext("Choose a file first.");
        return null;
      }
      const extension = file.name.split(".").pop().toLowerCase();
      if (!FORMATS.includes(extension)) {
        this.fileError = gettext("Choose a .json, .csv, .zip or .xlsx file.");
        return null;
      }
      return { file, format: extension };
    },

    async send(dryRun) {
      const chosen = this.chosenFile();
      if (!chosen) return;
      const form = new FormData();
      form.append("file", chosen.file);
      let route = `import/${chosen.format}`;
      if (this.sheet) {
        route = "import/spreadsheet";
        form.append("mapping", JSON.stringify(this.mapping()));
      } else if (chosen.format === "xlsx") {
        return; // its columns are being read: the mapping step comes first
      }
      this.busy = true;
      this.stage = dryRun ? "preview" : "import";
      try {
        this.report = await window.api.upload(route, form, { mode: this.mode, dry_run: dryRun });
        if (!dryRun) {
          window.notify(interpolate(gettext("Imported %(name)s."), { name: chosen.file.name }, true), "success");
        }
      } catch (error) {
        this.report = null;
        this.fileError = error.message;
        window.notify(interpolate(gettext("Import failed: %(reason)s"), { reason: error.message }, true), "error");
      } finally {
        this.busy = false;
        this.stage = "";
      }
    },
    preview() {
      return this.send(true);
    },
    importForReal() {
      return this.send(false);
    },

    get isPreview() {
      return Boolean(this.report && this.report.dry_run);
    },
    get reportTitle() {
      if (!this.report) return "";
      return this.report.dry_run
        ? gettext("Preview: this is what the import would do. Nothing has been written yet.")
        : gettext("Imported. This is what changed:");
    },
    get reportClass() {
      if (!this.report) return "";
      if (this.report.errors.length) return "alert-warning";
      return this.report.dry_run ? "alert-info" : "alert-success";
    },
    get countLines() {
      if (!this.report) return [];
      return Object.entries(this.report)
        .filter(([key, value]) => !NOT_COUNTS.has(key) && typeof value === "number" && value > 0)
        .map(([key, value]) => ({ key, text: interpolate(countText(key, value), { count: value }, true) }));
    },
    get reportErrors() {
      return this.report ? this.report.errors : [];
    },
    get reportWarnings() {
      return this.report ? this.report.warnings : [];
    },
  }));
});
