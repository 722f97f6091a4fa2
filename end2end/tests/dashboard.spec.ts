import { expect, test } from "@playwright/test";
import { tileValue } from "./fixtures/app-page";

// Runs with and without JavaScript: the server-rendered page is complete on its own.
test.describe("dashboard", () => {
  // The database holds the legacy sample (5 projects, 60 campaigns, its workflows and runs); other tests
  // running beside this one only add to it. The empty state itself is checked on an empty database in
  // server/tests/api/dashboard.rs.
  test("shows the database's counts, the navigation, and no empty state when there is data", async ({ page }) => {
    const response = await page.goto("/");
    expect(response?.status()).toBe(200);
    await expect(page).toHaveTitle("Dashboard · Switchboard");
    await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
    const least: Record<string, number> = {
      "stat-projects": 5,
      "stat-campaigns": 60,
      "stat-workflows": 1,
      "stat-executions": 1,
    };
    for (const [tile, at_least] of Object.entries(least)) {
      await expect(page.getByTestId(tile)).toBeVisible();
      const value = await tileValue(page, tile);
      expect(Number.isInteger(value), `${tile} shows a whole number`).toBe(true);
      expect(value, tile).toBeGreaterThanOrEqual(at_least);
    }
    await expect(page.getByTestId("empty-state")).toHaveCount(0);
    await expect(page.getByTestId("platform-counts")).toContainText("Pinterest Ads");
    const nav = page.getByRole("navigation");
    await expect(nav.getByRole("link", { name: "Dashboard" })).toHaveAttribute("aria-current", "page");
    await expect(nav.getByRole("link", { name: "System" })).toBeVisible();
  });

  test("the sidebar leads to the system page", async ({ page }) => {
    await page.goto("/");
    await page.getByRole("navigation").getByRole("link", { name: "System" }).click();
    await expect(page).toHaveURL(/\/system$/);
    await expect(page.getByRole("heading", { level: 1, name: "System" })).toBeVisible();
    await expect(page.getByTestId("system-health")).toContainText("Healthy");
  });

  test("an unknown address is a readable 404 page", async ({ page }) => {
    const response = await page.goto("/does-not-exist");
    expect(response?.status()).toBe(404);
    await expect(page.getByText("This page does not exist")).toBeVisible();
    await expect(page.getByRole("link", { name: "Go to the dashboard" })).toBeVisible();
  });

  test("on a phone-sized screen the menu opens from the top bar", async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 800 });
    await page.goto("/");
    const sidebar = page.getByRole("complementary", { name: "Main navigation" });
    await expect(sidebar).not.toBeInViewport();
    await page.getByTitle("Menu").click();
    await expect(sidebar).toBeInViewport();
    await expect(sidebar.getByRole("link", { name: "System" })).toBeVisible();
  });

  test("on a wide screen the sidebar is always there and the menu button is not", async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto("/");
    await expect(page.getByRole("complementary", { name: "Main navigation" })).toBeInViewport();
    await expect(page.getByTitle("Menu")).toBeHidden();
  });
});
