// Load the directory page in Debian's headless Chromium (playwright-core, never a browser
// of its own), and report what a person would meet, as JSON on stdout: how many rows show,
// what the search keeps (typed, and through the form without JavaScript), what axe-core
// finds, any request to another address, any error in the console; screenshots at desktop
// and mobile widths in the folder given. The Python test (tests/test_browser.py) judges.
//
//   node check.mjs '{"targets": [{"name": "app", "url": "http://…/annuaire", "server": true}],
//                    "query": "domifa", "artifacts": "…/artifacts/browser"}'
import { readFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const AXE = require.resolve("axe-core/axe.min.js");
const FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];
const WIDTHS = { desktop: { width: 1280, height: 900 }, mobile: { width: 375, height: 812 } };
const config = JSON.parse(process.argv[2]);
mkdirSync(config.artifacts, { recursive: true });

function visibleRows(page) {
  return page.$$eval("section:not([hidden]) tr[data-search]:not([hidden]) th[scope=row]",
    (cells) => cells.map((cell) => cell.textContent.trim()));
}

async function watched(context, origin, report) {
  const page = await context.newPage();
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(origin) && !url.startsWith("data:")) report.outside.push(url);
  });
  page.on("response", (response) => {
    if (response.status() >= 400) report.failed.push(`${response.status()} ${response.url()}`);
  });
  page.on("console", (message) => {
    if (message.type() === "error") report.console.push(message.text());
  });
  page.on("pageerror", (error) => report.console.push(String(error)));
  return page;
}

async function axe(page) {
  await page.addScriptTag({ content: readFileSync(AXE, "utf8") });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5),
  }));
}

async function check(browser, target) {
  const origin = new URL(target.url).origin;
  const report = { name: target.name, outside: [], failed: [], console: [], widths: {} };
  for (const [width, viewport] of Object.entries(WIDTHS)) {
    const context = await browser.newContext({ viewport, locale: "fr-FR" });
    const page = await watched(context, origin, report);
    await page.goto(target.url, { waitUntil: "load" });
    const seen = { all: (await visibleRows(page)).length };
    seen.fonts = await page.evaluate(async () => {
      await document.fonts.ready;
      return document.fonts.check("16px Marianne");
    });
    seen.weight = await page.evaluate(() => {
      const entries = [...performance.getEntriesByType("navigation"),
        ...performance.getEntriesByType("resource")];
      const files = entries.map((e) => ({ name: e.name.split("/").pop() || "page",
        transferred: e.transferSize, decoded: e.decodedBodySize }));
      const sum = (key) => files.reduce((total, f) => total + f[key], 0);
      return { files, transferred: sum("transferred"), decoded: sum("decoded") };
    });
    await page.screenshot({ path: `${config.artifacts}/${target.name}-${width}.png` });
    seen.axe = await axe(page);
    await page.fill("#q", config.query);
    seen.typed = await visibleRows(page);
    seen.status = (await page.textContent("#resultat")).trim();
    await page.screenshot({ path: `${config.artifacts}/${target.name}-${width}-recherche.png`, fullPage: true });
    seen.axeFiltered = await axe(page);
    await page.fill("#q", "");
    seen.cleared = (await visibleRows(page)).length;
    report.widths[width] = seen;
    await context.close();
  }
  const plain = await browser.newContext({ javaScriptEnabled: false, viewport: WIDTHS.desktop });
  const page = await watched(plain, origin, report);
  await page.goto(target.url, { waitUntil: "load" });
  report.noScript = { all: (await visibleRows(page)).length };
  if (target.server) {
    await page.fill("#q", config.query);
    await Promise.all([page.waitForNavigation(), page.press("#q", "Enter")]);
    report.noScript.url = page.url();
    report.noScript.submitted = await visibleRows(page);
    report.noScript.status = (await page.textContent("#resultat")).trim();
    await page.screenshot({ path: `${config.artifacts}/${target.name}-sans-javascript.png` });
  }
  await plain.close();
  return report;
}

const browser = await chromium.launch({ executablePath: config.chromium, args: FLAGS, timeout: 60000 });
try {
  const reports = [];
  for (const target of config.targets) reports.push(await check(browser, target));
  process.stdout.write(JSON.stringify(reports));
} finally {
  await browser.close();
}
