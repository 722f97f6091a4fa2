import { expect, test } from "@playwright/test";

// The Memory page without JavaScript: the filters are a GET form (the URL holds them and the form
// shows them chosen), a person's note is recorded by a plain post, and a filter value the page does
// not know is named.

test("the list filters through the URL without JavaScript", async ({ page }) => {
  const token = `wombat${Date.now() % 100000}`;
  const summary = `Pinterest ${token} shoppers respond to seasonal boards in autumn`;

  // A note, recorded by a plain form post.
  await page.goto("/memory");
  const form = page.getByTestId("record-form");
  await form.locator("#record-summary").fill(summary);
  await form.locator("#record-platform").selectOption("pinterest");
  await form.locator("#record-vertical").selectOption("home_decor");
  await form.locator("#record-tags").fill("seasonal, boards");
  await page.getByTestId("record-submit").click();
  await expect(page).toHaveURL(/\/memory\??$/);
  await expect(page.getByTestId("memory-notice")).toContainText(`Recorded: ${summary}`);
  // Once: a reload no longer says it.
  await page.reload();
  await expect(page.getByTestId("memory-notice")).toHaveCount(0);

  // Filters and the search in the form, sent as a GET.
  await page.getByTestId("memory-search").fill(token);
  await page.getByTestId("filter-kind").selectOption("note");
  await page.getByTestId("filter-platform").selectOption("pinterest");
  await page.getByTestId("filter-agent").selectOption("person");
  await page.getByTestId("memory-apply").click();
  await expect(page).toHaveURL(new RegExp(`q=${token}.*agent=person.*kind=note.*platform=pinterest`));
  const card = page.getByTestId("memory").filter({ hasText: summary });
  await expect(card).toHaveCount(1);
  await expect(card).toHaveAttribute("data-kind", "note");
  await expect(card.locator(".memory-chip--platform")).toHaveText("Pinterest Ads");
  await expect(card.locator(".memory-chip--vertical")).toHaveText("Home decor");
  await expect(card.getByTestId("memory-source")).toHaveText("recorded by owner");
  await expect(page.getByTestId("memory-count")).toContainText("1 learning");
  // The form shows what the URL holds.
  await expect(page.getByTestId("memory-search")).toHaveValue(token);
  await expect(page.getByTestId("filter-kind")).toHaveValue("note");
  await expect(page.getByTestId("filter-platform")).toHaveValue("pinterest");

  // Another kind: nothing matches, and the page says so (not an error).
  await page.getByTestId("filter-kind").selectOption("outcome");
  await page.getByTestId("memory-apply").click();
  await expect(page).toHaveURL(/kind=outcome/);
  await expect(page.getByTestId("memory")).toHaveCount(0);
  await expect(page.getByTestId("empty-state")).toContainText("No learnings match");

  // The outcome filter: a note has no outcome, so "pending" leaves it out.
  await page.goto(`/memory?q=${token}&outcome=pending`);
  await expect(page.getByTestId("filter-outcome")).toHaveValue("pending");
  await expect(page.getByTestId("memory").filter({ hasText: summary })).toHaveCount(0);

  // What each agent has learned: the people's line counts it.
  await page.goto("/memory");
  await expect(page.getByTestId("agents-learned").locator('[data-agent="person"]')).toContainText("learning");

  // A value the page does not know is named.
  const bad = await page.goto("/memory?agent=robot");
  expect(bad?.status()).toBe(422);
  await expect(page.getByTestId("error-panel")).toContainText("agent");
});
