// Opens a keytrail report in headless Chromium (playwright-core, Debian's /usr/bin/chromium) and
// checks what a person would see: no console errors, no request but file: and data:, every
// chart drawn, drag-to-zoom narrowing the activity chart's time range; then saves a screenshot
// and prints the PDF. Usage: node report.mjs <report.html> <screenshot.png> <report.pdf>
// Prints one "ok: ..." line per check and exits 1 on the first failure.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const playwrightPath = process.env.KEYTRAIL_PLAYWRIGHT || "playwright-core";
const { chromium } = require(playwrightPath);

const [reportPath, screenshotPath, pdfPath] = process.argv.slice(2);
const executablePath = process.env.KEYTRAIL_CHROMIUM || "/usr/bin/chromium";

function fail(message) {
  console.log(`FAIL: ${message}`);
  process.exit(1);
}

const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  const requests = [];
  page.on("console", (msg) => { if (msg.type() === "error") errors.push(msg.text()); });
  page.on("pageerror", (err) => errors.push(String(err)));
  page.on("request", (req) => requests.push(req.url()));
  await page.goto(pathToFileURL(reportPath).href, { waitUntil: "load" });
  await page.waitForTimeout(300);

  if (errors.length) fail(`console errors: ${errors.join(" | ")}`);
  console.log("ok: no console errors");
  const images = await page.$$eval("img, iframe, object, embed", (nodes) => nodes.length);
  if (images) fail(`${images} img/iframe/object/embed elements: event text became markup`);
  console.log("ok: no img, iframe, object or embed element");
  const foreign = requests.filter((u) => !u.startsWith("file:") && !u.startsWith("data:"));
  if (foreign.length) fail(`requests outside file:/data:: ${foreign.join(", ")}`);
  console.log(`ok: ${requests.length} requests, all file: or data:`);

  const svgs = await page.$$eval("svg.chart", (nodes) => nodes.map((n) => {
    const box = n.getBoundingClientRect();
    const shapes = n.querySelectorAll("rect, polyline, path, line").length;
    return { cls: n.getAttribute("class"), w: box.width, h: box.height, shapes };
  }));
  if (svgs.length === 0) fail("no SVG chart");
  for (const s of svgs) {
    // The static activity and baseline charts are hidden once uPlot draws; they still have
    // their shapes (and are shown in print).
    if (s.shapes === 0) fail(`blank SVG chart ${s.cls}`);
    const replaced = s.cls.includes("activity") || s.cls.includes("baseline");
    if (!replaced && (s.w === 0 || s.h === 0)) fail(`SVG chart ${s.cls} has no size`);
  }
  console.log(`ok: ${svgs.length} SVG charts drawn`);

  const canvas = await page.evaluate(() => {
    const c = document.querySelector("#activity-chart canvas");
    if (!c) return null;
    const data = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) painted++;
    return { w: c.width, h: c.height, painted };
  });
  if (!canvas) fail("the activity chart (uPlot canvas) is missing");
  if (canvas.painted === 0) fail("the activity chart canvas is blank");
  console.log(`ok: activity canvas ${canvas.w}x${canvas.h}, ${canvas.painted} painted pixels`);

  const bands = await page.evaluate(() => {
    // Every zooming chart but the activity one is a baseline's band.
    const figures = Array.from(document.querySelectorAll("figure.chart.zoom"))
      .filter((f) => f.id !== "activity-chart");
    return figures.map((f) => {
      const c = f.querySelector(".interactive canvas");
      if (!c) return { id: f.id, painted: -1 };
      const data = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
      let painted = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) painted++;
      return { id: f.id, painted };
    });
  });
  for (const b of bands) {
    if (b.painted < 0) fail(`baseline chart ${b.id} has no canvas`);
    if (b.painted === 0) fail(`baseline chart ${b.id} is blank`);
  }
  console.log(`ok: ${bands.length} baseline charts drawn`);

  const before = await page.evaluate(() => {
    const u = window.keytrail.charts["activity-chart"];
    return [u.scales.x.min, u.scales.x.max];
  });
  const over = await page.$("#activity-chart .u-over");
  if (!over) fail("no uPlot plot area");
  await over.scrollIntoViewIfNeeded();
  const box = await over.boundingBox();
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width * 0.3, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.45, y, { steps: 5 });
  await page.mouse.move(box.x + box.width * 0.6, y, { steps: 5 });
  await page.mouse.up();
  await page.waitForTimeout(200);
  const after = await page.evaluate(() => {
    const u = window.keytrail.charts["activity-chart"];
    return [u.scales.x.min, u.scales.x.max];
  });
  const narrower = after[1] - after[0] < (before[1] - before[0]) * 0.6
    && after[0] >= before[0] && after[1] <= before[1];
  if (!narrower) fail(`drag did not narrow the time range: ${before} -> ${after}`);
  console.log(`ok: drag narrowed the activity range from ${before[1] - before[0]} s to ${after[1] - after[0]} s`);
  await page.dblclick("#activity-chart .u-over");

  // The screenshot shows the summary and the activity chart (README's docs/report.png).
  await page.evaluate(() => {
    const summary = document.getElementById("s1-summary");
    if (summary) summary.scrollIntoView(); else window.scrollTo(0, 0);
  });
  await page.waitForTimeout(100);
  await page.screenshot({ path: screenshotPath });
  console.log(`ok: screenshot ${screenshotPath}`);

  await page.emulateMedia({ media: "print" });
  await page.pdf({ path: pdfPath, format: "A4", printBackground: true });
  const pdf = readFileSync(pdfPath).toString("latin1");
  if (!pdf.startsWith("%PDF-")) fail("the PDF does not start with %PDF-");
  const pages = (pdf.match(/\/Type\s*\/Page(?![a-zA-Z])/g) || []).length;
  if (pages < 1) fail("the PDF has no page");
  console.log(`ok: PDF ${pdfPath} with ${pages} pages`);
  if (errors.length) fail(`console errors: ${errors.join(" | ")}`);
} finally {
  await browser.close();
}
