// The warranties section of the purchase form: each warranty's fields, its badge, and saving the
// ones that changed. purchase_form.js mixes `methods` into its component; the other members are
// what the form itself needs (turning the API's warranties into the form's, and plain text).
window.purchaseFormParts = window.purchaseFormParts || {};
window.purchaseFormParts.warranties = (() => {
  const WARRANTY_FIELDS = new Set(["warranty_start", "warranty_end", "warranty_type", "provider", "notes"]);
  // The badges of the pages and their rule come from the server (warranties/badges.py); only a
  // warranty not saved yet has a badge of the form's own.
  const newBadge = () => [pgettext("warranty", "New"), "text-bg-info"];
  const DAY_MS = 24 * 60 * 60 * 1000;
  let badgeTable = { badges: {}, words: {}, expiring_days: 0 };
  let typeValues = new Set();
  // Dates show in the household's format (purchase_form_dates.js).
  const { display, iso } = window.purchaseFormParts.dates;
  let householdToday = "";
  let nextKey = 1;

  // A text field's value for the API: trimmed, and null when empty.
  function text(value) {
    const trimmed = String(value ?? "").trim();
    return trimmed === "" ? null : trimmed;
  }

  // [label, classes] of a warranty's badge, in the words of warranties/badges.py; a warranty
  // un-voided in the form shows as active until it is saved and the server says otherwise.
  function badgeOf(warranty) {
    const { badges, words } = badgeTable;
    if (warranty.voided) return badges.VOIDED;
    if (warranty.status === "NEW") return newBadge();
    let state = warranty.status === "VOIDED" ? "ACTIVE" : warranty.status;
    const end = iso(warranty.warranty_end) || "";
    let daysLeft = null;
    if (state === "ACTIVE" && end && householdToday) {
      daysLeft = Math.round((Date.parse(end) - Date.parse(householdToday)) / DAY_MS);
      if (daysLeft <= badgeTable.expiring_days) state = "EXPIRING";
    }
    let label = words[state];
    if (state === "EXPIRING" && daysLeft === 0) label = words.EXPIRING_TODAY;
    if (state === "EXPIRING" && daysLeft === 1) label = words.EXPIRING_TOMORROW;
    return [label.replace("{date}", display(end)).replace("{days}", String(daysLeft)), badges[state][1]];
  }

  function warrantyFrom(item) {
    const warranty = {
      key: nextKey++,
      id: item ? item.id : null,
      status: item ? item.status : "NEW",
      warranty_start: item ? display(item.warranty_start) : "",
      mode: item ? "end" : "months",
      warranty_end: item ? display(item.warranty_end) : "",
      duration_months: item ? "" : "12",
      warranty_type: (item && item.warranty_type) || "",
      provider: (item && item.provider) || "",
      notes: (item && item.notes) || "",
      voided: Boolean(item && item.status === "VOIDED"),
      removed: false,
      errors: {},
    };
    warranty.original = item ? JSON.stringify(warrantyBody(warranty)) : null;
    return warranty;
  }

  function warrantyBody(warranty) {
    const body = {
      warranty_start: iso(warranty.warranty_start) || null,
      warranty_type: text(warranty.warranty_type),
      provider: text(warranty.provider),
      notes: text(warranty.notes),
      status: warranty.voided ? "VOIDED" : "ACTIVE",
    };
    if (warranty.mode === "months") {
      body.duration_months = warranty.duration_months === "" ? null : Number(warranty.duration_months);
    } else {
      body.warranty_end = iso(warranty.warranty_end) || null;
    }
    return body;
  }

  return {
    text,
    warrantyFrom,
    // The badges and the rule's window come with the form's data (warranties/badges.py).
    setup(data) {
      badgeTable = data.warranty_badges;
      householdToday = data.today;
      typeValues = new Set(data.warranty_types || []);
    },
    methods: {
      warrantyLabel(index) {
        return interpolate(gettext("Warranty %(number)s"), { number: index + 1 }, true);
      },
      removeWarrantyLabel(index) {
        return interpolate(gettext("Remove warranty %(number)s"), { number: index + 1 }, true);
      },
      warrantyFieldId(name, index) {
        return `pf-warranty-${index}-${name}`;
      },
      warrantyFieldClass(warranty, name) {
        return warranty.errors[name] ? "is-invalid" : "";
      },
      warrantyErrorOf(warranty, name) {
        return warranty.errors[name] || "";
      },
      warrantyHasError(warranty, name) {
        return Boolean(warranty.errors[name]);
      },
      // A type stored before the select (free text), shown as an option of its own.
      unlistedType(warranty) {
        return Boolean(warranty.warranty_type) && !typeValues.has(warranty.warranty_type);
      },
      // Dates that do not read as dates, marked before anything is sent; true when all read.
      checkWarrantyDates() {
        let ok = true;
        for (const warranty of this.warranties) {
          warranty.errors = {};
          if (warranty.removed) continue;
          for (const name of ["warranty_start", "warranty_end"]) {
            if (name === "warranty_end" && warranty.mode !== "end") continue;
            if (iso(warranty[name]) === null) {
              warranty.errors[name] = window.purchaseFormParts.dates.dateError();
              ok = false;
            }
          }
        }
        return ok;
      },
      warrantyBadge(warranty) {
        return badgeOf(warranty)[0];
      },
      warrantyBadgeClass(warranty) {
        return badgeOf(warranty)[1];
      },
      voidLabel(warranty) {
        return warranty.voided ? gettext("Un-void") : gettext("Void");
      },
      toggleVoid(warranty) {
        warranty.voided = !warranty.voided;
      },
      addWarranty() {
        const warranty = warrantyFrom(null);
        warranty.warranty_start = this.purchase.purchase_date || display(this.today);
        this.warranties.push(warranty);
      },
      removeWarranty(warranty) {
        if (warranty.id) warranty.removed = true;
        else this.warranties = this.warranties.filter((item) => item !== warranty);
      },
      // Create, change or delete the warranties that need it; return true when all went through.
      async saveWarranties() {
        let ok = true;
        for (const warranty of this.warranties) {
          warranty.errors = {};
          const body = warrantyBody(warranty);
          if (!body.warranty_start) body.warranty_start = iso(this.purchase.purchase_date) || null;
          try {
            if (warranty.removed) {
              if (warranty.id) await window.api.delete(`warranties/${warranty.id}`);
              warranty.gone = true;
            } else if (!warranty.id) {
              const created = await window.api.post("warranties", { purchase_id: this.purchaseId, ...body });
              Object.assign(warranty, warrantyFrom(created), { key: warranty.key });
            } else if (JSON.stringify(body) !== warranty.original) {
              const changed = await window.api.put(`warranties/${warranty.id}`, body);
              Object.assign(warranty, warrantyFrom(changed), { key: warranty.key });
            }
          } catch (error) {
            ok = false;
            const others = this.showErrors(error, warranty, WARRANTY_FIELDS);
            // The "end or duration" rule and "ends before it starts" concern the end field.
            if (others === false) this.generalError = error.message;
            else if (others.length) warranty.errors.warranty_end = others.join(" ");
          }
        }
        this.warranties = this.warranties.filter((warranty) => !warranty.gone);
        return ok;
      },

    },
  };
})();
