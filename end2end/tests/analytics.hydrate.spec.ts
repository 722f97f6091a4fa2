import { expect, test, type Page } from "@playwright/test";
import * as fs from "node:fs";
import { gotoHydrated, watchConsole } from "./fixtures/app-page";

// The e2e database holds the legacy sample: 5 projects, 60 campaigns, 2026-06-01 to 2026-08-29.
const JUNE = "/analytics?from=2026-06-01&to=2026-06-30";

/** What ECharts holds for a chart: its x-axis labels and each series' numbers. */
async function chartData(page: Page, id: string): Promise<{ labels: string[]; series: number[][] } | null> {
  return page.evaluate((id) => {
    const el = document.getElementById(id);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const echarts = (window as any).echarts;
    const chart = el && echarts ? echarts.getInstanceByDom(el) : null;
    if (!chart) return null;
    const option = chart.getOption();
    const axis = option.xAxis?.[0]?.data ?? [];
    return {
      labels: axis.map((l: unknown) => (typeof l === "object" && l !== null ? (l as { value: string }).value : String(l))),
      series: (option.series ?? []).map((s: { data: unknown[] }) =>
        (s.data ?? []).map((v) => Number(typeof v === "object" && v !== null ? (v as { value: unknown }).value : v)),
      ),
    };
  }, id);
}

/** Decimal text with up to six places ("12.5", "-0.000001") as integer micros. */
function micros(text: string): bigint {
  const [whole, frac = ""] = text.trim().split(".");
  const negative = whole.startsWith("-");
  const value = BigInt(whole.replace("-", "") || "0") * 1_000_000n + BigInt((frac + "000000").slice(0, 6));
  return negative ? -value : value;
}

