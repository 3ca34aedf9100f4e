// Rooms and messages through the real release server: two customers talk, a burst cut by a
// network failure loses and duplicates nothing, refusals reject with their codes.
import assert from "node:assert/strict";
import { test } from "node:test";
import { PaddockError } from "../dist/index.js";
import { advisor, collect, newCustomer, newRoom, proxy, sleep } from "./helpers.mjs";

test("two customers join a room and receive each other's messages live", async (t) => {
  const admin = await advisor(t);
  const room = await newRoom(t, admin);
  const julie = await newCustomer(t, "Julie");
  const thomas = await newCustomer(t, "Thomas");

  const joined = await julie.rooms.join(room.id);
  assert.equal(joined.room.id, room.id);
  await thomas.rooms.join(room.id);
  const atThomas = collect(thomas.channel(room.id));
  await thomas.channel(room.id).follow();
  const atJulie = collect(julie.channel(room.id));
  await julie.channel(room.id).follow();

  const seq = await julie.channel(room.id).post("Qui roule dimanche matin ?");
  const [received] = await atThomas.until(1);
  assert.equal(received.body, "Qui roule dimanche matin ?");
  assert.equal(received.seq, seq);
  assert.equal(received.author_name, julie.user.display_name);
  await thomas.channel(room.id).post("Moi, départ 8 h.");
  const seen = await atJulie.until(2);
  assert.deepEqual(
    seen.map((m) => m.body),
    ["Qui roule dimanche matin ?", "Moi, départ 8 h."],
  );

  // A newcomer who asks for the whole history gets it once, in order, then what follows.
  const lea = await newCustomer(t, "Lea");
  await lea.rooms.join(room.id);
  const atLea = collect(lea.channel(room.id));
  await lea.channel(room.id).follow({ after: 0 });
  await julie.channel(room.id).post("Bienvenue Léa !");
  assert.deepEqual(
    (await atLea.until(3)).map((m) => m.body),
    ["Qui roule dimanche matin ?", "Moi, départ 8 h.", "Bienvenue Léa !"],
  );

  const older = await thomas.channel(room.id).history({ limit: 2, before: 3 });
  assert.deepEqual(
    older.messages.map((m) => m.body),
    ["Qui roule dimanche matin ?", "Moi, départ 8 h."],
    "history comes in sequence order",
  );
  const members = await julie.rooms.members(room.id);
  assert.equal(members.length, 3);
});

test("the room list is live: a room created by an advisor appears, its occupancy follows", async (t) => {
  const admin = await advisor(t);
  const lea = await newCustomer(t, "Lea");
  const updates = [];
  lea.rooms.watch((list) => updates.push(list));
  await lea.connect();
  const room = await newRoom(t, admin);
  await waitFor(() => updates.some((l) => l.rooms.some((r) => r.id === room.id)));
  await lea.rooms.join(room.id);
  await waitFor(() => {
    const last = updates.at(-1);
    return last.joined.has(room.id) && last.rooms.find((r) => r.id === room.id)?.members === 1;
  });
});

