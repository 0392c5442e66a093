// The search page in a real browser: Debian's Chromium driven by
// playwright-core (no browser download), against `tlsearch serve` on an
// index of seeds/ plus hostile events written here.
//
// Run: TLSEARCH_BINARY=build/cli/tlsearch node --test browser.test.mjs
// (tests/browser/run.sh does this from ctest and skips when Chromium or
// node_modules are missing, except in CI).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const sourceDir = path.resolve(here, "..", "..");
const binary = process.env.TLSEARCH_BINARY || path.join(sourceDir, "build", "cli", "tlsearch");
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";
const TIMEOUT = 15000;

let tmp;
let server;
let baseUrl;
let context;
let page;
const dialogs = [];
const pageErrors = [];

// Events whose every field tries to run script. Each payload would set
// window.__xss (or open a dialog) if it ever ran.
function hostileEvent() {
  return `---
id: 2022-02-02--hostile-event
title: "Hostile <script>window.__xss='title-script'</script><img src=x onerror=\\"window.__xss='title-img';alert(1)\\"> zebrafish \\u202Edesrever"
date: '2022-02-02'
importance: 9
status: confirmed
capture_lanes:
  - "<img src=x onerror=window.__xss='lane'>Lane"
actors:
  - "<script>window.__xss='actor'</script>"
  - "<img src=x onerror=alert('actor')>Mallory"
  - "Eve \\u202Eeveryone\\u2067"
tags:
  - "<svg onload=window.__xss='tag'>"
sources:
  - title: "Click me <b>bold</b>"
    url: "javascript:window.__xss='source';alert('source')"
    outlet: "<img src=x onerror=window.__xss='outlet'>"
    tier: 1
  - title: Data URL
    url: "data:text/html,<script>alert(1)</script>"
    tier: 2
  - title: Safe report
    url: https://example.org/hostile-report
    tier: 1
---

Zebrafish \u202Ebody <script>window.__xss='body-script'</script> and
<img src=x onerror="window.__xss='body-img';alert('body')"> and a
[markdown link](javascript:window.__xss='md-link') and
[a page with brackets](https://example.org/wiki/Foo_(bar)) and
[[javascript:window.__xss='wikilink']] and [[2019-08-28--ring-police-portal-reaches-400-departments]].
`;
}

function waitForUrl(child) {
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error("tlsearch serve did not start: " + out)), TIMEOUT);
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const line = out.split("\n")[0];
      if (out.includes("\n")) { clearTimeout(timer); resolve(line.trim()); }
    });
    child.on("exit", (code) => { clearTimeout(timer); reject(new Error("tlsearch serve exited " + code)); });
  });
}

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tlsearch-browser-"));
  const hostile = path.join(tmp, "hostile");
  fs.mkdirSync(hostile);
  fs.writeFileSync(path.join(hostile, "hostile.md"), hostileEvent());
  // The seed events only (fuzzers may leave other files in seeds/).
  const seeds = fs.readdirSync(path.join(sourceDir, "seeds"))
    .filter((f) => /^\d{4}-.*\.md$/.test(f)).map((f) => path.join(sourceDir, "seeds", f));
  const db = path.join(tmp, "db");
  const indexed = spawnSync(binary, ["--db", db, "index", "-q", hostile, ...seeds], { encoding: "utf8" });
  assert.equal(indexed.status, 0, "indexing failed: " + (indexed.error || indexed.stderr));

  server = spawn(binary, ["--db", db, "serve", "--port", "0", "-q"], { stdio: ["ignore", "pipe", "inherit"] });
  baseUrl = await waitForUrl(server);

  context = await chromium.launchPersistentContext(path.join(tmp, "profile"), {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  context.setDefaultTimeout(TIMEOUT);
  page = context.pages()[0] || await context.newPage();
  page.on("dialog", async (dialog) => { dialogs.push(dialog.message()); await dialog.dismiss(); });
  page.on("pageerror", (error) => pageErrors.push(error.message));
});

