// Open widget pages (TimelineJS3, vis-timeline) in headless Debian chromium (playwright-core,
// no downloaded browser), wait until each has drawn, and print what a person would see there
// as one JSON object on stdout: {cases: {NAME: result}}.
//
//   node render_widgets.mjs CASES.json
//
// CASES.json is a list of {name, url, widget: "timelinejs" | "vis", screenshot, timezone?,
// slide?}: each case gets a browser context of its own (its time zone), and a screenshot,
// of the given TimelineJS slide when `slide` is set.
//
// Requests that leave the loopback server are aborted and reported, so a page that
// silently depends on a CDN fails the test instead of hanging.
import { readFileSync } from "node:fs";
import { chromium } from "playwright-core";

const cases = JSON.parse(readFileSync(process.argv[2], "utf-8"));
// Guard against a page that never draws; not a measurement.
const LOAD_GUARD_MS = 30000;

async function timelinejsView(page) {
  return {
    slides: await page.$$eval(".tl-storyslider .tl-slide", (slides) => slides.map((slide) => {
      const headline = slide.querySelector(".tl-headline");
      const date = slide.querySelector(".tl-headline-date");
      const body = slide.querySelector(".tl-text-content");
      const media = slide.querySelector(".tl-media-item");
      const mediaLink = slide.querySelector("a.tl-media-link");
      return {
        id: slide.id,
        headline: headline ? headline.textContent.trim() : null,
        headlineElements: headline ? headline.querySelectorAll("*").length : 0,
        date: date ? date.textContent.trim() : null,
        text: body ? body.textContent.trim() : null,
        links: body ? [...body.querySelectorAll("a")].map((a) => a.getAttribute("href")) : [],
        media: media ? {
          kind: [...media.classList].filter((c) => c !== "tl-media-item"),
          text: media.textContent.trim(),
          link: mediaLink ? mediaLink.getAttribute("href") : null,
          caption: (slide.querySelector(".tl-caption") || {}).textContent || null,
          credit: (slide.querySelector(".tl-credit") || {}).textContent || null,
          elements: [...media.querySelectorAll("*")].map((el) => el.tagName.toLowerCase()),
        } : null,
      };
    })),
    markers: await page.$$eval(".tl-timemarker", (markers) => markers.map((marker) => ({ id: marker.id }))),
    groups: await page.$$eval(".tl-timegroup-message", (els) => els.map((el) => el.textContent.trim())),
    // TimelineJS shows its errors in a message box instead of the timeline
    message: await page.$$eval(".tl-message-full", (els) => els.map((el) => el.textContent.trim()).join(" ")),
  };
}

async function visView(page) {
  return page.evaluate(() => {
    const timeline = window.__timeline;
    const pad = (n) => String(n).padStart(2, "0");
    const panel = document.querySelector(".vis-panel.vis-center").getBoundingClientRect();
    const items = [...document.querySelectorAll(".vis-item.vis-point, .vis-item.vis-range, .vis-item.vis-box")].map((el) => {
      const point = el.classList.contains("vis-point");
      const anchor = point ? el.querySelector(".vis-dot") : el;
      const box = anchor.getBoundingClientRect();
      // which item and which lane are under the item's middle, read back through vis itself
      const at = { x: box.left + box.width / 2, y: box.top + box.height / 2 };
      const props = timeline.getEventProperties({ center: at, target: el });
      // the instant vis made of the item's start, in the page's time zone (the pixel under a
      // year-long range's edge is a day wide, too coarse to read a day from)
      const time = timeline.itemSet.items[props.item].data.start;
      const content = el.querySelector(".vis-item-content");
      return {
        id: props.item,
        group: props.group,
        // its start (a point's dot, a range's left edge) is inside the drawn window
        onScreen: box.width > 0 && box.left >= panel.left - 1 && box.left <= panel.right,
        type: point ? "point" : (el.classList.contains("vis-range") ? "range" : "box"),
        text: content.textContent,
        elements: content.querySelectorAll("*").length,
        day: `${time.getFullYear()}-${pad(time.getMonth() + 1)}-${pad(time.getDate())}`,
        clock: `${pad(time.getHours())}:${pad(time.getMinutes())}`,
      };
    });
    // without groups vis keeps one lane of its own, with an empty label
    const labels = [...document.querySelectorAll(".vis-labelset .vis-label")].filter(
      (label) => label.textContent.trim() !== "").map((label) => ({
      text: label.textContent.trim(),
      elements: label.querySelectorAll(".vis-inner *").length,
    }));
    return { items, labels };
  });
}

const output = { cases: {} };
let browser;
try {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  for (const spec of cases) {
    const origin = new URL(spec.url).origin;
    const result = { pageErrors: [], consoleErrors: [], externalRequests: [], failedRequests: [] };
    const context = await browser.newContext({ viewport: { width: 1200, height: 700 }, timezoneId: spec.timezone });
    try {
      const page = await context.newPage();
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
      await page.goto(spec.url);
      await page.waitForFunction(() => window.__tl && window.__tl.state !== "loading", null,
        { timeout: LOAD_GUARD_MS });
      result.state = await page.evaluate(() => window.__tl);
      result.timezone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
      result.injected = await page.evaluate(() => window.__injected || null);
      // TimelineJS loads a slide's media when the slide comes near: go there first, and let
      // the slide animation (1 s) finish
      if (spec.slide) await page.evaluate((id) => window.__timeline.goToId(id), spec.slide);
      await page.waitForTimeout(spec.widget === "vis" ? 300 : 1200);
      Object.assign(result, spec.widget === "vis" ? await visView(page) : await timelinejsView(page));
      await page.screenshot({ path: spec.screenshot, fullPage: true });
    } catch (error) {
      result.fatal = String(error && error.stack ? error.stack : error);
    } finally {
      await context.close();
    }
    output.cases[spec.name] = result;
  }
} catch (error) {
  output.fatal = String(error && error.stack ? error.stack : error);
} finally {
  if (browser) await browser.close();
}
process.stdout.write(JSON.stringify(output) + "\n");
process.exit(output.fatal ? 1 : 0);
