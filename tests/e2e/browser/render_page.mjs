// Open a page in headless Debian chromium (playwright-core, no downloaded
// browser), wait until TimelineJS says "loaded", and print what it rendered
// as one JSON object on stdout.
//
//   node render_page.mjs URL SCREENSHOT.png [SLIDE_ID]
//
// With SLIDE_ID the screenshot shows that slide (TimelineJS goToId) instead
// of the first one.
//
// Requests that leave the loopback server are aborted and reported, so a
// page that silently depends on a CDN fails the test instead of hanging.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const [url, screenshot, slideId] = process.argv.slice(2);
if (!url || !screenshot) {
  console.error("usage: node render_page.mjs URL SCREENSHOT.png [SLIDE_ID]");
  process.exit(2);
}
const origin = new URL(url).origin;
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
// Guard against a page that never loads; not a measurement.
const LOAD_GUARD_MS = 30000;

const userDataDir = mkdtempSync(join(tmpdir(), "tl-chromium-"));
const result = { pageErrors: [], consoleErrors: [], externalRequests: [], failedRequests: [] };
let context;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    viewport: { width: 1200, height: 700 },
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
  const page = context.pages()[0] || (await context.newPage());
  page.on("pageerror", (error) => result.pageErrors.push(String(error)));
  page.on("console", (message) => {
    if (message.type() === "error") result.consoleErrors.push(message.text());
  });
  page.on("requestfailed", (request) => {
    if (request.url().startsWith(origin)) result.failedRequests.push(request.url());
  });
  await page.route("**/*", (route) => {
    const requested = route.request().url();
    if (requested.startsWith(origin) || requested.startsWith("data:")) return route.continue();
    result.externalRequests.push(requested);
    return route.abort();
  });
  await page.goto(url);
  await page.waitForFunction(() => window.__tl && window.__tl.state !== "loading", null,
    { timeout: LOAD_GUARD_MS });
  result.state = await page.evaluate(() => window.__tl);
  result.slides = await page.$$eval(".tl-storyslider .tl-slide", (slides) => slides.map((slide) => {
    const headline = slide.querySelector(".tl-headline");
    const date = slide.querySelector(".tl-headline-date");
    const body = slide.querySelector(".tl-text-content");
    return {
      id: slide.id,
      headline: headline ? headline.textContent.trim() : null,
      headlineElements: headline ? headline.querySelectorAll("*").length : 0,
      date: date ? date.textContent.trim() : null,
      text: body ? body.textContent.trim() : null,
      links: body ? [...body.querySelectorAll("a")].map((a) => a.getAttribute("href")) : [],
    };
  }));
  result.markers = await page.$$eval(".tl-timemarker", (markers) => markers.map((marker) => ({
    id: marker.id,
    headline: (marker.querySelector(".tl-headline") || {}).textContent || null,
  })));
  result.groups = await page.$$eval(".tl-timegroup-message", (els) => els.map((el) => el.textContent.trim()));
  if (slideId) await page.evaluate((id) => window.__timeline.goToId(id), slideId);
  // let the slide animation (TimelineJS default: 1 s) finish; only the picture depends on it
  await page.waitForTimeout(1200);
  await page.screenshot({ path: screenshot });
} catch (error) {
  result.fatal = String(error && error.stack ? error.stack : error);
} finally {
  if (context) await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
process.stdout.write(JSON.stringify(result) + "\n");
process.exit(result.fatal ? 1 : 0);