test("a forced disconnect in the middle of a burst loses and duplicates nothing", async (t) => {
  const admin = await advisor(t);
  const room = await newRoom(t, admin);
  const senderLink = await proxy(t);
  const readerLink = await proxy(t);
  const sender = await newCustomer(t, "Hugo", senderLink.url);
  const reader = await newCustomer(t, "Emma", readerLink.url);
  await sender.rooms.join(room.id);
  await reader.rooms.join(room.id);
  const atReader = collect(reader.channel(room.id));
  await reader.channel(room.id).follow();
  const atSender = collect(sender.channel(room.id));
  await sender.channel(room.id).follow();
  const reconnections = collect(sender, "reconnecting");

  const bodies = Array.from({ length: 15 }, (_, i) => `Tour ${i + 1}`);
  const post = (body) => sender.channel(room.id).post(body);
  const posts = bodies.slice(0, 5).map(post);
  await Promise.all(posts);
  // Posts 6 to 10 reach the server and are stored, but their acknowledgements are lost
  // on the way back; then both links drop, and posts 11 to 15 are made while the
  // client reconnects. Posts 6 to 10 go again with their client_ids: stored once.
  senderLink.mute();
  posts.push(...bodies.slice(5, 10).map(post));
  await atReader.until(10);
  senderLink.cut();
  readerLink.cut();
  posts.push(...bodies.slice(10).map(post));
  const seqs = await Promise.all(posts);

  assert.ok(reconnections.values.length >= 1, "the sender reconnected");
  assert.ok(senderLink.connections >= 3, "login, then two sockets through the link");
  assert.equal(new Set(seqs).size, 15, "15 distinct sequences");
  assert.deepEqual([...seqs].sort((a, b) => a - b), seqs, "acknowledged in posting order");
  for (const [who, seen] of [
    ["reader", await atReader.until(15)],
    ["sender", await atSender.until(15)],
  ]) {
    await sleep(300);
    assert.deepEqual(
      seen.map((m) => m.body),
      bodies,
      `${who} saw every message once, in order`,
    );
  }
  assert.equal(atReader.values.length, 15, "no duplicate arrived later");
  const history = await reader.channel(room.id).history({ limit: 50 });
  assert.deepEqual(
    history.messages.map((m) => m.body),
    bodies,
    "stored once each",
  );
});

test("refusals reject with their code: room_full, room_closed, rate_limited", async (t) => {
  const admin = await advisor(t);
  const small = await newRoom(t, admin, 2);
  const [a, b, c] = await Promise.all(
    ["Alice", "Bruno", "Chloe"].map((name) => newCustomer(t, name)),
  );
  await a.rooms.join(small.id);
  await b.rooms.join(small.id);
  await assert.rejects(c.rooms.join(small.id), (error) => {
    assert.ok(error instanceof PaddockError);
    assert.equal(error.code, "room_full");
    assert.match(error.message, /complet/);
    return true;
  });

  // A deleted room refuses posts, and its followers are told.
  const closed = collect(a.channel(small.id), "closed");
  await a.channel(small.id).follow();
  await admin.admin.deleteRoom(small.id);
  await closed.until(1);
  assert.equal(a.channel(small.id).closed, true);
  await assert.rejects(a.channel(small.id).post("Encore là ?"), { code: "room_closed" });

  // What the server would refuse unread is refused at once, without a round trip.
  await assert.rejects(b.channel(small.id).post("x".repeat(2001)), { code: "message_too_long" });
  await assert.rejects(b.channel("pas-un-uuid").post("Salut"), { code: "invalid_input" });

  // Past the posts budget (20 per 10 s by default), posts are refused, with a wait.
  const busy = await newRoom(t, admin);
  await b.rooms.join(busy.id);
  const outcomes = await Promise.allSettled(
    Array.from({ length: 26 }, (_, i) => b.channel(busy.id).post(`Message ${i}`)),
  );
  const refused = outcomes.filter((o) => o.status === "rejected").map((o) => o.reason);
  assert.ok(refused.length >= 5, `${refused.length} refused`);
  for (const error of refused) {
    assert.equal(error.code, "rate_limited");
    assert.ok(error.retryAfterSecs >= 1);
  }
  assert.ok(outcomes.filter((o) => o.status === "fulfilled").length >= 15);
});

test("a customer cannot follow a room they are not a member of", async (t) => {
  const admin = await advisor(t);
  const room = await newRoom(t, admin);
  const outsider = await newCustomer(t, "Paul");
  const errors = collect(outsider.channel(room.id), "error");
  await assert.rejects(outsider.channel(room.id).follow(), { code: "not_member" });
  assert.equal(errors.values[0].code, "not_member");
  assert.equal(outsider.channel(room.id).following, false);
});

async function waitFor(check, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await sleep(25);
  }
}
