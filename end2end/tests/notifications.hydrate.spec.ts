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
    // The refused address answered 422 on purpose; nothing else went wrong.
    expect(errors.filter((e) => !e.includes("status of 422"))).toEqual([]);
  } finally {
    receiver.close();
  }
});
