// Backups: "Back up now" and restores run as background jobs, followed until they end with a
// progress bar; verify, delete and the schedule. The list and the "last backup" line are the
// server's, reloaded after each change.
document.addEventListener("alpine:init", () => {
  const POLL_MS = 700;
  const JOB_LABELS = { backup: "Backing up", restore: "Restoring" };

  function pause(ms) {
    return new Promise((resolve) => window.setTimeout(resolve, ms));
  }

  window.Alpine.data("dataBackups", () => {
    // The button a dialog was opened from; kept out of Alpine's reactive state.
    let dialogOpener = null;

    return {
      jobKind: null,
      jobProgress: 0,
      jobMessage: "",
      verifying: null,
      verified: {},
      restoring: null,
      restoreTyped: "",
      deletingBackup: null,
      deletingBusy: false,
      config: {},
      configErrors: {},
      savingSchedule: false,

      init() {
        const data = JSON.parse(document.getElementById("data-page").textContent);
        this.config = data.config;
        window.addEventListener("data-changed", () => this.refresh());
        // A backup or restore started elsewhere (the schedule, another tab) is followed too.
        if (data.active_job) this.follow(data.active_job.id, data.active_job.kind);
      },

      get jobRunning() {
        return this.jobKind !== null;
      },
      get jobLabel() {
        const label = JOB_LABELS[this.jobKind] || "Working";
        return this.jobMessage ? `${label}: ${this.jobMessage}` : `${label}…`;
      },
      get jobPercent() {
        return `${this.jobProgress}%`;
      },
      get progressStyle() {
        return { width: `${this.jobProgress}%` };
      },

      async backUpNow() {
        try {
          const job = await window.api.post("backup/create");
          await this.follow(job.id, "backup", job);
        } catch (error) {
          window.notify(`The backup did not start: ${error.message}`, "error");
        }
      },

      // Poll the job until it has ended; then report it and reload the list.
      async follow(jobId, kind, job) {
        this.jobKind = kind;
        this.jobProgress = 0;
        this.jobMessage = "";
        try {
          let current = job || (await window.api.get(`jobs/${jobId}`));
          while (current.status === "pending" || current.status === "running") {
            this.jobProgress = current.progress;
            this.jobMessage = current.message;
            await pause(POLL_MS);
            current = await window.api.get(`jobs/${jobId}`);
          }
          this.jobProgress = current.progress;
          if (current.status === "completed") {
            window.notify(this.doneMessage(kind, current.result), "success");
          } else {
            window.notify(`The ${kind} failed: ${current.error}`, "error");
          }
        } catch (error) {
          window.notify(error.message, "error");
        } finally {
          this.jobKind = null;
        }
        await this.refresh();
      },

      doneMessage(kind, result) {
        if (kind === "backup") {
          return `Backup done: ${result.file_count} files, ${result.record_counts.purchases || 0} purchases.`;
        }
        return `Restored. Your data as it was before is in the restore point ${result.restore_point_id}.`;
      },

      async refresh() {
        try {
          await window.spendsRefresh(["last-backup", "backup-list"]);
        } catch (error) {
          window.notify(error.message, "error");
        }
      },

      isVerified(id) {
        return Boolean(this.verified[id]);
      },

      async verify(event) {
        const id = event.currentTarget.dataset.id;
        this.verifying = id;
        try {
          const report = await window.api.post(`backup/${id}/verify`);
          this.verified = { ...this.verified, [id]: true };
          const warnings = report.warnings.length ? ` ${report.warnings.length} warning(s): ${report.warnings.join(" ")}` : "";
          window.notify(`The backup ${id} is sound: every checksum matches (${report.file_count} files).${warnings}`, "success");
        } catch (error) {
          window.notify(`The backup ${id} did not pass: ${error.message}`, "error");
        } finally {
          this.verifying = null;
        }
      },

      askRestore(event) {
        const { id, label } = event.currentTarget.dataset;
        dialogOpener = event.currentTarget;
        this.restoring = { id, label };
        this.restoreTyped = "";
        window.afterShown(() => this.$refs.restoreConfirm.focus());
      },
      closeRestore() {
        this.restoring = null;
        this.returnFocus();
      },
      get restoringLabel() {
        return this.restoring ? this.restoring.label : "";
      },
      get restoreConfirmed() {
        return this.restoreTyped.trim() === "RESTORE";
      },
      async confirmRestore() {
        if (!this.restoreConfirmed || this.jobRunning) return;
        const { id } = this.restoring;
        this.restoring = null;
        this.returnFocus();
        try {
          const job = await window.api.post("backup/restore", { backup_id: id });
          await this.follow(job.id, "restore", job);
        } catch (error) {
          window.notify(`The restore did not start: ${error.message}`, "error");
        }
      },

      askDelete(event) {
        const { id, label } = event.currentTarget.dataset;
        dialogOpener = event.currentTarget;
        this.deletingBackup = { id, label };
        window.afterShown(() => this.$refs.deleteCancel.focus());
      },
      closeDelete() {
        if (this.deletingBusy) return;
        this.deletingBackup = null;
        this.returnFocus();
      },
      // Back to the button that opened the dialog, once its focus trap has let go; after a delete
      // that button is gone with its backup, and the "Back up now" button takes the focus.
      returnFocus() {
        const opener = dialogOpener;
        dialogOpener = null;
        this.$nextTick(() => {
          if (opener && opener.isConnected) opener.focus();
          else if (this.$refs.backupNow) this.$refs.backupNow.focus();
        });
      },
      get deletingLabel() {
        return this.deletingBackup ? this.deletingBackup.label : "";
      },
      // The newest restore point and the last completed backup answer 409 "needs a second
      // confirmation": the dialog then says why and asks again before sending confirm=true.
      async confirmDelete() {
        const { id, label, protection } = this.deletingBackup;
        this.deletingBusy = true;
        let askedAgain = false;
        try {
          await window.api.delete(`backup/${id}${protection ? "?confirm=true" : ""}`);
          window.notify(`Deleted the backup of ${label}.`, "success");
          await this.refresh();
        } catch (error) {
          if (error.status === 409 && !protection && /second confirmation/.test(error.message)) {
            askedAgain = true;
            this.deletingBackup = { id, label, protection: error.message.split(":")[0] };
          } else {
            window.notify(error.message, "error");
          }
        } finally {
          this.deletingBusy = false;
          if (!askedAgain) {
            this.deletingBackup = null;
            this.returnFocus();
          }
        }
      },
      get deletingProtection() {
        return this.deletingBackup && this.deletingBackup.protection ? this.deletingBackup.protection : "";
      },

      get nextDueLabel() {
        if (!this.config.backup_enabled) return "Automatic backups are off.";
        const due = this.config.next_backup_due;
        if (!due) return "";
        const moment = new Date(due);
        const day = window.spendsFormat.day(
          `${moment.getFullYear()}-${String(moment.getMonth() + 1).padStart(2, "0")}-${String(moment.getDate()).padStart(2, "0")}`,
        );
        const time = `${String(moment.getHours()).padStart(2, "0")}:${String(moment.getMinutes()).padStart(2, "0")}`;
        return moment <= new Date() ? "The next automatic backup is due now." : `Next automatic backup: ${day} ${time}.`;
      },

      async saveSchedule() {
        this.savingSchedule = true;
        this.configErrors = {};
        const { backup_enabled, backup_frequency, backup_retention, backup_location } = this.config;
        try {
          this.config = await window.api.put("backup/config", {
            backup_enabled,
            backup_frequency,
            backup_retention,
            backup_location,
          });
          window.notify("Backup schedule saved.", "success");
        } catch (error) {
          if (error.status === 422) this.configErrors = error.fieldErrors();
          window.notify(error.message, "error");
        } finally {
          this.savingSchedule = false;
        }
      },
    };
  });
});
