import { expect, test, type Page } from "@playwright/test";
import { gotoHydrated, watchConsole } from "./fixtures/app-page";

/** The x-axis labels and each series' numbers ECharts holds for a chart. */
async function chartData(page: Page, id: string): Promise<{ labels: string[]; series: number[][] } | null> {
  return page.evaluate((id) => {
    const el = document.getElementById(id);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const echarts = (window as any).echarts;
    const chart = el && echarts ? echarts.getInstanceByDom(el) : null;
    if (!chart) return null;
    const option = chart.getOption();
    return {
      labels: (option.xAxis?.[0]?.data ?? []).map(String),
      series: (option.series ?? []).map((s: { data: unknown[] }) =>
        (s.data ?? []).map((v) => Number(typeof v === "object" && v !== null ? (v as { value: unknown }).value : v)),
      ),
    };
  }, id);
}

test("a campaign's trend chart draws its daily spend and conversions", async ({ page }) => {
  const errors = watchConsole(page);
  await gotoHydrated(page, "/campaigns/camp_00001?from=2026-07-01&to=2026-07-31");
  await expect(page.locator("#campaign-trend canvas")).toHaveCount(1);
  await expect.poll(async () => (await chartData(page, "campaign-trend"))?.labels.length).toBe(31);
  const chart = await chartData(page, "campaign-trend");
  expect(chart?.labels[0]).toBe("Jul 1");
  // The bars are the daily spend the table lists, in units.
  const rows = page.getByTestId("metrics-table").locator("tbody tr");
  await expect(rows).toHaveCount(31);
  const tableSpend = (await rows.locator("td:nth-child(2)").allInnerTexts())
    .map((t) => Number(t.replace(/[^0-9.]/g, "")))
    .reduce((a, b) => a + b, 0);
  const drawn = (chart?.series[0] ?? []).reduce((a, b) => a + b, 0);
  expect(drawn).toBeGreaterThan(0);
  expect(Math.abs(drawn - tableSpend)).toBeLessThan(0.01 * 31);
  await page.waitForLoadState("networkidle");
  expect(errors).toEqual([]);
});

test("the pacing gauge's text is the projection, not the dial's end", async ({ page }) => {
  const errors = watchConsole(page);
  await gotoHydrated(page, "/analytics");
  const card = page.getByTestId("pacing-project").filter({ has: page.getByTestId("pacing-share") }).first();
  await expect(card).toBeVisible();
  const share = (await card.getByTestId("pacing-share").innerText()).replace(/[^0-9]/g, "");
  const id = await card.getByTestId("chart").getAttribute("id");
  expect(id).not.toBeNull();
  const detail = await page.evaluate((id) => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const chart = (window as any).echarts.getInstanceByDom(document.getElementById(id as string));
    const s = chart.getOption().series[0];
    return { formatter: String(s.detail.formatter), max: Number(s.max), value: Number(s.data[0].value) };
  }, id);
  expect(detail.formatter).toBe(`${share}%`);
  // The dial reaches at least the value it shows.
  expect(detail.max).toBeGreaterThanOrEqual(Math.min(Number(share), 1000));
  expect(detail.max).toBeGreaterThanOrEqual(150);
  await page.waitForLoadState("networkidle");
  expect(errors).toEqual([]);
});

test.describe("in German", () => {
  test.use({ locale: "de-DE" });

  test("figures follow the browser's language on the server and after hydration alike", async ({ page }) => {
    const errors = watchConsole(page);
    await gotoHydrated(page, "/projects/proj_0002");
    await expect(page.getByTestId("pacing-finding")).toHaveText(
      "Campaign budgets add up to 37.200\u00a0$ a month, 2,5× the project's 15.000\u00a0$: lower campaign budgets or raise the project budget.",
    );
    await expect(page.getByText("15.000,00\u00a0$").first()).toBeVisible();
    // Times are <time> elements with the instant in datetime and a local, readable text.
    const time = page.getByTestId("activity-feed").locator("time").first();
    await expect(time).toHaveAttribute("datetime", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    await expect(time).not.toHaveText(/T\d\d:/);
    await page.waitForLoadState("networkidle");
    expect(errors).toEqual([]);
  });
});

test.describe("dark mode on a phone", () => {
  test.use({ colorScheme: "dark", viewport: { width: 390, height: 844 } });

  test("chart text takes the theme's colours and legends scroll", async ({ page }) => {
    const errors = watchConsole(page);
    await gotoHydrated(page, "/analytics?from=2026-06-01&to=2026-06-30");
    await expect(page.locator("#chart-trend canvas")).toHaveCount(1);
    const seen = await page.evaluate(() => {
      const el = document.getElementById("chart-trend") as HTMLElement;
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const option = (window as any).echarts.getInstanceByDom(el).getOption();
      const css = getComputedStyle(el);
      return {
        muted: css.getPropertyValue("--text-muted").trim(),
        text: css.getPropertyValue("--text").trim(),
        axis: option.xAxis[0].axisLabel.color,
        legend: option.legend[0].textStyle.color,
        legendType: option.legend[0].type,
        containLabel: option.grid[0].containLabel,
      };
    });
    // The dark theme's colours, not ECharts' dark greys on a dark card.
    expect(seen.muted).toBe("#a5adbb");
    expect(seen.axis).toBe(seen.muted);
    expect(seen.legend).toBe(seen.text);
    expect(seen.legendType).toBe("scroll");
    // The plot leaves room for its axis labels, so none is cut at the phone's edge.
    expect(seen.containLabel).toBe(true);
    // The chart fits the phone's width.
    const box = await page.locator("#chart-trend").boundingBox();
    expect(box?.width ?? 999).toBeLessThanOrEqual(390);
    await page.waitForLoadState("networkidle");
    expect(errors).toEqual([]);
  });
});

test("switching the theme redraws the charts in its colours", async ({ page }) => {
  const errors = watchConsole(page);
  await page.emulateMedia({ colorScheme: "light" });
  await gotoHydrated(page, "/analytics?from=2026-06-01&to=2026-06-30");
  await expect(page.locator("#chart-trend canvas")).toHaveCount(1);
  const axisColor = () =>
    page.evaluate(() => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const chart = (window as any).echarts.getInstanceByDom(document.getElementById("chart-trend"));
      return String(chart.getOption().xAxis[0].axisLabel.color);
    });
  expect(await axisColor()).toBe("#4b5563");
  await page.getByTestId("theme-toggle").click();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await expect.poll(axisColor).toBe("#a5adbb");
  // Back to light for the tests after this one (the choice is kept in this browser's storage).
  await page.getByTestId("theme-toggle").click();
  await expect.poll(axisColor).toBe("#4b5563");
  expect(errors).toEqual([]);
});
