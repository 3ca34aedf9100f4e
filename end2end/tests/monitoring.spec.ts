import { expect, test } from "@playwright/test";
import { createServer, type Server } from "node:http";
import { CUSTOMER, gotoHydrated, signedIn } from "./helpers";

// The release server under test reports to SENTRY_DSN=http://e2e@127.0.0.1:<this port>/1
// (scripts/test.sh): this fake Sentry receives what it forwards.
const SENTRY_PORT = Number(process.env.PADDOCK_E2E_SENTRY_PORT ?? 3190);

type SentryEvent = {
  platform?: string;
  exception?: { values: { type: string; value: string }[] };
  tags?: Record<string, string>;
  user?: { id?: string };
  extra?: Record<string, string>;
};

const envelopes: string[] = [];
let fakeSentry: Server;

test.beforeAll(async () => {
  fakeSentry = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      if (request.method === "POST" && request.url === "/api/1/envelope/") envelopes.push(body);
      // No kept-alive connection: a retried test starts another fake Sentry on this port,
      // and the server must not post to the closed one's socket.
      response.writeHead(200, { connection: "close" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => fakeSentry.listen(SENTRY_PORT, "127.0.0.1", resolve));
});

test.afterAll(async () => {
  await new Promise((resolve) => fakeSentry.close(resolve));
});

/** The events of every envelope received so far. */
function events(): SentryEvent[] {
  return envelopes.flatMap((envelope) =>
    envelope
      .split("\n")
      .filter((line) => line.includes('"exception"'))
      .map((line) => JSON.parse(line) as SentryEvent),
  );
}

async function eventWith(message: string): Promise<SentryEvent> {
  await expect
    .poll(() => events().some((e) => e.exception?.values[0]?.value.includes(message)), { timeout: 15_000 })
    .toBe(true);
  return events().find((e) => e.exception!.values[0].value.includes(message))!;
}

test("an uncaught error and an unhandled rejection in a customer's page reach Sentry through Paddock", async ({ browser }) => {
  const page = await signedIn(browser, CUSTOMER, /\/espace$/, "/espace/salons");
  const reports: number[] = [];
  page.on("response", (r) => r.url().endsWith("/api/client-errors") && reports.push(r.status()));

  const marker = `boum-${Date.now()}`;
  await page.evaluate((m) => {
    setTimeout(() => {
      throw new TypeError(`erreur e2e ${m}`);
    });
    void Promise.reject(new Error(`rejet e2e ${m}`));
  }, marker);

  const error = await eventWith(`erreur e2e ${marker}`);
  expect(error.platform).toBe("javascript");
  expect(error.exception!.values[0].type).toBe("Error");
  expect(error.tags).toMatchObject({ source: "browser", kind: "error", page: "/espace/salons" });
  expect(error.user?.id).toMatch(/^[0-9a-f-]{36}$/);
  expect(error.extra?.stack).toContain(`erreur e2e ${marker}`);

  const rejection = await eventWith(`rejet e2e ${marker}`);
  expect(rejection.exception!.values[0].type).toBe("UnhandledRejection");
  expect(rejection.tags?.kind).toBe("unhandled_rejection");
  // The page posted both reports itself (same origin: the CSP allows nothing else; the
  // answers may come after Sentry got the events) and was not disturbed: it still works.
  await expect.poll(() => reports).toEqual([202, 202]);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
});

test("a visitor's error is reported too, without a user", async ({ page }) => {
  await gotoHydrated(page, "/connexion");
  const marker = `visiteur-${Date.now()}`;
  await page.evaluate((m) => {
    setTimeout(() => {
      throw new Error(`erreur visiteur ${m}`);
    });
  }, marker);
  const error = await eventWith(`erreur visiteur ${marker}`);
  expect(error.tags?.page).toBe("/connexion");
  expect(error.user).toBeUndefined();
});
