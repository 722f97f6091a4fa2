import { expect, test } from "@playwright/test";
import * as http from "node:http";
import { RECEIVER_PORT, gotoHydrated, watchConsole } from "./fixtures/app-page";

test("add a Discord channel, send a test message to it, route run results to it", async ({ page }) => {
  const received: unknown[] = [];
  const receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push(JSON.parse(body));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(RECEIVER_PORT, "127.0.0.1", resolve));
  try {
    const errors = watchConsole(page);
    await gotoHydrated(page, "/integrations");
    const form = page.getByTestId("new-channel");

    // A private address is refused when the channel is saved.
    await form.getByLabel("Name").fill("Internal");
    await form.getByLabel("Incoming webhook address (Discord, Slack)").fill("http://10.0.0.1/hook");
    await page.getByTestId("create-channel").click();
    await expect(form).toContainText("private");

    await form.getByLabel("Name").fill("Media team on Discord");
    await form
      .getByLabel("Incoming webhook address (Discord, Slack)")
      .fill(`http://127.0.0.1:${RECEIVER_PORT}/api/webhooks/1/token`);
    await page.getByTestId("create-channel").click();
    const channels = page.getByTestId("channels-table");
    await expect(channels).toContainText("Media team on Discord");
    await expect(channels).not.toContainText("token");

    await channels.getByRole("row", { name: /Media team on Discord/ }).getByTestId("send-test").click();
    await expect(page.getByTestId("test-result")).toContainText("delivered");
    expect(received).toHaveLength(1);
    const payload = received[0] as { embeds: { title: string }[] };
    expect(payload.embeds[0].title).toContain("Test message from Switchboard");

    const rule = page.getByTestId("new-rule");
    await rule.getByLabel("Name").fill("Every result");
    await rule.getByLabel("Channel").selectOption({ label: "Media team on Discord" });
    await page.getByTestId("create-rule").click();
    const rules = page.getByTestId("rules-table");
    await expect(rules).toContainText("Every result");
    await expect(rules).toContainText("All projects");
    await expect(rules).toContainText("Run completed, Run failed");

    // A run that ends is routed to the channel: start one and read its message at the receiver.
    await gotoHydrated(page, "/workflows");
    const card = page.getByTestId("template-cross_channel_report");
    const project = await card.locator("select option").nth(1).getAttribute("value");
    await card.locator("select").selectOption(project ?? "");
    await card.getByTestId("use-template").click();
    await expect(page).toHaveURL(/\/workflows\/wf_[0-9a-f]+$/);
    await page.getByTestId("start-run").click();
    await expect(page).toHaveURL(/\/executions\/exec_[0-9a-f]+$/);
    const run = page.url().split("/").pop() ?? "";
    await expect(page.getByTestId("run-status")).toHaveText(/completed|failed/, { timeout: 30_000 });
    const status = (await page.getByTestId("run-status").innerText()).trim();
    const about = () =>
      (received as { embeds: { title: string; footer?: { text: string } }[] }[]).filter((m) =>
        m.embeds.some((e) => (e.footer?.text ?? "").includes(run)),
      );
    await expect.poll(() => about().length, { timeout: 30_000 }).toBe(1);
    const title = about()[0].embeds[0].title;
    expect(title).toContain(status === "failed" ? "Run failed" : "Run completed");
    expect(title).toContain("Cross-channel performance report");
    // The refused address answered 422 on purpose; nothing else went wrong.
    expect(errors.filter((e) => !e.includes("status of 422"))).toEqual([]);
  } finally {
    receiver.close();
  }
});
