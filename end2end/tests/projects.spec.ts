import { expect, test } from "@playwright/test";

// Runs with and without JavaScript: the forms are server functions posted by ActionForm, which
// work as plain HTML forms too.
test.describe("projects", () => {
  test("create a project, find it in the list, edit it", async ({ page }, info) => {
    const name = `E2E Brand ${info.project.name} ${Date.now()}`;
    await page.goto("/projects");
    await page.getByTestId("new-project").click();
    await expect(page).toHaveURL(/\/projects\/new$/);
    await page.getByLabel("Name").fill(name);
    await page.getByLabel("Client").fill("Zoë & Co");
    // The vertical is chosen from the list by its label; its name is posted.
    await expect(page.getByLabel("Vertical")).toHaveValue("");
    await page.getByLabel("Vertical").selectOption({ label: "Home decor" });
    await page.getByLabel("Monthly budget").fill("12500.50");
    await page.getByLabel("Meta Ads").check();
    await page.getByLabel("Pinterest Ads").check();
    await page.getByRole("button", { name: "Create project" }).click();

    await expect(page).toHaveURL(/\/projects\/proj_[0-9a-f]+$/);
    await expect(page.getByTestId("project-name")).toHaveText(name);
    await expect(page.getByText("$12,500.50", { exact: true })).toBeVisible();
    await expect(page.getByText("Meta Ads, Pinterest Ads")).toBeVisible();
    await expect(page.getByTestId("project-vertical")).toHaveText("Home decor");
    await expect(page.getByTestId("activity-feed")).toContainText(`Created project ${name}`);

    await page.goto("/projects");
    await expect(page.getByTestId("projects-table").getByRole("link", { name })).toBeVisible();
    const row = page.getByTestId("projects-table").locator("tbody tr", { hasText: name });
    await expect(row.getByTestId("vertical-label")).toHaveText("Home decor");

    await page.getByTestId("projects-table").getByRole("link", { name }).click();
    await page.getByTestId("edit-project").click();
    await expect(page.getByLabel("Name")).toHaveValue(name);
    await expect(page.getByLabel("Meta Ads")).toBeChecked();
    await expect(page.getByLabel("Vertical")).toHaveValue("home_decor");
    const renamed = `${name} (renamed)`;
    await page.getByLabel("Name").fill(renamed);
    await page.getByLabel("Vertical").selectOption("retail");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page).toHaveURL(/\/projects\/proj_[0-9a-f]+$/);
    await expect(page.getByTestId("project-name")).toHaveText(renamed);
    await expect(page.getByTestId("project-vertical")).toHaveText("Retail & e-commerce");

    await page.getByTestId("archive-project").click();
    await expect(page.getByText("Archived").first()).toBeVisible();
    await expect(page.getByTestId("archive-project")).toHaveText("Restore");
  });

  test("an empty name is refused with a message next to the field", async ({ page }) => {
    await page.goto("/projects/new");
    await page.getByLabel("Monthly budget").fill("a lot");
    await page.getByRole("button", { name: "Create project" }).click();
    await expect(page.getByTestId("error-name")).toHaveText("Enter a name for the project");
    await expect(page.getByTestId("error-monthly_budget")).toContainText("amount");
    await expect(page).toHaveURL(/\/projects\/new/);
  });

  test("the list filters by status", async ({ page }) => {
    await page.goto("/projects?status=archived");
    const rows = page.getByTestId("projects-table").locator("tbody tr");
    await expect(rows.first()).toBeVisible();
    for (const badge of await rows.locator(".badge").allInnerTexts()) {
      expect(badge).toBe("Archived");
    }
  });
});

test.describe("campaigns", () => {
  test("filter by platform, sort by budget, open one with its daily metrics", async ({ page }) => {
    await page.goto("/campaigns");
    await expect(page.getByTestId("campaign-count")).toContainText("campaigns");
    await page.getByTestId("campaign-filters").getByLabel("Platform").selectOption("meta");
    await page.getByTestId("campaign-filters").getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/platform=meta/);
    const table = page.getByTestId("campaigns-table");
    const platforms = await table.locator("tbody tr td:nth-child(3)").allInnerTexts();
    expect(platforms.length).toBeGreaterThan(0);
    expect(new Set(platforms)).toEqual(new Set(["Meta Ads"]));

    await table.getByRole("link", { name: "Daily budget" }).click();
    await expect(page).toHaveURL(/sort=daily_budget/);
    const budgets = (await page.getByTestId("campaigns-table").locator("tbody tr td:nth-child(8)").allInnerTexts()).map((t) =>
      Number(t.replace(/[^0-9.]/g, "")),
    );
    expect(budgets).toEqual([...budgets].sort((a, b) => a - b));

    await page.getByTestId("campaigns-table").locator("tbody tr a").first().click();
    await expect(page).toHaveURL(/\/campaigns\/camp_/);
    await expect(page.getByTestId("metrics-table").locator("tbody tr")).toHaveCount(90);
    await expect(page.getByTestId("total-clicks")).toBeVisible();
  });
});
