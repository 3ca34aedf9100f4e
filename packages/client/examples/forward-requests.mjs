#!/usr/bin/env node
// Forwards every new request for a sales advisor to the dealership's own system (a CRM
// webhook), live, as long as it runs: a reconnection resumes the queue, and each request
// is forwarded once. Run it with an advisor's account.
//
//   PADDOCK_URL=https://paddock.example PADDOCK_EMAIL=… PADDOCK_PASSWORD=… \
//   CRM_WEBHOOK=https://crm.example/hooks/paddock node forward-requests.mjs
import { PaddockClient } from "@paddock/client";

const { PADDOCK_URL, PADDOCK_EMAIL, PADDOCK_PASSWORD, CRM_WEBHOOK } = process.env;
if (!PADDOCK_URL || !PADDOCK_EMAIL || !PADDOCK_PASSWORD || !CRM_WEBHOOK) {
  console.error("Set PADDOCK_URL, PADDOCK_EMAIL, PADDOCK_PASSWORD and CRM_WEBHOOK.");
  process.exit(2);
}

const paddock = new PaddockClient({ url: PADDOCK_URL });
const forwarded = new Set();

paddock.on("state", (state) => console.log(`[paddock] ${state}`));
paddock.on("sessionEnded", () => {
  console.error("Session ended: log in again.");
  process.exit(1);
});

paddock.support.on("queue", async ({ requests }) => {
  for (const request of requests) {
    if (forwarded.has(request.id)) continue;
    forwarded.add(request.id);
    try {
      const response = await fetch(CRM_WEBHOOK, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          source: "paddock",
          kind: "advisor_request",
          id: request.id,
          customer: { id: request.customer_id, name: request.customer_name },
          topic: request.topic,
          requested_at: request.requested_at,
        }),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      console.log(`forwarded ${request.id} (${request.customer_name})`);
    } catch (error) {
      forwarded.delete(request.id); // tried again on the next queue update
      console.error(`could not forward ${request.id}: ${error.message}`);
    }
  }
});

await paddock.login(PADDOCK_EMAIL, PADDOCK_PASSWORD);
await paddock.support.watch();
console.log("Watching the queue of advisor requests…");
const stop = () => {
  paddock.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
