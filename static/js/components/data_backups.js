// Backups: "Back up now" and restores run as background jobs, followed until they end with a
// progress bar; verify, delete and the schedule. The list and the "last backup" line are the
// server's, reloaded after each change.
document.addEventListener("alpine:init", () => {
  const POLL_MS = 700;

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
        // The worker's own words for the step it is at (JobProgress), after the job's name.
        const step = { step: this.jobMessage };
        if (this.jobKind === "backup") {
          return this.jobMessage ? interpolate(gettext("Backing up: %(step)s"), step, true) : gettext("Backing up…");
        }
        if (this.jobKind === "restore") {
          return this.jobMessage ? interpolate(gettext("Restoring: %(step)s"), step, true) : gettext("Restoring…");
        }
        return this.jobMessage ? interpolate(gettext("Working: %(step)s"), step, true) : gettext("Working…");
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
          window.notify(interpolate(gettext("The backup did not start: %(reason)s"), { reason: error.message }, true), "error");
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
            const failed = kind === "restore" ? gettext("The restore failed: %(reason)s") : gettext("The backup failed: %(reason)s");
            window.notify(interpolate(failed, { reason: current.error }, true), "error");
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
          const fileCount = result.file_count;
          const purchaseCount = result.record_counts.purchases || 0;
          const files = interpolate(ngettext("%(count)s file", "%(count)s files", fileCount), { count: fileCount }, true);
          const purchases = interpolate(
            ngettext("%(count)s purchase", "%(count)s purchases", purchaseCount),
            { count: purchaseCount },
            true,
          );
          return interpolate(gettext("Backup done: %(files)s, %(purchases)s."), { files, purchases }, true);
        }
        return interpolate(
          gettext("Restored. Your data as it was before is in the restore point %(id)s."),
          { id: result.restore_point_id },
          true,
        );
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
          const count = report.file_count;
          let message = interpolate(
            ngettext(
              "The backup %(id)s is sound: every checksum matches (%(count)s file).",
              "The backup %(id)s is sound: every checksum matches (%(count)s files).",
              count,
            ),
            { id, count },
            true,
          );
          if (report.warnings.length) {
            const warnings = report.warnings.length;
            message += " ";
            message += interpolate(
              ngettext("%(count)s warning: %(warnings)s", "%(count)s warnings: %(warnings)s", warnings),
              { count: warnings, warnings: report.warnings.join(" ") },
              true,
            );
          }
          window.notify(message, "success");
        } catch (error) {
          window.notify(interpolate(gettext("The backup %(id)s did not pass: %(reason)s"), { id, reason: error.message }, true), "error");
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
          window.notify(interpolate(gettext("The restore did not start: %(reason)s"), { reason: error.message }, true), "error");
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
          window.notify(interpolate(gettext("Deleted the backup of %(label)s."), { label }, true), "success");
          await this.refresh();
        } catch (error) {
          // The answer says why, in the page's language, before a colon; "confirm=true" is the
          // API's parameter, the same in every language (a backup in use answers 409 too).
          if (error.status === 409 && !protection && error.message.includes("confirm=true")) {
            askedAgain = true;
            this.deletingBackup = { id, label, protection: error.message.split(/\s*:/)[0] };
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
        if (!this.config.backup_enabled) return gettext("Automatic backups are off.");
        const due = this.config.next_backup_due;
        if (!due) return "";
        const moment = new Date(due);
        const day = window.spendsFormat.day(
          `${moment.getFullYear()}-${String(moment.getMonth() + 1).padStart(2, "0")}-${String(moment.getDate()).padStart(2, "0")}`,
        );
        const time = `${String(moment.getHours()).padStart(2, "0")}:${String(moment.getMinutes()).padStart(2, "0")}`;
        if (moment <= new Date()) return gettext("The next automatic backup is due now.");
        return interpolate(gettext("Next automatic backup: %(day)s %(time)s."), { day, time }, true);
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
          window.notify(gettext("Backup schedule saved."), "success");
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
