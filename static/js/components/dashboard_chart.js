// One chart of the dashboard (its kind in data-chart), drawn with Chart.js from the analytics API.
// The page paints first with its cards and lists; the charts' figures follow from the API, so the
// first byte never waits for them (#dashboard-charts holds only the currency and the periods).
// They ask without ?currency=: every purchase, amounts in the household's base currency, which
// #dashboard-charts names for writing them (docs/api.md §9.8).
document.addEventListener("alpine:init", () => {
  const COLORS = {
    blue: "#0d6efd", green: "#198754", orange: "#fd7e14", teal: "#20c997",
    purple: "#6f42c1", yellow: "#ffc107", pink: "#d63384", cyan: "#0dcaf0", indigo: "#6610f2",
    gray: "#adb5bd",
  };
  const SLICES = ["blue", "teal", "orange", "purple", "pink", "yellow", "cyan", "indigo"].map((name) => COLORS[name]);
  // Doughnuts show the largest entries and put the rest together, so the legend stays readable.
  const SLICES_SHOWN = 7;
  let settings = null;
  // One request per endpoint, whichever charts read it (retailers and brands share an answer).
  const answers = new Map();

  function pageSettings() {
    if (settings === null) {
      const element = document.getElementById("dashboard-charts");
      settings = element ? JSON.parse(element.textContent) : {};
    }
    return settings;
  }

  function fetchOnce(path, query) {
    const key = `${path}?${new URLSearchParams(query)}`;
    if (!answers.has(key)) {
      // A failed request is forgotten, so that a retry asks again.
      answers.set(key, window.api.get(path, query).catch((error) => {
        answers.delete(key);
        throw error;
      }));
    }
    return answers.get(key);
  }

  function themeColors() {
    const style = window.getComputedStyle(document.documentElement);
    return {
      text: style.getPropertyValue("--bs-secondary-color").trim() || "#6c757d",
      grid: style.getPropertyValue("--bs-border-color-translucent").trim() || "rgba(0,0,0,.1)",
      surface: style.getPropertyValue("--bs-body-bg").trim() || "#fff",
    };
  }

  function money(amount, options) {
    return window.spendsFormat.money(amount, pageSettings().currency, undefined, options);
  }

  // The API names months in English ("Mar 2025"); the axis names them in the page's language
  // from the period ("2025-03"), as the server writes the "short" dates.
  function monthLabel(bucket) {
    const names = window.spendsFormat.household.month_names;
    const [year, month] = String(bucket.period || "").split("-");
    return names && year && month ? `${names[Number(month) - 1]} ${year}` : bucket.month;
  }

  // WORDS, from ngettext (which the catalogue's extraction finds), hold %(count)s.
  function counted(words, count) {
    return interpolate(words, { count }, true);
  }

  // Chart.js plots numbers; the money strings are parsed for drawing only, and every label shows
  // the exact string the server sent.
  function spendingChart(months) {
    return {
      type: "bar",
      data: {
        labels: months.map(monthLabel),
        datasets: [
          {
            label: gettext("Spent"),
            data: months.map((bucket) => parseFloat(bucket.total_amount)),
            amounts: months.map((bucket) => bucket.total_amount),
            backgroundColor: COLORS.blue,
            borderRadius: 3,
            yAxisID: "y",
            order: 2,
          },
          {
            label: gettext("Items"),
            type: "line",
            data: months.map((bucket) => bucket.item_count),
            borderColor: COLORS.orange,
            backgroundColor: COLORS.orange,
            cubicInterpolationMode: "monotone",
            pointRadius: 3,
            yAxisID: "items",
            order: 1,
          },
        ],
      },
      options: {
        interaction: { mode: "index", intersect: false },
        scales: {
          y: { beginAtZero: true, ticks: { callback: (value) => money(Number(value).toFixed(0), { whole: true }) } },
          items: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false }, ticks: { precision: 0 } },
        },
        plugins: {
          // The line is drawn over the bars (its lower `order`); the legend keeps "Spent" first.
          legend: { labels: { sort: (a, b) => a.datasetIndex - b.datasetIndex } },
          tooltip: {
            callbacks: {
              label: (item) => (item.dataset.amounts
                ? interpolate(gettext("Spent: %(amount)s"), { amount: money(item.dataset.amounts[item.dataIndex]) }, true)
                : interpolate(gettext("Items: %(count)s"), { count: item.raw }, true)),
            },
          },
        },
      },
    };
  }

  function timelineChart(months) {
    return {
      type: "bar",
      data: {
        labels: months.map(monthLabel),
        datasets: [
          { label: pgettext("warranty", "Active"), data: months.map((b) => b.active - b.expiring_soon), backgroundColor: COLORS.green },
          { label: gettext("Expiring soon"), data: months.map((b) => b.expiring_soon), backgroundColor: COLORS.orange },
          { label: pgettext("warranty", "Expired"), data: months.map((b) => b.expired), backgroundColor: COLORS.gray },
        ],
      },
      options: {
        interaction: { mode: "index", intersect: false },
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
      },
    };
  }

  function shareChart(shares, surface) {
    const counted = shares.filter((share) => share.count > 0);
    const shown = counted.slice(0, SLICES_SHOWN);
    const rest = counted.slice(SLICES_SHOWN);
    const slices = shown.map((share) => ({ label: share.name, count: share.count, total: share.total_spent }));
    if (rest.length) {
      slices.push({
        label: interpolate(gettext("Other (%(count)s)"), { count: rest.length }, true),
        count: rest.reduce((sum, share) => sum + share.count, 0),
        total: null,
      });
    }
    const whole = counted.reduce((sum, share) => sum + share.count, 0);
    return {
      type: "doughnut",
      data: {
        labels: slices.map((slice) => slice.label),
        datasets: [{
          data: slices.map((slice) => slice.count),
          backgroundColor: slices.map((slice, index) => (slice.total === null ? COLORS.gray : SLICES[index % SLICES.length])),
          borderColor: surface,
        }],
      },
      options: {
        plugins: {
          legend: { position: window.innerWidth < 576 ? "bottom" : "right", labels: { boxWidth: 12 } },
          tooltip: {
            callbacks: {
              label: (item) => {
                const slice = slices[item.dataIndex];
                const share = `${Math.round((slice.count * 100) / whole)}%`;
                const total = slice.total === null ? "" : `, ${money(slice.total)}`;
                return ` ${counted(ngettext("%(count)s purchase", "%(count)s purchases", slice.count), slice.count)} (${share})${total}`;
              },
            },
          },
        },
      },
    };
  }

  function topProductsChart(products) {
    return {
      type: "bar",
      data: {
        labels: products.map((product) => product.product_name),
        datasets: [{ label: gettext("Bought"), data: products.map((product) => product.count), backgroundColor: COLORS.teal, borderRadius: 3 }],
      },
      options: {
        indexAxis: "y",
        scales: {
          x: { beginAtZero: true, ticks: { precision: 0 } },
          y: { ticks: { callback(value) { const name = this.getLabelForValue(value); return name.length > 22 ? `${name.slice(0, 21)}…` : name; } } },
        },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: (item) => {
                const product = products[item.dataIndex];
                const times = counted(ngettext("%(count)s time", "%(count)s times", product.count), product.count);
                const words = gettext("%(times)s, %(total)s in all, %(average)s on average");
                return ` ${interpolate(words, { times, total: money(product.total_spent), average: money(product.avg_price) }, true)}`;
              },
            },
          },
        },
      },
    };
  }

  // The retailers endpoint answers with both lists (docs/api.md §5.5): one request for both charts.
  const SHARES = {
    source: () => ["analytics/retailers", {}],
    build: shareChart,
    hasData: (rows) => rows.some((share) => share.count > 0),
  };

  // Where each kind's figures come from, what it draws, and whether there is anything to draw.
  const KINDS = {
    spending: {
      source: (page, months) => ["analytics/spending", { months }],
      rows: (data) => data.spending_over_time,
      build: spendingChart,
      hasData: (rows) => rows.some((b) => b.item_count > 0),
    },
    timeline: {
      source: (page) => ["analytics/warranties/timeline", { months: page.months }],
      rows: (data) => data.timeline,
      build: timelineChart,
      hasData: (rows) => rows.length > 0,
    },
    retailers: { ...SHARES, rows: (data) => data.retailers },
    brands: { ...SHARES, rows: (data) => data.brands },
    top_products: {
      source: (page) => ["analytics/top-products", { sort_by: "count", limit: page.top_products }],
      rows: (data) => data.top_products,
      build: topProductsChart,
      hasData: (rows) => rows.length > 0,
    },
  };

  window.Alpine.data("dashboardChart", () => {
    // Kept out of Alpine's reactive state: Chart.js must not be wrapped in a proxy.
    let chart = null;
    let rows = [];

    return {
      kind: "",
      empty: false,
      loading: true,
      failed: "",
      months: "",

      init() {
        this.kind = this.$el.dataset.chart;
        this.months = String(pageSettings().months || "");
        window.addEventListener("theme-changed", () => this.draw());
        this.load();
      },

      // Fetch the figures (for the first paint, another period, or again after a failure) and draw.
      async load() {
        const [path, query] = KINDS[this.kind].source(pageSettings(), this.months);
        this.loading = true;
        this.failed = "";
        try {
          rows = KINDS[this.kind].rows(await fetchOnce(path, query)) || [];
          this.loading = false;
          this.draw();
        } catch (error) {
          this.loading = false;
          this.failed = interpolate(gettext("This chart could not be loaded. %(error)s"), { error: error.message }, true);
        }
      },

      draw() {
        const kind = KINDS[this.kind];
        if (chart) chart.destroy();
        chart = null;
        if (this.loading || this.failed) return;
        this.empty = !kind.hasData(rows);
        if (this.empty) return;
        const colors = themeColors();
        const config = kind.build(rows, colors.surface);
        const Chart = window.Chart;
        Chart.defaults.color = colors.text;
        Chart.defaults.borderColor = colors.grid;
        Chart.defaults.font.family = window.getComputedStyle(document.body).fontFamily;
        const canvas = this.$refs.canvas;
        delete canvas.dataset.drawn;
        config.options = {
          ...config.options,
          responsive: true,
          maintainAspectRatio: false,
          // Marks the end of the first animation, for whoever waits for the finished picture.
          animation: { onComplete: () => { canvas.dataset.drawn = "true"; } },
        };
        chart = new Chart(canvas, config);
      },
    };
  });
});