after(async () => {
  if (context) await context.close();
  if (server) server.kill("SIGTERM");
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

async function api(pathAndQuery) {
  const res = await fetch(new URL(pathAndQuery, baseUrl));
  return res.json();
}

async function hitIds() {
  return page.$$eval("#hits li.hit", (items) => items.map((li) => li.dataset.id));
}

async function summaryTotal() {
  const text = await page.textContent("#summary strong");
  return parseInt(text.replace(/[^0-9]/g, ""), 10);
}

// Waits until the hits shown are the ones the API gives for `params`.
async function expectHitsFor(params) {
  const expected = await api("api/search?" + params);
  const ids = expected.hits.map((h) => h.id);
  await page.waitForFunction((want) => {
    const got = [...document.querySelectorAll("#hits li.hit")].map((li) => li.dataset.id);
    return JSON.stringify(got) === JSON.stringify(want);
  }, ids.slice(0, 20));
  return expected;
}

test("typing a query shows ranked hits with highlights", async () => {
  await page.goto(baseUrl);
  await page.waitForSelector("#hits li.hit");
  await page.fill("#q", "police footage");
  await page.waitForURL(/q=police\+footage/);
  const expected = await expectHitsFor("q=police+footage&sort=relevance&limit=20");
  assert.ok(expected.total > 1, "the seeds have several matches");
  assert.equal(await summaryTotal(), expected.total);
  const first = await page.textContent("#hits li.hit:first-child .hit-title");
  assert.equal(first.trim(), expected.hits[0].title);
  assert.ok(await page.$("#hits li.hit:first-child .snippet mark"), "snippet highlights");
  assert.ok(await page.$("#hits li.hit:first-child .hit-lanes .chip"), "lane chips");
});

test("clicking a lane narrows hits, keeps disjunctive counts and updates the URL", async () => {
  const before = await api("api/search?q=police+footage&sort=relevance&limit=20");
  const lane = before.facets.lanes.find((v) => v.count < before.total);
  assert.ok(lane, "a lane with fewer events than the query");
  const button = page.locator('#facets section[data-facet="lanes"] button.facet-value', { hasText: lane.value }).first();
  await button.click();
  await page.waitForURL((url) => new URL(url).searchParams.getAll("lane").includes(lane.value));
  const after = await expectHitsFor("q=police+footage&sort=relevance&limit=20&lane=" + encodeURIComponent(lane.value));
  assert.equal(after.total, lane.count);
  assert.equal(await summaryTotal(), lane.count);
  assert.equal(await button.getAttribute("aria-pressed"), "true");
  // Other lanes keep their counts (disjunctive), the other facets change.
  const other = before.facets.lanes.find((v) => v.key !== lane.key);
  const otherCount = await page.locator('#facets section[data-facet="lanes"] button.facet-value', { hasText: other.value })
    .first().locator(".count").textContent();
  assert.equal(parseInt(otherCount, 10), other.count);
  assert.match(await page.textContent("#chips"), new RegExp(lane.value));
  for (const chips of await page.$$eval("#hits li.hit .hit-lanes", (ls) => ls.map((l) => l.textContent)))
    assert.ok(chips.includes(lane.value), "every hit is in the lane");
});

test("reloading the URL gives the same view; back and forward work", async () => {
  const url = page.url();
  const ids = await hitIds();
  const total = await summaryTotal();
  await page.reload();
  await page.waitForSelector("#hits li.hit");
  await page.waitForFunction((want) => JSON.stringify([...document.querySelectorAll("#hits li.hit")]
    .map((li) => li.dataset.id)) === JSON.stringify(want), ids);
  assert.equal(page.url(), url);
  assert.equal(await page.inputValue("#q"), "police footage");
  assert.equal(await summaryTotal(), total);
  assert.equal(await page.locator("#chips button.removable").count(), 1);

  await page.goBack();
  await page.waitForURL((u) => new URL(u).searchParams.getAll("lane").length === 0);
  await expectHitsFor("q=police+footage&sort=relevance&limit=20");
  await page.goForward();
  await page.waitForURL(url);
  await page.waitForFunction((want) => JSON.stringify([...document.querySelectorAll("#hits li.hit")]
    .map((li) => li.dataset.id)) === JSON.stringify(want), ids);

  // Removing the chip removes the filter.
  await page.click("#chips button.removable");
  await page.waitForURL((u) => new URL(u).searchParams.getAll("lane").length === 0);
});

test("clicking a histogram bar filters by its dates", async () => {
  await page.goto(baseUrl + "?q=amazon");
  await page.waitForSelector("#histogram svg .bar-hit");
  const bars = page.locator("#histogram svg .bar-hit");
  const count = await bars.count();
  let clicked = -1;
  for (let i = count - 1; i >= 0; --i) {
    const label = await bars.nth(i).locator("title").textContent();
    if (!/: 0 events$/.test(label)) { clicked = i; break; }
  }
  assert.ok(clicked >= 0);
  await bars.nth(clicked).click();
  await page.waitForURL(/from=/);
  const params = new URL(page.url()).searchParams;
  assert.ok(params.get("to"), "a to date as well");
  await expectHitsFor("q=amazon&sort=relevance&limit=20&from=" + params.get("from") + "&to=" + params.get("to"));
  assert.match(await page.textContent("#chips"), /Date:/);
});

test("the filter box of a long facet finds values across the index", async () => {
  await page.goto(baseUrl);
  const box = page.locator('#facets input[data-facet-filter="actors"]');
  await box.fill("commiss");
  const found = page.locator('#facets section[data-facet="actors"] ul.found button.facet-value');
  await found.first().waitFor();
  const values = (await api("api/facets/actors?prefix=commiss&limit=15")).values;
  assert.ok(values.length > 0);
  assert.equal(await found.count(), values.length);
  assert.equal((await found.first().locator(".facet-label").textContent()).trim(), values[0].value);
  await found.first().click();
  await page.waitForURL((u) => new URL(u).searchParams.get("actor") === values[0].value);
  await expectHitsFor("actor=" + encodeURIComponent(values[0].value) + "&sort=-date&limit=20");
});

test("opening an event shows it whole, with its sources; Escape closes", async () => {
  await page.goto(baseUrl + "?q=ring+police+portal");
  await page.waitForSelector("#hits li.hit");
  const id = await page.getAttribute("#hits li.hit:first-child", "data-id");
  await page.click("#hits li.hit:first-child a.hit-title");
  await page.waitForURL((u) => new URL(u).searchParams.get("event") === id);
  await page.waitForSelector("#event h2#event-title");
  const event = (await api("api/events/" + encodeURIComponent(id))).events[0];
  assert.equal((await page.textContent("#event-title")).trim(), event.title);
  const hrefs = await page.$$eval("#event .sources a", (as) => as.map((a) => a.getAttribute("href")));
  assert.ok(hrefs.length > 0);
  for (const href of hrefs) assert.match(href, /^https?:\/\//);
  assert.match(await page.textContent("#event .sources"), /Tier \d/);
  // Parts the event lacks leave nothing behind (they once left "null").
  assert.deepEqual(await page.$eval("#event", (view) => Array.from(view.childNodes)
    .filter((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim()).map((n) => n.textContent)), []);
  // The view is in the URL: a reload reopens it.
  await page.reload();
  await page.waitForSelector("#event h2#event-title");
  assert.equal((await page.textContent("#event-title")).trim(), event.title);
  await page.keyboard.press("Escape");
  await page.waitForURL((u) => !new URL(u).searchParams.has("event"));
  assert.equal(await page.isVisible("#event-view"), false);
});

test("keyboard: / focuses search, arrows move through hits, Enter opens", async () => {
  await page.goto(baseUrl + "?q=amazon");
  await page.waitForSelector("#hits li.hit");
  await page.click("h1, .summary");
  await page.keyboard.press("/");
  assert.equal(await page.evaluate(() => document.activeElement.id), "q");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  const focused = await page.evaluate(() => document.activeElement.closest("li.hit")?.dataset.id);
  const ids = await hitIds();
  assert.equal(focused, ids[1]);
  await page.keyboard.press("Enter");
  await page.waitForURL((u) => new URL(u).searchParams.get("event") === ids[1]);
  await page.keyboard.press("Escape");
});

test("a misspelt query offers its correction", async () => {
  await page.goto(baseUrl + "?q=survelliance");
  await page.waitForSelector("#empty:not([hidden]), #hits li.hit");
  const suggestion = (await api("api/search?q=survelliance")).suggestion;
  assert.ok(suggestion, "the index suggests a spelling");
  await page.click("#empty a.suggestion");
  await page.waitForURL((u) => new URL(u).searchParams.get("q") === suggestion);
  await page.waitForSelector("#hits li.hit");
});

test("hostile event text never runs and links are never javascript:", async () => {
  await page.goto(baseUrl + "?q=zebrafish");
  await page.waitForSelector("#hits li.hit");
  await page.click("#hits li.hit:first-child a.hit-title");
  await page.waitForSelector("#event h2#event-title");
  await page.waitForSelector("#event .related button"); // related events loaded
  // With the hostile actor as a filter, it is rendered in chips and facets.
  await page.goto(baseUrl + "?q=zebrafish&event=2022-02-02--hostile-event&actor=%3Cscript%3Ewindow.__xss%3D'actor'%3C%2Fscript%3E");
  await page.waitForSelector("#event h2#event-title");
  await page.waitForSelector("#hits li.hit, #empty:not([hidden])");

  const check = async () => {
    assert.equal(await page.evaluate(() => window.__xss), undefined, "no payload ran");
    assert.deepEqual(dialogs, [], "no dialog opened");
    const bad = await page.$$eval("a[href]", (as) => as.map((a) => a.getAttribute("href"))
      .filter((h) => !/^(https?:\/\/|\?|\/|\.\/|#)/i.test(h.trim())));
    assert.deepEqual(bad, [], "every link is http(s) or the page's own");
    assert.equal(await page.$$eval("script", (s) => s.filter((x) => !x.src.endsWith("/app.js")).length), 0);
    assert.equal(await page.$$eval("img", (imgs) => imgs.filter((i) => !i.src.endsWith("/favicon.svg")).length), 0);
    assert.equal(await page.$$eval("#hits svg, #event svg, #facets svg", (s) => s.length), 0);
    const marks = await page.$$eval("#hits .snippet *", (nodes) => nodes.map((n) => n.tagName));
    for (const tag of marks) assert.equal(tag, "MARK");
  };
  await check();
  // The payloads are shown as text.
  assert.match(await page.textContent("#event-title"), /<script>window.__xss='title-script'<\/script>/);
  assert.match(await page.textContent("#event .sources"), /Click me <b>bold<\/b>/);
  // Bidi overrides and isolates in titles, actors and bodies are not shown,
  // so they cannot reorder the text around them.
  for (const where of ["#event", "#hits", "#facets", "#chips"]) {
    const text = await page.textContent(where);
    assert.doesNotMatch(text, /[\u202A-\u202E\u2066-\u2069]/, where);
  }
  assert.match(await page.textContent("#event-title"), /zebrafish desrever/);
  assert.match(await page.textContent("#event .sources"), /javascript:window/);
  assert.ok(await page.$('#event .sources a[href="https://example.org/hostile-report"]'));
  // A URL holding brackets is linked whole; javascript: is text, whole too.
  assert.ok(await page.$('#event .event-body a[href="https://example.org/wiki/Foo_(bar)"]'));
  assert.doesNotMatch(await page.textContent("#event .event-body"), /markdown link\)/);
  // Clicking everything clickable in the event view runs nothing either.
  for (const selector of ["#event .sources .unlinked", "#event .event-body button.wikilink"]) {
    const items = page.locator(selector);
    for (let i = 0; i < await items.count(); ++i) await items.nth(i).click().catch(() => {});
  }
  await page.waitForTimeout(300);
  await check();
  assert.deepEqual(pageErrors, []);
});

test("phone width: no sideways scrolling, filters behind a button", async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(baseUrl + "?q=amazon");
  await page.waitForSelector("#hits li.hit");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, "page is " + overflow + "px wider than the screen");
  assert.equal(await page.isVisible("#sidebar"), false);
  await page.click("#filters-toggle");
  assert.equal(await page.isVisible("#sidebar"), true);
  await page.click('#facets section[data-facet="lanes"] button.facet-value >> nth=0');
  await page.waitForURL(/lane=/);
  await page.setViewportSize({ width: 1280, height: 900 });
});
