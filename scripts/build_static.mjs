// Copy the front-end libraries from node_modules/ into static/vendor/, where Django's static
// files find them. The pages load only these copies: nothing comes from a CDN at run time.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const vendor = join(root, "static", "vendor");

// [source under node_modules/, destination under static/vendor/]
const files = [
  ["@alpinejs/csp/dist/cdn.min.js", "alpine/alpine-csp.min.js"],
  ["@alpinejs/focus/dist/cdn.min.js", "alpine/alpine-focus.min.js"],
  ["chart.js/dist/chart.umd.min.js", "chart.js/chart.umd.min.js"],
  ["bootstrap/dist/css/bootstrap.min.css", "bootstrap/bootstrap.min.css"],
  ["bootstrap-icons/font/bootstrap-icons.min.css", "bootstrap-icons/bootstrap-icons.min.css"],
  ["bootstrap-icons/font/fonts", "bootstrap-icons/fonts"],
  ["tom-select/dist/js/tom-select.complete.min.js", "tom-select/tom-select.complete.min.js"],
  ["tom-select/dist/css/tom-select.bootstrap5.min.css", "tom-select/tom-select.bootstrap5.min.css"],
];

rmSync(vendor, { recursive: true, force: true });
for (const [source, destination] of files) {
  const target = join(vendor, destination);
  mkdirSync(dirname(target), { recursive: true });
  cpSync(join(root, "node_modules", source), target, { recursive: true });
}
writeFileSync(join(vendor, ".built"), "");
console.log(`Copied ${files.length} front-end assets into static/vendor/`);
