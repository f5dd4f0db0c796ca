// The profile page's reminders: thresholds, kinds, channels, a test reminder, the calendar feed.
// The words are the page's language's (the catalogue, /jsi18n/), read when they are shown.
document.addEventListener("alpine:init", () => {
  // A channel's name in a sentence ("sent by webhook"); the API gives its code.
  function channelName(code) {
    const names = {
      email: pgettext("channel", "email"),
      webhook: pgettext("channel", "webhook"),
      apprise: pgettext("channel", "apprise"),
    };
    return names[code] || code;
  }

  window.Alpine.data("reminderPreferences", () => ({
    loading: true,
    busy: false,
    testing: false,
    thresholdsText: "",
    kinds: [],
    emailEnabled: true,
    emailAvailable: true,
    email: "",
    recipient: "",
    webhookUrl: "",
    appriseText: "",
    feedUrl: null,
    failingDeliveries: [],
    errors: {},

    async init() {
      try {
        this.show(await window.api.get("reminders/preferences"));
      } catch (error) {
        window.notify(error.message, "error");
      } finally {
        this.loading = false;
      }
    },
    show(preferences) {
      this.thresholdsText = preferences.thresholds.join(", ");
      this.kinds = preferences.kinds;
      this.emailEnabled = preferences.email_enabled;
      this.emailAvailable = preferences.email_available;
      this.email = preferences.email || "";
      this.recipient = preferences.recipient || "";
      this.webhookUrl = preferences.webhook_url || "";
      this.appriseText = preferences.apprise_urls.join("\n");
      this.feedUrl = preferences.feed_url;
      this.failingDeliveries = preferences.failing_deliveries;
    },
    get recipientPlaceholder() {
      return this.recipient || gettext("you@example.org");
    },
    get deliveryLine() {
      const delivery = this.delivery;
      const words = {
        day: window.spendsFormat.day(delivery.day),
        channel: channelName(delivery.channel),
        error: delivery.last_error || gettext("waiting"),
        count: delivery.attempts,
      };
      return interpolate(
        ngettext("%(day)s by %(channel)s: %(error)s (%(count)s attempt)", "%(day)s by %(channel)s: %(error)s (%(count)s attempts)", delivery.attempts),
        words,
        true,
      );
    },
    thresholds() {
      // "30, 7, 1" → [30, 7, 1]; anything else goes to the server as it is, to be refused there.
      return this.thresholdsText
        .split(/[\s,;]+/)
        .filter((part) => part !== "")
        .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
    },
    async save() {
      this.busy = true;
      this.errors = {};
      try {
        this.show(
          await window.api.put("reminders/preferences", {
            thresholds: this.thresholds(),
            kinds: this.kinds,
            email_enabled: this.emailEnabled,
            email: this.email,
            webhook_url: this.webhookUrl,
            // One URL per line; blank lines are dropped.
            apprise_urls: this.appriseText
              .split("\n")
              .map((line) => line.trim())
              .filter((line) => line !== ""),
          }),
        );
        window.notify(gettext("Reminder settings saved."));
      } catch (error) {
        this.errors = error.fieldErrors ? error.fieldErrors() : {};
        // A list item's error names its index ("thresholds", 0): show it on the list.
        for (const [field, message] of Object.entries(this.errors)) {
          if (/^\d+$/.test(field)) this.errors.thresholds = message;
        }
        window.notify(error.message, "error");
      } finally {
        this.busy = false;
      }
    },
    async sendTest() {
      this.busy = true;
      this.testing = true;
      try {
        const { results } = await window.api.post("reminders/test");
        for (const result of results) {
          const words = { channel: channelName(result.channel), error: result.error };
          if (result.ok) window.notify(interpolate(gettext("Test reminder sent by %(channel)s."), words, true));
          else window.notify(interpolate(gettext("Test reminder by %(channel)s failed: %(error)s"), words, true), "error");
        }
      } catch (error) {
        window.notify(error.message, "error");
      } finally {
        this.busy = false;
        this.testing = false;
      }
    },
    async regenerateFeed() {
      await this.changeFeed(() => window.api.post("reminders/feed"), gettext("A new calendar feed address is ready; the old one no longer works."));
    },
    async revokeFeed() {
      await this.changeFeed(() => window.api.delete("reminders/feed"), gettext("The calendar feed is off."));
    },
    async changeFeed(call, message) {
      this.busy = true;
      try {
        this.feedUrl = (await call()).feed_url;
        window.notify(message);
      } catch (error) {
        window.notify(error.message, "error");
      } finally {
        this.busy = false;
      }
    },
    selectAll() {
      this.$event.target.select();
    },
    async copyFeed() {
      try {
        await window.navigator.clipboard.writeText(this.feedUrl);
        window.notify(gettext("Calendar feed address copied."));
      } catch (error) {
        // Clipboard access needs a secure origin; leave the address selected to copy by hand.
        document.getElementById("feed-url").select();
        window.notify(gettext("Press Ctrl+C to copy the selected address."), "info");
      }
    },
  }));
});
