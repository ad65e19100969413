import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatReport, type FormatOptions, type ScanReport } from "../../src/index.js";
import { HOSTILE, suppressedReport } from "../fixture.js";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

let folder: string;
let browser: BrowserContext;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "checks-report-html-"));
  // A fresh profile folder per run; Playwright passes it as --user-data-dir.
  browser = await chromium.launchPersistentContext(join(folder, "profile"), { executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await rm(folder, { recursive: true, force: true });
});

interface OpenedReport {
  page: Page;
  requests: string[];
  consoleErrors: string[];
}

let fileCount = 0;

/** Writes the HTML report to a file and opens it as a user would. */
async function openReport(report: ScanReport, options: FormatOptions): Promise<OpenedReport> {
  const file = join(folder, `report-${++fileCount}.html`);
  await writeFile(file, formatReport(report, "html", options));
  const page = await browser.newPage();
  const requests: string[] = [];
  const consoleErrors: string[] = [];
  page.on("request", (request) => requests.push(request.url()));
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => consoleErrors.push(error.message));
  await page.goto(pathToFileURL(file).href);
  return { page, requests, consoleErrors };
}

async function text(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).textContent())?.trim() ?? "";
}

async function visibleRows(page: Page): Promise<number> {
  return page.locator("table.findings tbody tr:visible").count();
}

// A shared 2-core machine can make a browser step slow, so each test gets 30 s instead of 5 s.
describe("HTML format in Chromium", { timeout: 30_000 }, () => {
  it("shows the counts of the report", async () => {
    const { page, requests, consoleErrors } = await openReport(suppressedReport(), { color: false });
    expect(await text(page, "#count-findings")).toBe("7");
    expect(await text(page, "#count-critical")).toBe("1");
    expect(await text(page, "#count-high")).toBe("4");
    expect(await text(page, "#count-medium")).toBe("1");
    expect(await text(page, "#count-low")).toBe("0");
    expect(await text(page, "#count-info")).toBe("1");
    expect(await text(page, "#count-suppressed")).toBe("3");
    expect(await text(page, "#count-image-errors")).toBe("1");
    expect(await text(page, "#count-check-errors")).toBe("1");
    expect(await text(page, "#shown-count")).toBe("7");
    expect(await text(page, "#total-count")).toBe("7");
    expect(await visibleRows(page)).toBe(7);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatch(/^file:/);
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  it("draws the charts by severity and by check", async () => {
    const { page } = await openReport(suppressedReport(), { color: false });
    const severityBars = await page.locator("#chart-severity g.bar").evaluateAll((bars) => bars.map((bar) => `${bar.getAttribute("data-label")}=${bar.getAttribute("data-value")}`));
    expect(severityBars).toEqual(["critical=1", "high=4", "medium=1", "low=0", "info=1"]);
    const checkBars = await page.locator("#chart-check g.bar").evaluateAll((bars) => bars.map((bar) => `${bar.getAttribute("data-label")}=${bar.getAttribute("data-value")}`));
    expect(checkBars).toEqual([
      "@checks/plugin-files/setuid-files=3",
      "@checks/plugin-files/apt-cache=1",
      "@checks/plugin-files/world-writable=1",
      "@checks/plugin-secrets/secret-in-env=1",
      "@checks/plugin-secrets/vulnerable-packages=1",
    ]);
    await page.close();
  });

  it("filters by severity", async () => {
    const { page } = await openReport(suppressedReport(), { color: false });
    await page.locator('input[name="severity"][value="high"]').uncheck();
    expect(await visibleRows(page)).toBe(3);
    expect(await text(page, "#shown-count")).toBe("3");
    await page.locator('input[name="severity"][value="critical"]').uncheck();
    expect(await visibleRows(page)).toBe(2);
    await page.locator('input[name="severity"][value="high"]').check();
    expect(await visibleRows(page)).toBe(6);
    await page.close();
  });

  it("filters by text", async () => {
    const { page } = await openReport(suppressedReport(), { color: false });
    await page.locator("#filter-text").fill("SETUID");
    expect(await visibleRows(page)).toBe(3);
    await page.locator("#filter-text").fill("/usr/bin/passwd");
    expect(await visibleRows(page)).toBe(1);
    await page.locator("#filter-text").fill("no such finding anywhere");
    expect(await visibleRows(page)).toBe(0);
    expect(await page.locator("#no-match").isVisible()).toBe(true);
    expect(await text(page, "#shown-count")).toBe("0");
    await page.close();
  });

  it("filters by image", async () => {
    const { page } = await openReport(suppressedReport(), { color: false });
    await page.locator("#filter-image").selectOption({ label: "alpine-rootfs/" });
    expect(await visibleRows(page)).toBe(1);
    await page.locator("#filter-image").selectOption({ label: `debian-12.tar ${HOSTILE.pipe}` });
    expect(await visibleRows(page)).toBe(6);
    await page.locator("#filter-text").fill("setuid");
    expect(await visibleRows(page)).toBe(2);
    await page.close();
  });

  it("lists suppressed findings on request", async () => {
    const { page } = await openReport(suppressedReport(), { color: false, showSuppressed: true });
    expect(await text(page, "#total-count")).toBe("10");
    expect(await page.locator("tr.suppressed").count()).toBe(3);
    expect(await text(page, "#count-suppressed")).toBe("3");
    await page.close();
  });

  it("shows hostile strings as text and runs none of them", async () => {
    const { page, requests, consoleErrors } = await openReport(suppressedReport(), { color: false, showSuppressed: true });
    expect(await page.evaluate("typeof window.__injected")).toBe("undefined");
    expect(await page.locator("table.findings img").count()).toBe(0);
    const body = await page.locator("body").innerText();
    expect(body).toContain(HOSTILE.script);
    expect(body).toContain(HOSTILE.image);
    expect(body).toContain("\\x1b[31mRED");
    expect(body).toContain("admin\\u202egpj.exe");
    expect(body).toContain(`/usr/bin/]]>${HOSTILE.pipe}${HOSTILE.script}\\x1b[2J`);
    expect(requests).toHaveLength(1);
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  it("shows errors and ignore file rules", async () => {
    const { page } = await openReport(suppressedReport(), { color: false });
    expect(await page.locator("#errors li.image-error").count()).toBe(1);
    expect(await page.locator("#errors li.check-error").count()).toBe(1);
    expect(await text(page, "#ignore-file li.expired-rule")).toContain("rules[2]");
    expect(await text(page, "#ignore-file li.unused-rule")).toContain("rules[3]");
    await page.close();
  });

  it("displays only the filtered severities", async () => {
    const { page } = await openReport(suppressedReport(), { color: false, severityFilter: ["critical", "high"] });
    expect(await text(page, "#count-findings")).toBe("5");
    expect(await page.locator("#count-medium").count()).toBe(0);
    expect(await visibleRows(page)).toBe(5);
    await page.close();
  });
});
