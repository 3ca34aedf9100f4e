import { expect, test } from "@playwright/test";
import { ADMIN, CUSTOMER, THOMAS, customerOnRooms, gotoHydrated, signedIn } from "../tests/helpers";

// Chromium talks to Caddy only (baseURL); each instance's metrics listener, reached
// directly, tells which instance holds which socket.
const METRICS = (process.env.PADDOCK_SMOKE_METRICS ?? "").split(/\s+/).filter(Boolean);
const TOKEN = process.env.PADDOCK_SMOKE_METRICS_TOKEN ?? "";

/** Sum of the samples of `name` on one instance (0 while the metric does not exist yet). */
async function metric(url: string, name: string): Promise<number> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(response.status, `${url} answers`).toBe(200);
  let sum = 0;
  for (const line of (await response.text()).split("\n")) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) sum += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return sum;
}
const perInstance = (name: string) => Promise.all(METRICS.map((url) => metric(url, name)));
const total = async (name: string) => (await perInstance(name)).reduce((a, b) => a + b, 0);

test.beforeAll(() => {
  expect(METRICS, "PADDOCK_SMOKE_METRICS names the two instances' /metrics").toHaveLength(2);
});

test("a page loads through Caddy and hydrates; /metrics is not exposed", async ({ page, request }) => {
  const response = await gotoHydrated(page, "/");
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("navigation", { name: "Navigation principale" })).toBeVisible();
  // The metrics live on their own listener, which Caddy never proxies.
  expect((await request.get("/metrics")).status()).toBe(404);
  expect((await request.get("/readyz")).status()).toBe(200);
});

test("two customers on different instances talk over WebSockets through Caddy", async ({ browser }) => {
  const julie = await customerOnRooms(browser, CUSTOMER);
  await expect.poll(() => total("paddock_ws_connections")).toBe(1);
  const julieOn = (await perInstance("paddock_ws_connections")).indexOf(1);

  // The smoke test's Caddy picks an instance at random (production: least connections,
  // which the streams left by earlier pages can tilt to one instance); reload Thomas's
  // page until his socket is on the other instance (each reload closes his socket and
  // opens a new one): 16 tries leave a 1 in 65,536 chance of never landing there.
  const thomas = await customerOnRooms(browser, THOMAS);
  let sockets: number[] = [];
  for (let attempt = 1; attempt <= 16; attempt++) {
    await expect.poll(() => total("paddock_ws_connections")).toBe(2);
    sockets = await perInstance("paddock_ws_connections");
    if (sockets[julieOn] === 1 && sockets[1 - julieOn] === 1) break;
    await gotoHydrated(thomas, "/espace/salons");
    await expect(thomas.getByRole("status")).toHaveText("Connecté");
  }
  const expected = [0, 0];
  expected[julieOn] = 1;
  expected[1 - julieOn] = 1;
  expect(sockets, "one socket on each instance").toEqual(expected);
  console.log(`sockets per instance (metrics listeners): ${JSON.stringify(sockets)}; Julie on instance ${julieOn + 1}, Thomas on instance ${2 - julieOn}`);

  // Their direct conversation (seeded): each message crosses from one instance to the
  // other through PostgreSQL NOTIFY.
  await julie.getByRole("button", { name: "Ouvrir la conversation avec Thomas Durand" }).click();
  await thomas.getByRole("button", { name: "Ouvrir la conversation avec Julie Petit" }).click();
  const hello = `Départ 9 h au garage ? (${Date.now() % 100000})`;
  await julie.getByLabel("Votre message").fill(hello);
  await julie.getByLabel("Votre message").press("Enter");
  await expect(thomas.getByRole("log", { name: "Messages" })).toContainText(hello);
  const reply = `OK pour 9 h ! (${Date.now() % 100000})`;
  await thomas.getByLabel("Votre message").fill(reply);
  await thomas.getByLabel("Votre message").press("Enter");
  await expect(julie.getByRole("log", { name: "Messages" })).toContainText(reply);
  await expect(julie.getByText("Envoi…")).toHaveCount(0);

  // Still one socket each: nothing reconnected elsewhere meanwhile.
  expect(await perInstance("paddock_ws_connections")).toEqual(expected);
  await julie.context().close();
  await thomas.context().close();
});

test("an advisor's notification reaches a customer over SSE through Caddy", async ({ browser }) => {
  const delivered = await total("paddock_notifications_delivered_total");
  const julie = await signedIn(browser, CUSTOMER, /\/espace$/, "/espace");
  // Her page has opened its notification stream (EventSource) through Caddy.
  await expect.poll(() => total("paddock_sse_streams")).toBeGreaterThanOrEqual(1);
  const streams = await perInstance("paddock_sse_streams");

  const admin = await signedIn(browser, ADMIN, /\/admin$/, "/admin/notifications");
  const title = `Essai smoke ${Date.now() % 100000}`;
  await admin.getByLabel("Titre").fill(title);
  await admin.getByLabel("Message").fill("Portes ouvertes samedi, café offert.");
  await admin.getByRole("button", { name: "Envoyer à tous les clients" }).click();
  await expect(admin.getByText("Notification envoyée à tous les clients.")).toBeVisible();

  // Live, without a reload: the toast, and the stream's instance counted it delivered.
  await expect(julie.getByLabel("Nouvelles notifications")).toContainText(title);
  await expect.poll(() => total("paddock_notifications_delivered_total")).toBeGreaterThan(delivered);
  const sent = await perInstance("paddock_notifications_sent_total");
  console.log(`notification streams per instance: ${JSON.stringify(streams)}; sent from instance ${sent.findIndex((n) => n > 0) + 1}`);

  // Both instances served traffic through Caddy.
  for (const requests of await perInstance("paddock_http_requests_total")) expect(requests).toBeGreaterThan(0);
  await julie.context().close();
  await admin.context().close();
});
