// Notifications over SSE with resume after a drop, the Origin the server checks, and a
// server of another protocol version refused with a clear error.
import assert from "node:assert/strict";
import { test } from "node:test";
import { WebSocketServer } from "ws";
import { PaddockClient, PaddockError, PROTOCOL_VERSION } from "../dist/index.js";
import { advisor, collect, newCustomer, next, proxy, serverOrigin, serverUrl, tag } from "./helpers.mjs";

test("notifications arrive live, and those sent during a drop are replayed once after it", async (t) => {
  const admin = await advisor(t);
  const link = await proxy(t);
  const customer = await newCustomer(t, "Sarah", link.url);
  const newest = (await customer.notifications.list())[0]?.id ?? 0;
  const stream = customer.notifications.subscribe(() => {}, {
    after: newest,
    reconnectMinMs: 50,
    reconnectMaxMs: 200,
  });
  t.after(() => stream.close());
  const mine = tag();
  const received = collect(stream, "notification");
  await next(stream, "connected");

  await admin.admin.sendNotification({ title: `Portes ouvertes ${mine}`, body: "Samedi, essais libres." });
  const [first] = await received.until(1);
  assert.equal(first.title, `Portes ouvertes ${mine}`);

  // The network drops; two notifications are sent meanwhile; it comes back.
  link.down();
  await next(stream, "reconnecting");
  await admin.admin.sendNotification({ title: `Remise hiver ${mine}`, body: "-10 % sur l'équipement." });
  await admin.admin.sendNotification({ title: `Soirée circuit ${mine}`, body: "Jeudi soir à Carole.", link: "/espace/assistant" });
  link.up();
  const all = await received.until(3, 20_000);
  assert.deepEqual(
    all.map((n) => n.title),
    [`Portes ouvertes ${mine}`, `Remise hiver ${mine}`, `Soirée circuit ${mine}`],
    "each once, in order",
  );
  assert.ok(all[1].id > all[0].id && all[2].id > all[1].id);
  assert.equal(stream.lastEventId, all[2].id);
  assert.equal(all[2].link, "/espace/assistant");
});

test("without a starting point, a notification sent during a drop before the first event is not missed", async (t) => {
  const admin = await advisor(t);
  const link = await proxy(t);
  const customer = await newCustomer(t, "Agathe", link.url);
  const stream = customer.notifications.subscribe(() => {}, { reconnectMinMs: 50, reconnectMaxMs: 200 });
  t.after(() => stream.close());
  const received = collect(stream, "notification");
  await next(stream, "connected");
  link.down();
  await next(stream, "reconnecting");
  const mine = tag();
  await admin.admin.sendNotification({ title: `Pendant la coupure ${mine}`, body: "Toujours là." });
  link.up();
  const [missed] = await received.until(1, 20_000);
  assert.equal(missed.title, `Pendant la coupure ${mine}`);
});

test("the notification stream is for customers: an advisor's ends with forbidden", async (t) => {
  const admin = await advisor(t);
  const stream = admin.notifications.subscribe(() => {});
  t.after(() => stream.close());
  const error = await next(stream, "error");
  assert.equal(error.code, "forbidden");
  assert.equal(stream.closed, true);
});

test("a Node client sending a foreign Origin is refused, at login and at the socket", async (t) => {
  const intruder = new PaddockClient({ url: serverUrl, origin: "https://evil.example" });
  await assert.rejects(intruder.login("julie.petit@paddock.test", "PaddockClient2026!"), (error) => {
    assert.ok(error instanceof PaddockError);
    assert.equal(error.code, "cross_site_request");
    assert.equal(error.status, 403);
    return true;
  });

  // Even with a real session, the socket is refused when the Origin is not the site's.
  const customer = await newCustomer(t, "Ines");
  const borrowed = new PaddockClient({
    url: serverUrl,
    origin: "https://evil.example",
    session: customer.session,
  });
  t.after(() => borrowed.close());
  await assert.rejects(borrowed.connect(), { code: "cross_site_request" });
  assert.equal(borrowed.state, "closed");
  // The right origin with the same session works.
  const same = new PaddockClient({ url: serverUrl, origin: serverOrigin, session: customer.session });
  t.after(() => same.close());
  await same.connect();
  assert.equal(same.connection.userId, customer.user.id);
});

test("logging out ends the session: the socket closes and is not reopened", async (t) => {
  const customer = await newCustomer(t, "Karim");
  const email = customer.user.email;
  const elsewhere = new PaddockClient({ url: serverUrl, session: customer.session });
  t.after(() => elsewhere.close());
  await elsewhere.connect();
  const ended = next(elsewhere, "sessionEnded");
  await customer.logout();
  assert.equal((await ended).code, "session_ended");
  assert.equal(elsewhere.state, "closed");
  await assert.rejects(elsewhere.rooms.join("00000000-0000-4000-8000-000000000000"), {
    code: "session_ended",
  });
  // The same client logs in again and goes on.
  await elsewhere.login(email, "Circuit-Bugatti-2026");
  await elsewhere.connect();
  assert.equal(elsewhere.state, "connected");
});

test("a server speaking another protocol version is refused with a clear error", async (t) => {
  // A stand-in server that says `welcome` with a future version (Paddock itself can't).
  const server = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  t.after(() => server.close());
  server.on("connection", (socket) =>
    socket.send(JSON.stringify({ type: "welcome", user_id: crypto.randomUUID(), protocol: PROTOCOL_VERSION + 1 })),
  );
  await new Promise((resolve) => server.on("listening", resolve));
  const client = new PaddockClient({ url: `http://127.0.0.1:${server.address().port}` });
  const errors = collect(client, "error");
  await assert.rejects(client.connect(), (error) => {
    assert.equal(error.code, "incompatible_server");
    assert.match(error.message, /version/);
    return true;
  });
  assert.equal(client.state, "closed");
  assert.equal(errors.values[0].code, "incompatible_server");
});
