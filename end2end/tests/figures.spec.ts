import { expect, test } from "@playwright/test";

// With and without JavaScript: what a media buyer looks for first (spend, CPA and ROAS in the
// campaign lists, a campaign's trend) and pacing that explains itself. The e2e database holds the
// legacy sample: 5 projects, 60 campaigns in USD, 2026-06-01 to 2026-08-29.
const JULY = "from=2026-07-01&to=2026-07-31";

test.describe("campaign figures", () => {
  test("the campaign list shows spend, CPA and ROAS for its window and sorts by spend", async ({ page }) => {
    await page.goto(`/campaigns?${JULY}`);
    const table = page.getByTestId("campaigns-table");
    // (textContent: the style sets headings in capitals.)
    const headers = (await table.locator("thead th").allTextContents()).map((h) => h.replace(/[↑↓]/g, "").trim());
    expect(headers.slice(0, 8)).toEqual(["Campaign", "Project", "Platform", "Status", "Spend", "CPA", "ROAS", "Daily budget"]);
    await expect(page.getByTestId("campaign-window")).toHaveText("Spend, CPA and ROAS from Jul 1, 2026 – Jul 31, 2026");

    await table.getByRole("link", { name: "Spend", exact: true }).click();
    await expect(page).toHaveURL(/sort=-spend/);
    await expect(page).toHaveURL(/from=2026-07-01/);
    const cells = page.getByTestId("campaigns-table").locator('td[data-col="spend"]');
    await expect(cells).toHaveCount(50);
    const spends = await cells.evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-value") ?? "0")));
    expect(spends[0]).toBeGreaterThan(0);
    expect(spends).toEqual([...spends].sort((a, b) => b - a));
    // Money in the user's locale (en-US here), with the currency's symbol.
    await expect(cells.first()).toHaveText(/^\$\d{1,3}(,\d{3})*\.\d\d$/);

    // The same figures the analytics API computes for the window.
    const api = await page.request.get(`/api/v1/analytics/campaigns?${JULY}&limit=3`);
    expect(api.ok()).toBe(true);
    const top = (await api.json()).items as { id: string; spend_micros: number; cpa: number | null; roas: number | null }[];
    const first = page.getByTestId("campaigns-table").locator("tbody tr").first();
    await expect(first).toHaveAttribute("data-campaign", top[0].id);
    expect(spends[0]).toBe(top[0].spend_micros);
    const roas = Number(await first.locator('td[data-col="roas"]').getAttribute("data-value"));
    expect(roas).toBeCloseTo(top[0].roas ?? NaN, 6);
    const cpa = Number(await first.locator('td[data-col="cpa"]').getAttribute("data-value"));
    expect(cpa).toBeCloseTo(top[0].cpa ?? NaN, 6);
    await expect(first.locator('td[data-col="roas"]')).toHaveText((top[0].roas ?? 0).toFixed(2));
  });

  test("a project's campaign table shows the window it covers", async ({ page }) => {
    await page.goto(`/projects/proj_0002?${JULY}`);
    await expect(page.getByTestId("campaign-window")).toHaveText("Spend, CPA and ROAS from Jul 1, 2026 – Jul 31, 2026");
    const spends = await page
      .getByTestId("campaigns-table")
      .locator('td[data-col="spend"]')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-value") ?? "0")));
    expect(spends.length).toBeGreaterThan(0);
    expect(spends.some((s) => s > 0)).toBe(true);
  });

  test("a campaign's page has a spend and conversions trend", async ({ page }) => {
    await page.goto("/campaigns/camp_00001");
    const trend = page.getByRole("region", { name: "Trend" });
    await expect(trend.getByRole("heading", { name: "Spend and conversions per day" })).toBeVisible();
    await expect(trend.getByTestId("chart")).toHaveAttribute("aria-label", "Spend (bars) and conversions (line) per day");
    // The sample ended months ago: no day is still coming in.
    await expect(page.getByTestId("trend-partial")).toHaveCount(0);
    await expect(page.getByTestId("total-spend")).toContainText("$");
    await expect(page.getByTestId("total-cpa")).toBeVisible();
  });
});

test.describe("pacing", () => {
  test("a project whose campaigns' budgets add up to more than its own says why, with both figures", async ({ page }) => {
    await page.goto("/projects/proj_0002");
    const pacing = page.getByTestId("project-pacing");
    // Finance Brand 2: seven active campaigns at 1,200 a day in all, over December's 31 days.
    await expect(pacing.getByTestId("pacing-finding")).toHaveText(
      "Campaign budgets add up to $37,200 a month, 2.5× the project's $15,000: lower campaign budgets or raise the project budget.",
    );
    await expect(pacing.getByTestId("pacing-status")).not.toHaveText("No campaigns");

    // The Analytics page's pacing panel and the dashboard say the same for the project.
    await page.goto("/analytics?project=proj_0002");
    await expect(page.getByTestId("pacing").getByTestId("pacing-finding")).toContainText("$37,200 a month, 2.5×");
    await page.goto("/");
    const listed = page.getByTestId("dashboard-pacing").locator('[data-project="proj_0002"]');
    await expect(listed.getByTestId("pacing-finding")).toContainText("$37,200 a month, 2.5× the project's $15,000");
  });

  test("a project without campaigns has no pacing status", async ({ page }, info) => {
    const name = `Pacing Empty ${info.project.name} ${Date.now()}`;
    await page.goto("/projects/new");
    await page.getByLabel("Name").fill(name);
    await page.getByLabel("Monthly budget").fill("3000");
    await page.getByRole("button", { name: "Create project" }).click();
    await expect(page).toHaveURL(/\/projects\/proj_[0-9a-f]+$/);
    const pacing = page.getByTestId("project-pacing");
    await expect(pacing.getByTestId("pacing-status")).toHaveText("No campaigns");
    await expect(pacing.getByTestId("chart")).toHaveCount(0);
    await expect(pacing.getByTestId("pacing-finding")).toHaveCount(0);
  });
});
