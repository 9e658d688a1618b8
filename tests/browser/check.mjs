// Browser checks for briefgen's rendered HTML, run by tests/test_render_browser.py.
//
// Usage: node tests/browser/check.mjs JOBS.json  → prints a JSON list of results.
// Each job is {"kind": "axe", "url": ...} (axe-core violations of impact serious or
// critical) or {"kind": "styles", "url": ..., "selector": ..., "properties": [...]}
// (computed styles of every matching element). One headless Chromium serves all jobs.
// CHROMIUM overrides the browser binary (default: /usr/bin/chromium).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const jobs = JSON.parse(readFileSync(process.argv[2], "utf8"));

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
const results = [];
try {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, bypassCSP: true });
  // The briefing must need nothing from the network: fail any non-file request.
  const external = [];
  await context.route(/^(?!file:|data:|about:)/, (route) => {
    external.push(route.request().url());
    return route.abort();
  });
  for (const job of jobs) {
    const page = await context.newPage();
    await page.goto(job.url, { waitUntil: "load" });
    if (job.kind === "axe") {
      await page.addScriptTag({ content: axeSource });
      const found = await page.evaluate(async () => {
        // eslint-disable-next-line no-undef
        const r = await axe.run(document, { resultTypes: ["violations"] });
        return r.violations.map((v) => ({
          id: v.id, impact: v.impact, help: v.help,
          nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
        }));
      });
      results.push({ url: job.url, kind: "axe", violations: found });
    } else if (job.kind === "styles") {
      const styles = await page.evaluate(({ selector, properties }) => {
        return Array.from(document.querySelectorAll(selector)).map((el, i) => {
          const cs = getComputedStyle(el);
          const values = {};
          for (const p of properties) values[p] = cs.getPropertyValue(p);
          return { key: el.getAttribute("data-key") || `${el.tagName.toLowerCase()}[${i}]`, values };
        });
      }, { selector: job.selector, properties: job.properties });
      results.push({ url: job.url, kind: "styles", styles });
    }
    await page.close();
  }
  results.push({ kind: "requests", external });
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(results));
