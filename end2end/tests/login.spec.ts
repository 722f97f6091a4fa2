import { expect, test } from "@playwright/test";
import { OWNER_PASSWORD, logIn } from "./fixtures/app-page";

// A browser without the shared session: it must log in itself (and may log out).
test.use({ storageState: { cookies: [], origins: [] } });

test.describe("login", () => {
  test("a page without a session leads to the login page and back after logging in", async ({ page }) => {
    await page.goto("/analytics?from=2026-06-01&to=2026-06-30");
    await expect(page).toHaveURL(/\/login\?next=/);
    await expect(page.getByRole("heading", { level: 1, name: "Log in" })).toBeVisible();
    await page.getByLabel("Password", { exact: true }).fill("not the password at all");
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page.getByTestId("auth-error")).toContainText("not right");
    await page.getByLabel("Password", { exact: true }).fill(OWNER_PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page).toHaveURL(/\/analytics\?from=2026-06-01&to=2026-06-30$/);
    await expect(page.getByRole("heading", { level: 1, name: "Analytics" })).toBeVisible();
  });

  test("logging out ends the session", async ({ page }) => {
    await logIn(page);
    await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
    await page.getByTestId("logout").click();
    await expect(page).toHaveURL(/\/login$/);
    await page.goto("/projects");
    await expect(page).toHaveURL(/\/login\?next=\/projects$/);
    const api = await page.request.get("/api/v1/projects");
    expect(api.status()).toBe(401);
  });
});
