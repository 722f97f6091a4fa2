import { expect, test as setup } from "@playwright/test";
import * as path from "node:path";
import { logIn } from "./fixtures/app-page";

const session = path.join(__dirname, "..", "test-results", ".auth", "owner.json");

// Logs in once through the login page; the other tests reuse the session cookie.
setup("log in as the owner", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
  await logIn(page);
  await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
  await page.context().storageState({ path: session });
});
