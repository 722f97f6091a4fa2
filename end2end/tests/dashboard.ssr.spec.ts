import { expect, test } from "@playwright/test";

// Only without JavaScript: nothing hydrates, and everything is still there to read.
test("without JavaScript the page is served complete and stays static", async ({ page }) => {
  await page.goto("/");
  await expect(page.locator("body")).not.toHaveAttribute("data-hydrated", "true");
  await expect(page.getByTestId("stat-projects")).toContainText("Projects");
  // The stylesheet is applied (the frosted panels have a backdrop filter).
  const filter = await page
    .getByTestId("stat-projects")
    .evaluate((el) => getComputedStyle(el).backdropFilter || getComputedStyle(el).getPropertyValue("-webkit-backdrop-filter"));
  expect(filter).toContain("blur");
  // The refresh control is a plain link that reloads the page.
  await page.getByTestId("refresh").click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId("stat-projects")).toBeVisible();
});
