import { expect, test } from "@playwright/test";
import * as path from "node:path";
import { gotoHydrated, watchConsole } from "./fixtures/app-page";

// With JavaScript, secrets, keys and commands have a Copy button that puts the value on the
// clipboard and says so.
test("Copy buttons copy a new API key and a webhook's secret and command", async ({ page, context, baseURL }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseURL });
  const errors = watchConsole(page);
  await gotoHydrated(page, "/integrations");
  const clipboard = () => page.evaluate(() => navigator.clipboard.readText());

  await page.getByLabel("What uses it").fill("Copied key");
  await page.getByTestId("create-api-key").click();
  const created = page.getByTestId("api-key-created");
  await expect(created).toContainText("sbk_");
  const key = (await created.locator("code").innerText()).trim();
  const copyKey = created.getByTestId("copy");
  await expect(copyKey).toBeVisible();
  await expect(copyKey).toHaveText("Copy");
  await copyKey.click();
  await expect(copyKey).toHaveText("Copied");
  expect(await clipboard()).toBe(key);
  // It reads "Copy" again after a moment.
  await expect(copyKey).toHaveText("Copy", { timeout: 5_000 });

  const form = page.getByTestId("new-webhook");
  await form.getByLabel("Name").fill("Copied hook");
  await form.getByLabel("Workflow it starts").selectOption({ index: 0 });
  // The imported workflows have no project: the webhook names the one its runs work for.
  await form.getByLabel("Project its runs work for").selectOption({ index: 1 });
  await page.getByTestId("create-webhook").click();
  const panel = page.getByTestId("webhook-secret");
  await expect(panel).toBeVisible();
  const secret = (await panel.getByTestId("webhook-secret-value").innerText()).trim();
  const secretField = panel.locator(".copy-field").filter({ has: page.getByTestId("webhook-secret-value") });
  await secretField.getByTestId("copy").click();
  await expect(secretField.getByTestId("copy")).toHaveText("Copied");
  expect(await clipboard()).toBe(secret);

  const sample = (await panel.getByTestId("sample-curl").innerText()).trim();
  const commandField = panel.locator(".copy-field").filter({ has: page.getByTestId("sample-curl") });
  await commandField.getByTestId("copy").click();
  await expect(commandField.getByTestId("copy")).toHaveText("Copied");
  expect((await clipboard()).trim()).toBe(sample);
  expect(await clipboard()).toContain(`SECRET='${secret}'`);

  // For a person to look at: the secret panel on a desktop and on a phone.
  const shots = path.resolve(__dirname, "..", "..", "target", "screenshots");
  await panel.screenshot({ path: path.join(shots, "webhook-secret-light.png") });
  await page.setViewportSize({ width: 390, height: 844 });
  await panel.screenshot({ path: path.join(shots, "webhook-secret-phone.png") });
  const [scrollWidth, innerWidth] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
  expect(errors).toEqual([]);
});
