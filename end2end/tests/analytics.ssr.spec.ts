import { expect, test } from "@playwright/test";

// Without JavaScript the page is still whole: the numbers behind every chart are in its HTML and the
// filters are a plain form.
test.describe("analytics page without JavaScript", () => {
  test("shows the key figures and the tables behind the charts", async ({ page }) => {
    const response = await page.goto("/analytics?from=2026-06-01&to=2026-06-30");
    expect(response?.status()).toBe(200);
    await expect(page).toHaveTitle(/Analytics/);
    for (const metric of ["spend", "conversion_value", "roas", "clicks", "impressions"]) {
      await expect(page.getByTestId(`kpi-${metric}`)).toBeVisible();
    }
    expect(Number(await page.getByTestId("kpi-spend").getAttribute("data-value"))).toBeGreaterThan(0);
    await expect(page.getByTestId("trend-table").locator("tbody tr")).toHaveCount(30);
    await expect(page.getByTestId("platform-table").locator("tbody tr")).toHaveCount(3);
    await expect(page.locator("canvas")).toHaveCount(0);
    await expect(page.getByTestId("pacing")).toBeVisible();
    await expect(page.getByTestId("benchmarks")).toBeVisible();
  });

  test("the filter form narrows the window", async ({ page }) => {
    await page.goto("/analytics?from=2026-06-01&to=2026-06-30");
    const form = page.getByTestId("analytics-filters");
    await form.locator('input[name="from"]').fill("2026-07-01");
    await form.locator('input[name="to"]').fill("2026-07-07");
    await form.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/from=2026-07-01&to=2026-07-07/);
    await expect(page.getByTestId("trend-table").locator("tbody tr")).toHaveCount(7);
    await expect(page.getByTestId("export-csv")).toHaveAttribute("href", /from=2026-07-01&to=2026-07-07/);
  });

  test("a window that ends before it starts is a readable error", async ({ page }) => {
    const response = await page.goto("/analytics?from=2026-07-10&to=2026-07-01");
    expect(response?.status()).toBe(422);
    await expect(page.getByRole("alert")).toHaveCount(1);
    await expect(page.getByRole("alert")).toContainText(/from|to|before/i);
    // The filters are still there to correct it.
    const form = page.getByTestId("analytics-filters");
    await expect(form.locator('input[name="from"]')).toHaveValue("2026-07-10");
    await form.locator('input[name="to"]').fill("2026-07-31");
    await form.getByRole("button", { name: "Apply" }).click();
    await expect(page.getByTestId("trend-table").locator("tbody tr")).toHaveCount(22);
  });
});
