import { expect, test } from "@playwright/test";

// With and without JavaScript: adding a test account is an ActionForm that works as a plain form.
test("add a test Meta account to a project and see it listed", async ({ page }) => {
  await page.goto("/connections");
  await expect(page.getByRole("heading", { name: "Connections", level: 1 })).toBeVisible();
  const project = page.locator("#test-project");
  const projectName = (await project.locator("option").first().innerText()).trim();
  await page.locator("#test-platform").selectOption("meta");
  await page.locator("#test-currency").fill("EUR");
  await page.getByTestId("add-test-account").click();

  await expect(page).toHaveURL(/\/connections\?connected=conn_[0-9a-f]+/);
  await expect(page.getByTestId("connected")).toBeVisible();
  const row = page.getByTestId("connection-row").filter({ hasText: projectName }).filter({ hasText: "EUR" }).first();
  await expect(row).toContainText("Meta Ads");
  await expect(row).toContainText("Test");
  await expect(row).toContainText("Active");
});

test("connecting a live account without the platform's OAuth app says what to configure", async ({ page }) => {
  await page.goto("/connections");
  await page.locator("#live-platform").selectOption("google");
  await page.locator("#live-account").fill("123-456-7890");
  await page.getByTestId("connect-live").click();
  await expect(page).toHaveURL(/\/connections\?error=/);
  await expect(page.getByTestId("connect-error")).toContainText("SWITCHBOARD_GOOGLE_CLIENT_ID");
});
