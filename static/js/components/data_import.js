// Import: the API's dry run first (what would be added, skipped, warned about), then the import
// itself with the same file and options, and its report.
document.addEventListener("alpine:init", () => {
  const FORMATS = ["json", "csv", "zip"];
  // Report keys that are flags or lists, not counts to show.
  const NOT_COUNTS = new Set(["errors", "warnings", "mode", "dry_run", "data_imported", "settings_applied"]);

  // "purchases_added" reads well as "purchases added"; these do not.
  const LABELS = {
    purchases_skipped_future_date: "purchases dated in the future (skipped)",
    files_extracted: "files stored",
    rows_total: "rows in the file",
  };

  function labelOf(key) {
    if (LABELS[key]) return LABELS[key];
    return key.replace(/_skipped_existing$/, " already here (skipped)").replace(/_/g, " ");
  }

  window.Alpine.data("dataImport", () => ({
    mode: "skip",
    busy: false,
    stage: "",
    fileError: "",
    report: null,

    fileChosen() {
      this.fileError = "";
      this.report = null;
    },
    optionsChanged() {
      this.report = null;
    },
    clear() {
      this.report = null;
    },

    chosenFile() {
      const file = this.$refs.file.files[0];
      if (!file) {
        this.fileError = "Choose a file first.";
        return null;
      }
      const extension = file.name.split(".").pop().toLowerCase();
      if (!FORMATS.includes(extension)) {
        this.fileError = "Choose a .json, .csv or .zip file.";
        return null;
      }
      return { file, format: extension };
    },

    async send(dryRun) {
      const chosen = this.chosenFile();
      if (!chosen) return;
      const form = new FormData();
      form.append("file", chosen.file);
      this.busy = true;
      this.stage = dryRun ? "preview" : "import";
      try {
        this.report = await window.api.upload(`import/${chosen.format}`, form, { mode: this.mode, dry_run: dryRun });
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
        .map(([key, value]) => ({ key, value, label: labelOf(key) }));
    },
    get reportErrors() {
      return this.report ? this.report.errors : [];
    },
    get reportWarnings() {
      return this.report ? this.report.warnings : [];
    },
  }));
});
