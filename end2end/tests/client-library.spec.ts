// @paddock/client in a real browser page of Paddock's own site: the browser keeps the
// HttpOnly session cookie and sends the Origin itself, the library uses the page's
// WebSocket and fetch. The built library (packages/client/dist) is served under
// /__client/ by Playwright; the page's script policy is bypassed for that import only in
// this test (Paddock's CSP admits no script but its own).
import { expect, test, type Browser, type Page } from "@playwright/test";
import { readFile } from "node:fs/promises";
import path from "node:path";

const dist = path.resolve(__dirname, "../../packages/client/dist");
const PASSWORD = "Circuit-Bugatti-2026";

async function pageWithLibrary(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ locale: "fr-FR", bypassCSP: true });
  await context.route("**/__client/**", async (route) => {
    const file = new URL(route.request().url()).pathname.replace("/__client/", "");
    if (file.includes("..")) return route.abort();
    await route.fulfill({
      body: await readFile(path.join(dist, file)),
      contentType: "text/javascript",
    });
  });
  const page = await context.newPage();
  await page.goto("/");
  await page.evaluate(async () => {
    const library = await import("/__client/index.js" as string);
    (window as unknown as { Paddock: unknown }).Paddock = library;
  });
  return page;
}

/** Registers a new customer with the library, in the page; returns their display name. */
async function register(page: Page, name: string): Promise<string> {
  return page.evaluate(
    async ({ name, password }) => {
      const { PaddockClient } = (window as any).Paddock;
      const tag = Math.random().toString(36).slice(2, 8);
      const client = new PaddockClient({ url: location.origin });
      (window as any).client = client;
      (window as any).received = [];
      (window as any).states = [];
      client.on("state", (state: string) => (window as any).states.push(state));
      const user = await client.register(`${name.toLowerCase()}.${tag}@navigateur.paddock.test`, `${name} ${tag}`, password);
      return user.display_name as string;
    },
    { name, password: PASSWORD },
  );
}

test("the library works in a browser page: HttpOnly cookie, rooms, live messages", async ({ browser }) => {
  const julie = await pageWithLibrary(browser);
  const thomas = await pageWithLibrary(browser);
  const julieName = await register(julie, "Julie");
  await register(thomas, "Thomas");

  // The session cookie is the browser's, out of the script's reach.
  expect(await julie.evaluate(() => document.cookie)).not.toContain("paddock_session");
  expect(await julie.evaluate(() => (window as any).client.session)).toBeUndefined();

  // Both find the same room with room to spare in the live list, and join it.
  const roomId = await julie.evaluate(
    () =>
      new Promise<string>((resolve) => {
        const stop = (window as any).client.rooms.watch(({ rooms }: { rooms: any[] }) => {
          const room = rooms.find((r) => r.members + 2 <= r.capacity);
          if (room) {
            stop();
            resolve(room.id);
          }
        });
      }),
  );
  for (const page of [julie, thomas]) {
    await page.evaluate(async (id) => {
      const client = (window as any).client;
      await client.rooms.join(id);
      client.channel(id).on("message", (m: any) => (window as any).received.push(m.body));
      await client.channel(id).follow();
    }, roomId);
  }
  expect(await julie.evaluate(() => (window as any).client.state)).toBe("connected");

  const seq = await julie.evaluate((id) => (window as any).client.channel(id).post("Salut depuis le navigateur !"), roomId);
  expect(seq).toBeGreaterThan(0);
  await expect.poll(() => thomas.evaluate(() => (window as any).received)).toEqual(["Salut depuis le navigateur !"]);
  const author = await thomas.evaluate(async (id) => {
    const { messages } = await (window as any).client.channel(id).history({ limit: 1 });
    return messages[0].author_name;
  }, roomId);
  expect(author).toBe(julieName);

  // A refusal comes back typed, with the server's French message.
  const refusal = await thomas.evaluate(async () => {
    try {
      await (window as any).client.rooms.join("00000000-0000-4000-8000-00000000dead");
      return null;
    } catch (error: any) {
      return { name: error.name, code: error.code, message: error.message };
    }
  });
  expect(refusal?.name).toBe("PaddockError");
  expect(refusal?.code).toBe("not_found");

  // Logging out in the page closes its socket for good.
  await julie.evaluate(() => (window as any).client.logout());
  expect(await julie.evaluate(() => (window as any).client.state)).toBe("closed");
  expect(await julie.evaluate(() => (window as any).states)).toContain("connected");
});