/** RFC 4180 fields of one CSV record (quotes only where needed). */
function fields(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

async function kpi(page: Page, metric: string): Promise<string> {
  const value = await page.getByTestId(`kpi-${metric}`).getAttribute("data-value");
  expect(value, `kpi-${metric} has a data-value`).not.toBeNull();
  return value as string;
}

test.describe("analytics page with JavaScript", () => {
  test("draws its charts after hydration, without console errors", async ({ page }) => {
    const errors = watchConsole(page);
    await gotoHydrated(page, JUNE);
    await expect(page.locator("#chart-trend canvas")).toHaveCount(1);
    await expect(page.locator("#chart-platforms canvas")).toHaveCount(1);
    // One pacing gauge per project with a budget, drawn the same way.
    // The sample's projects have budgets: no gauges at all would be a broken panel, not a pass.
    // A project without campaigns (one a test made) has no status and no gauge.
    const budgeted = page
      .getByTestId("pacing-project")
      .filter({ hasNotText: "(no budget)" })
      .filter({ hasNot: page.getByTestId("pacing-status").getByText("No campaigns") });
    const expected = await budgeted.count();
    expect(expected).toBeGreaterThan(0);
    const gauges = page.getByTestId("pacing").getByTestId("chart");
    await expect(gauges).toHaveCount(expected);
    for (const gauge of await gauges.all()) await expect(gauge.locator("canvas")).toHaveCount(1);

    const trend = await chartData(page, "chart-trend");
    expect(trend?.labels).toHaveLength(30);
    expect(trend?.labels[0]).toBe("Jun 1");
    expect(trend?.series).toHaveLength(3);
    // The chart draws the numbers the server rendered in its table.
    const rows = page.getByTestId("trend-table").locator("tbody tr");
    await expect(rows).toHaveCount(30);
    const drawn = (trend?.series ?? []).flat().reduce((a, b) => a + b, 0);
    const spend = Number(await kpi(page, "spend")) / 1e6;
    expect(Math.abs(drawn - spend)).toBeLessThan(0.01 * 30 * 3);

    const compare = await chartData(page, "chart-platforms");
    expect(compare?.labels).toEqual(["Google Ads", "Meta Ads", "Pinterest Ads"]);
    await page.waitForLoadState("networkidle");
    expect(errors).toEqual([]);
  });

  test("a filter change redraws the charts for the new window", async ({ page }) => {
    const errors = watchConsole(page);
    await gotoHydrated(page, JUNE);
    const before = await chartData(page, "chart-platforms");
    const spendBefore = await kpi(page, "spend");

    const form = page.getByTestId("analytics-filters");
    await form.locator('input[name="from"]').fill("2026-07-01");
    await form.locator('input[name="to"]').fill("2026-07-14");
    await form.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/from=2026-07-01/);
    await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
    await expect.poll(async () => (await chartData(page, "chart-trend"))?.labels.length).toBe(14);
    expect((await chartData(page, "chart-trend"))?.labels[0]).toBe("Jul 1");
    const after = await chartData(page, "chart-platforms");
    expect(after?.series[0]).not.toEqual(before?.series[0]);
    expect(await kpi(page, "spend")).not.toBe(spendBefore);

    // Choosing one project narrows the platform bars to its campaigns.
    await form.locator('select[name="project"]').selectOption("proj_0001");
    await form.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/project=proj_0001/);
    await expect.poll(async () => (await chartData(page, "chart-platforms"))?.series[0]).not.toEqual(after?.series[0]);
    await page.waitForLoadState("networkidle");
    expect(errors).toEqual([]);
  });

  test("a link within the page updates the same charts in place", async ({ page }) => {
    const errors = watchConsole(page);
    // The default window (the last 30 days) holds none of the sample's data: the page says so and
    // links to the data's last 90 days.
    await gotoHydrated(page, "/analytics");
    const chart = await page.locator("#chart-trend canvas").elementHandle();
    const hint = page.getByTestId("data-span");
    await expect(hint).toContainText("Jun 1, 2026");
    const empty = await chartData(page, "chart-trend");
    // (Today's partial day is a dashed series of its own, with gaps elsewhere.)
    expect((empty?.series ?? []).flat().filter(Number.isFinite).every((v) => v === 0)).toBe(true);

    await hint.getByRole("link", { name: "Show its last 90 days" }).click();
    await expect(page).toHaveURL(/from=2026-06-01&to=2026-08-29/);
    await expect.poll(async () => (await chartData(page, "chart-trend"))?.labels.length).toBe(90);
    const full = await chartData(page, "chart-trend");
    expect((full?.series ?? []).flat().some((v) => v > 0)).toBe(true);
    // The same canvas, redrawn: the router changed the query, not the page.
    expect(await chart?.evaluate((el) => el.isConnected)).toBe(true);
    await page.waitForLoadState("networkidle");
    expect(errors).toEqual([]);
  });

  test("the CSV export holds the rows behind the key figures", async ({ page }) => {
    await gotoHydrated(page, "/analytics?from=2026-06-01&to=2026-08-29");
    const spend = BigInt(await kpi(page, "spend"));
    const value = BigInt(await kpi(page, "conversion_value"));
    const clicks = BigInt(await kpi(page, "clicks"));
    const impressions = BigInt(await kpi(page, "impressions"));
    expect(spend).toBeGreaterThan(0n);

    const download = page.waitForEvent("download");
    await page.getByTestId("export-csv").click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/\.csv$/);
    const text = fs.readFileSync(await file.path(), "utf8");
    const lines = text.split("\r\n").filter((l) => l.length > 0);
    // A byte-order mark first, so Excel reads the file as UTF-8.
    expect(lines[0].startsWith("\uFEFF")).toBe(true);
    const header = fields(lines[0].slice(1));
    const col = (name: string) => {
      const i = header.indexOf(name);
      expect(i, `column ${name}`).toBeGreaterThanOrEqual(0);
      return i;
    };
    const [d, s, v, c, im] = ["date", "spend", "conversion_value", "clicks", "impressions"].map(col);
    let sums = { spend: 0n, value: 0n, clicks: 0n, impressions: 0n };
    const dates = new Set<string>();
    for (const line of lines.slice(1)) {
      const f = fields(line);
      expect(f).toHaveLength(header.length);
      dates.add(f[d]);
      sums = {
        spend: sums.spend + micros(f[s]),
        value: sums.value + micros(f[v]),
        clicks: sums.clicks + BigInt(f[c]),
        impressions: sums.impressions + BigInt(f[im]),
      };
    }
    expect(dates.size).toBe(90);
    expect([...dates].sort()[0]).toBe("2026-06-01");
    expect(sums.clicks).toBe(clicks);
    expect(sums.impressions).toBe(impressions);
    // Both convert each day at its own rate, to the micro: the totals agree exactly.
    expect(sums.spend).toBe(spend);
    expect(sums.value).toBe(value);
  });
});
