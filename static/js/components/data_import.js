// Import: the API's dry run first (what would be added, skipped, warned about), then the import
// itself with the same file and options, and its report. A spreadsheet that is not the
// application's own CSV export goes through the mapping step first (docs/importing.md, "The
// mapping step"): each column matched to a field, the formats, the currency; the mapping is sent
// with the file.
document.addEventListener("alpine:init", () => {
  const FORMATS = ["json", "csv", "zip", "xlsx"];
  const SPREADSHEETS = ["csv", "xlsx"];
  const DELIMITERS = { ",": "commas", ";": "semicolons", "\t": "tabs", "|": "bars" };
  // Report keys that are flags or lists, not counts to show.
  const NOT_COUNTS = new Set(["errors", "warnings", "mode", "dry_run", "data_imported", "settings_applied"]);

  // "purchases_added" reads well as "purchases added"; these do not.
  const LABELS = {
    purchases_skipped_future_date: "purchases dated in the future (skipped)",
    files_extracted: "files stored",
    rows_total: "rows in the file",
  };

  function labelOf(key, value) {
    const label = LABELS[key] || key.replace(/_skipped_existing$/, " already here (skipped)").replace(/_/g, " ");
    // "1 purchase added", "1 warranty added": the first word is the counted thing.
    return value === 1 ? label.replace(/^(\w+?)(ies|s)\b/, (_, stem, end) => stem + (end === "ies" ? "y" : "")) : label;
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

  function sentence(labels) {
    if (labels.length < 2) return labels.join("");
    return `${labels.slice(0, -1).join(", ")} and ${labels[labels.length - 1]}`;
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
        window.notify(`Mapping “${saved.name}” saved: choose it under “Columns as in” next time.`, "success");
      } catch (error) {
        window.notify(`The mapping was not saved: ${error.message}`, "error");
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
      const read = this.sheet.encoding === "xlsx" ? "the first sheet of the workbook" : `read as ${this.sheet.encoding.replace(/-sig$/, "").toUpperCase()}, separated by ${DELIMITERS[this.sheet.delimiter] || this.sheet.delimiter}`;
      return `${count} column${count === 1 ? "" : "s"}, ${read}. Check the field of each column, then preview the import.`;
    },
    // Why the mapping cannot be previewed yet (a required field without a column, a field with
    // two), in plain words; empty when it can.
    get mappingProblem() {
      if (!this.sheet) return "";
      const { labels, required, multiple } = this.rules;
      const fields = this.sheetColumns.map((column) => column.field);
      const missing = required.filter((field) => !fields.includes(field)).map((field) => labels[field]);
      if (missing.length) {
        return `Choose the column that holds the ${sentence(missing.map((label) => label.toLowerCase()))}: a purchase needs a product name, a price and a purchase date.`;
      }
      const twice = [...new Set(fields.filter((field, index) => field && !multiple.includes(field) && fields.indexOf(field) !== index))];
      if (twice.length) {
        return `Two columns fill ${sentence(twice.map((field) => labels[field]))}: keep one of them, and set the other to “Keep in notes”.`;
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
      return `Field for column “${column.header}”`;
    },
    samplesText(column) {
      return column.samples.length ? column.samples.join(" · ") : "(empty)";
    },
    columnFieldClass(column) {
      if (!column.field || this.rules.multiple.includes(column.field)) return "";
      const same = this.sheetColumns.filter((other) => other.field === column.field).length;
      return same > 1 ? "is-invalid" : "";
    },

    chosenFile() {
      const file = this.$refs.file.files[0];
      if (!file) {
        this.fileError = "Choose a file first.";
        return null;
      }
      const extension = file.name.split(".").pop().toLowerCase();
      if (!FORMATS.includes(extension)) {
        this.fileError = "Choose a .json, .csv, .zip or .xlsx file.";
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
          window.notify(`Imported ${chosen.file.name}.`, "success");
        }
      } catch (error) {
        this.report = null;
        this.fileError = error.message;
        window.notify(`Import failed: ${error.message}`, "error");
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
        ? "Preview: this is what the import would do. Nothing has been written yet."
        : "Imported. This is what changed:";
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
        .map(([key, value]) => ({ key, value, label: labelOf(key, value) }));
    },
    get reportErrors() {
      return this.report ? this.report.errors : [];
    },
    get reportWarnings() {
      return this.report ? this.report.warnings : [];
    },
  }));
});
