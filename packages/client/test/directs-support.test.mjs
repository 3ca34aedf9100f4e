// Direct messages between customers and the live chat with an advisor, end to end.
import assert from "node:assert/strict";
import { test } from "node:test";
import { advisor, collect, newCustomer, next } from "./helpers.mjs";

test("a customer finds another by name and writes to them directly", async (t) => {
  const julie = await newCustomer(t, "Julie");
  const thomas = await newCustomer(t, "Thomas");
  const [hit] = await julie.searchCustomers(thomas.user.display_name);
  assert.equal(hit.id, thomas.user.id);

  const opened = await julie.rooms.openDirect(hit.id);
  assert.equal(opened.direct.other_id, thomas.user.id);
  const channelId = opened.direct.channel_id;
  // Thomas sees the conversation appear in his live list, then follows it.
  const lists = [];
  thomas.rooms.watch((list) => lists.push(list));
  await thomas.connect();
  const atThomas = collect(thomas.channel(channelId));
  await thomas.channel(channelId).follow({ after: 0 });
  await julie.channel(channelId).post("Tu as vu la nouvelle Ténéré ?");
  const [message] = await atThomas.until(1);
  assert.equal(message.author_id, julie.user.id);
  assert.ok(lists.at(-1).directs.some((d) => d.channel_id === channelId));
  await thomas.channel(channelId).markRead(message.seq);
});

test("a customer asks for an advisor, who accepts; they talk, then the customer ends it", async (t) => {
  const desk = await advisor(t);
  const customer = await newCustomer(t, "Manon");
  await desk.support.watch();
  await desk.support.setAvailable(true);
  t.after(() => desk.support.setAvailable(false).catch(() => {}));

  await customer.support.watch();
  const waiting = await customer.support.request("Révision de ma MT-07");
  assert.equal(waiting.topic, "Révision de ma MT-07");
  assert.ok(waiting.position >= 1);
  // The request shows in the advisor's live queue.
  while (!desk.support.queue?.requests.some((r) => r.id === waiting.id)) {
    await next(desk.support, "queue");
  }
  await assert.rejects(customer.support.request("Encore"), { code: "request_pending" });

  const openedForCustomer = next(customer.support, "opened");
  const conversation = await desk.support.accept(waiting.id);
  assert.equal(conversation.customer_id, customer.user.id);
  assert.equal((await openedForCustomer).channel_id, conversation.channel_id);

  const atAdvisor = collect(desk.channel(conversation.channel_id));
  await desk.channel(conversation.channel_id).follow();
  await customer.channel(conversation.channel_id).post("Bonjour, la révision des 20 000 km ?");
  const [question] = await atAdvisor.until(1);
  assert.equal(question.author_id, customer.user.id);

  const ended = next(desk.support, "ended");
  await customer.support.end(conversation.channel_id);
  assert.equal((await ended).channelId, conversation.channel_id);
  await assert.rejects(
    customer.channel(conversation.channel_id).post("Une dernière chose"),
    { code: "conversation_ended" },
  );
});

test("only advisors may accept requests; a refused request tells the customer why", async (t) => {
  const desk = await advisor(t);
  const customer = await newCustomer(t, "Nina");
  const other = await newCustomer(t, "Yanis");
  await desk.support.watch();
  await desk.support.setAvailable(true);
  t.after(() => desk.support.setAvailable(false).catch(() => {}));
  await customer.support.watch();
  const waiting = await customer.support.request("Essai de la Tracer 9");
  await assert.rejects(other.support.accept(waiting.id), { code: "forbidden" });

  const refused = next(customer.support, "refused");
  await desk.support.refuse(waiting.id, "Essais complets cette semaine.");
  assert.deepEqual(await refused, {
    requestId: waiting.id,
    reason: "Essais complets cette semaine.",
  });
  await assert.rejects(desk.support.accept(waiting.id), { code: "already_taken" });
});
