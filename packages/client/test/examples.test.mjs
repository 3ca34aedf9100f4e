// The examples run against the real server, as a dealership would run them.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { ADVISOR, advisor, newCustomer, newRoom, serverUrl } from "./helpers.mjs";

const examples = fileURLToPath(new URL("../examples/", import.meta.url));
/** The other seeded advisor: the examples run as a dealership's own account. */
const BOT = { email: "claire.martin@paddock.test", password: ADVISOR.password };

function run(script, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(examples, script), ...args], {
      env: { ...process.env, PADDOCK_URL: serverUrl, PADDOCK_EMAIL: BOT.email, PADDOCK_PASSWORD: BOT.password, ...env },
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, out }));
  });
}

test("track-sessions posts the day's sessions once, even when run twice", async (t) => {
  const admin = await advisor(t);
  const room = await newRoom(t, admin);
  const dir = await mkdtemp(join(tmpdir(), "paddock-example-"));
  const sessions = join(dir, "sessions.json");
  await writeFile(
    sessions,
    JSON.stringify([
      { date: "2026-12-05", start: "14:00", track: "Carole", group: "Confirmés", places: 4 },
      { date: "2026-12-05", start: "09:00", track: "Carole", group: "Débutants", places: 12 },
      { date: "2026-12-06", start: "09:00", track: "Lédenon", group: "Tous", places: 20 },
    ]),
  );
  const env = { PADDOCK_ROOM: room.name, TRACK_DAY: "2026-12-05" };
  const first = await run("track-sessions.mjs", [sessions], env);
  assert.equal(first.code, 0, first.out);
  const again = await run("track-sessions.mjs", [sessions], env);
  assert.equal(again.code, 0, again.out);
  assert.equal(again.out, first.out, "the second run was acknowledged with the same sequences");

  const reader = await newCustomer(t, "Lecteur");
  await reader.rooms.join(room.id);
  const { messages } = await reader.channel(room.id).history({ limit: 20 });
  assert.deepEqual(
    messages.map((m) => m.body),
    [
      "🏁 Sessions circuit du 05/12/2026 :",
      "• 09:00 — Carole, groupe Débutants : 12 place(s) libre(s)",
      "• 14:00 — Carole, groupe Confirmés : 4 place(s) libre(s)",
      "Réservez votre session avec l'assistant Paddock (Espace client → Assistant).",
    ],
  );
});

test("forward-requests sends each new advisor request to the dealership's webhook", async (t) => {
  const received = [];
  const crm = http.createServer((request, response) => {
    let body = "";
    request.on("data", (d) => (body += d));
    request.on("end", () => {
      received.push(JSON.parse(body));
      response.writeHead(204).end();
    });
  });
  await new Promise((resolve) => crm.listen(0, "127.0.0.1", resolve));
  t.after(() => crm.close());

  const desk = await advisor(t);
  await desk.support.setAvailable(true);
  t.after(() => desk.support.setAvailable(false).catch(() => {}));
  const child = spawn(process.execPath, [join(examples, "forward-requests.mjs")], {
    env: {
      ...process.env,
      PADDOCK_URL: serverUrl,
      PADDOCK_EMAIL: BOT.email,
      PADDOCK_PASSWORD: BOT.password,
      CRM_WEBHOOK: `http://127.0.0.1:${crm.address().port}/hooks/paddock`,
    },
  });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  t.after(() => child.kill("SIGTERM"));
  const deadline = Date.now() + 15_000;
  while (!out.includes("Watching")) {
    assert.ok(Date.now() < deadline, out);
    await new Promise((r) => setTimeout(r, 50));
  }

  const customer = await newCustomer(t, "Gabriel");
  const waiting = await customer.support.request("Reprise de ma Hornet");
  while (!received.some((r) => r.id === waiting.id)) {
    assert.ok(Date.now() < deadline, `not forwarded:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const forwarded = received.find((r) => r.id === waiting.id);
  assert.equal(forwarded.topic, "Reprise de ma Hornet");
  assert.equal(forwarded.customer.name, customer.user.display_name);
  assert.equal(received.filter((r) => r.id === waiting.id).length, 1, "forwarded once");
  await customer.support.cancel();
});
