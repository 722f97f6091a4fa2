import { expect, test } from "@playwright/test";
import { gotoHydrated, watchConsole } from "./fixtures/app-page";

// The tool explorer runs tools through a server action and shows the answer in place (JavaScript).
test.describe("tool explorer", () => {
  test.beforeEach(async ({ page }) => {
    await gotoHydrated(page, "/connections");
    await page.locator("#test-platform").selectOption("meta");
    await page.locator("#test-seed").fill(String(Date.now() % 1_000_000));
    await page.getByTestId("add-test-account").click();
    await expect(page).toHaveURL(/connected=conn_/);
    const id = new URL(page.url()).searchParams.get("connected");
    await gotoHydrated(page, `/connections/${id}/explorer`);
  });

  test("run list campaigns on a test Meta connection and see its rows", async ({ page }) => {
    const errors = watchConsole(page);
    await expect(page.getByTestId("tool-list_campaigns")).toHaveAttribute("aria-current", "page");
    await expect(page.getByRole("heading", { name: /List campaigns/ })).toBeVisible();
    await page.getByLabel("limit").fill("10");
    await page.getByTestId("run-tool").click();

    const result = page.getByTestId("tool-result");
    await expect(result).toBeVisible();
    const table = page.getByTestId("result-table");
    await expect(table.locator("thead")).toContainText("id");
    await expect(table.locator("thead")).toContainText("objective");
    const rows = await table.locator("tbody tr").count();
    expect(rows).toBeGreaterThan(0);
    expect(rows).toBeLessThanOrEqual(10);
    await expect(result).toContainText(/\d+ rows/);
    await expect(page.getByTestId("result-json")).toContainText('"data"');
    expect(errors).toEqual([]);
  });

  test("a parameter the platform would refuse is shown under its field", async ({ page }) => {
    await page.getByTestId("tool-get_campaign_insights").click();
    await expect(page).toHaveURL(/tool=get_campaign_insights/);
    await page.getByLabel("since").fill("2026-11-10");
    await page.getByLabel("until").fill("2026-11-01");
    await page.getByTestId("run-tool").click();
    await expect(page.getByText("must not be before since")).toBeVisible();
    await expect(page.getByTestId("tool-result")).toHaveCount(0);
  });
});

test("a Pinterest test account lists its campaigns and answers a bulk write item by item", async ({ page }) => {
  await gotoHydrated(page, "/connections");
  await page.locator("#test-platform").selectOption("pinterest");
  await page.locator("#test-seed").fill(String((Date.now() % 1_000_000) + 7));
  await page.getByTestId("add-test-account").click();
  await expect(page).toHaveURL(/connected=conn_/);
  const id = new URL(page.url()).searchParams.get("connected");
  await gotoHydrated(page, `/connections/${id}/explorer`);
  await expect(page.getByText("GET /ad_accounts/{ad_account_id}/campaigns")).toBeVisible();
  await page.getByTestId("run-tool").click();
  const table = page.getByTestId("result-table");
  await expect(table.locator("thead")).toContainText("objective_type");
  expect(await table.locator("tbody tr").count()).toBeGreaterThan(0);

  await page.getByTestId("tool-create_campaigns").click();
  await expect(page).toHaveURL(/tool=create_campaigns/);
  await page.getByLabel("items").fill(
    JSON.stringify([
      { name: "Winter looks", objective_type: "CONSIDERATION", daily_spend_cap: 20000000 },
      { name: "Two caps", objective_type: "AWARENESS", daily_spend_cap: 1000000, lifetime_spend_cap: 5000000 },
    ]),
  );
  await page.getByTestId("run-tool").click();
  await expect(page.getByTestId("result-table")).toContainText("Winter looks");
  await expect(page.getByTestId("result-table")).toContainText("cannot both be set");
});
