import { expect, test } from "@playwright/test";
import { gotoHydrated, tileValue, watchConsole } from "./fixtures/app-page";

test.describe("dashboard with JavaScript", () => {
  test("hydrates without console errors", async ({ page }) => {
    const errors = watchConsole(page);
    await gotoHydrated(page, "/");
    await expect(page.getByTestId("stat-projects")).toBeVisible();
    await page.waitForLoadState("networkidle");
    expect(errors).toEqual([]);
  });

  test("the theme toggle switches themes and remembers the choice", async ({ page }) => {
    await page.emulateMedia({ colorScheme: "light" });
    await gotoHydrated(page, "/");
    const html = page.locator("html");
    const toggle = page.getByTestId("theme-toggle");
    await expect(toggle).toHaveAttribute("aria-pressed", "false");
    await toggle.click();
    await expect(html).toHaveAttribute("data-theme", "dark");
    await expect(toggle).toHaveAttribute("aria-pressed", "true");
    const background = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue("--text").trim());
    expect(background).toBe("#f3f4f6");
    await page.reload();
    await expect(html).toHaveAttribute("data-theme", "dark");
    await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
    await page.getByTestId("theme-toggle").click();
    await expect(html).toHaveAttribute("data-theme", "light");
  });

  test("refresh reloads the figures through the server function, not the page", async ({ page }) => {
    const errors = watchConsole(page);
    await gotoHydrated(page, "/");
    const rpc = page.waitForResponse(
      (r) => r.url().includes("/rpc/") && r.url().includes("dashboard_summary") && r.request().method() === "POST",
    );
    await page.getByTestId("refresh").click();
    const response = await rpc;
    expect(response.status()).toBe(200);
    const body = await response.json();
    expect(body.projects.total).toBeGreaterThanOrEqual(5);
    await expect(page.getByTestId("refresh-count")).toHaveText("1");
    // The tiles show what the server function answered.
    await expect.poll(() => tileValue(page, "stat-projects")).toBe(body.projects.total);
    await expect.poll(() => tileValue(page, "stat-campaigns")).toBe(body.campaigns.total);
    expect(errors).toEqual([]);
  });

  test("on a phone the menu closes after moving to another page", async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 800 });
    await gotoHydrated(page, "/");
    const sidebar = page.getByRole("complementary", { name: "Main navigation" });
    await page.getByTitle("Menu").click();
    await expect(sidebar).toBeInViewport();
    await sidebar.getByRole("link", { name: "System" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "System" })).toBeVisible();
    await expect(sidebar).not.toBeInViewport();
  });
});
