// Open the service's /docs page in headless Debian chromium (playwright-core) with every
// request that leaves the server aborted, wait until Swagger UI has drawn the operations,
// and print what a person would see as one JSON object on stdout.
//
//   node render_docs.mjs URL SCREENSHOT.png
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const [url, screenshot] = process.argv.slice(2);
const origin = new URL(url).origin;
// Guard against a page that never draws; not a measurement.
const LOAD_GUARD_MS = 30000;
const userDataDir = mkdtempSync(join(tmpdir(), "tl-docs-"));
const result = { pageErrors: [], consoleErrors: [], externalRequests: [] };
let context;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    viewport: { width: 1200, height: 900 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const page = context.pages()[0] || (await context.newPage());
  page.on("pageerror", (error) => result.pageErrors.push(String(error)));
  page.on("console", (message) => {
    if (message.type() === "error") result.consoleErrors.push(message.text());
  });
  await page.route("**/*", (route) => {
    const requested = route.request().url();
    if (requested.startsWith(origin) || requested.startsWith("data:")) return route.continue();
    result.externalRequests.push(requested);
    return route.abort();
  });
  await page.goto(url);
  await page.waitForSelector(".opblock", { timeout: LOAD_GUARD_MS });
  result.title = await page.$eval(".info .title", (el) => el.textContent.trim());
  result.operations = await page.$$eval(".opblock-summary", (ops) => ops.map((op) => ({
    method: (op.querySelector(".opblock-summary-method") || {}).textContent || null,
    path: (op.querySelector(".opblock-summary-path") || {}).textContent || null,
  })));
  result.authorizeButton = (await page.$(".btn.authorize")) !== null;
  await page.screenshot({ path: screenshot });
} catch (error) {
  result.fatal = String(error && error.stack ? error.stack : error);
} finally {
  if (context) await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
process.stdout.write(JSON.stringify(result) + "\n");
process.exit(result.fatal ? 1 : 0);
