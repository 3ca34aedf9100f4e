// Shared by the tests: the release server under test, fresh accounts, a TCP proxy that
// can cut every connection (a real network failure), and waiting for events.
import { randomUUID } from "node:crypto";
import net from "node:net";
import { PaddockClient } from "../dist/index.js";

/** The release server started by the README's test command (scripts/test.sh). */
export const serverUrl = process.env.PADDOCK_URL ?? "http://127.0.0.1:3100";
export const serverOrigin = new URL(serverUrl).origin;
const PASSWORD = "Circuit-Bugatti-2026";
/** Seeded advisor (seed.sql). */
export const ADVISOR = { email: "lucas.bernard@paddock.test", password: "PaddockAdmin2026!" };

/** Fast reconnections: the tests cut connections on purpose. */
export const fast = { reconnect: { minMs: 50, maxMs: 400 }, requestTimeoutMs: 10_000 };

export function tag() {
  return randomUUID().slice(0, 8);
}

/** A new customer account, logged in (through `via`, a proxy URL, when given). */
export async function newCustomer(t, name, via) {
  const client = new PaddockClient({ url: via ?? serverUrl, origin: serverOrigin, ...fast });
  const id = tag();
  await client.register(`${name.toLowerCase()}.${id}@client-tests.paddock.test`, `${name} ${id}`, PASSWORD);
  t.after(() => client.close());
  return client;
}

/** The seeded advisor, logged in. */
export async function advisor(t) {
  const client = new PaddockClient({ url: serverUrl, ...fast });
  await client.login(ADVISOR.email, ADVISOR.password);
  t.after(() => client.close());
  return client;
}

/** A room created by the advisor, deleted after the test. */
export async function newRoom(t, admin, capacity = 20) {
  const room = await admin.admin.createRoom(`Tests client ${tag()}`, capacity);
  t.after(() => admin.admin.deleteRoom(room.id).catch(() => {}));
  return room;
}

/** Collects an emitter's `event` values; `until(n)` waits for n of them. */
export function collect(emitter, event = "message") {
  const values = [];
  const waiters = [];
  emitter.on(event, (value) => {
    values.push(value);
    for (const waiter of [...waiters]) {
      if (values.length >= waiter.count) {
        waiters.splice(waiters.indexOf(waiter), 1);
        clearTimeout(waiter.timer);
        waiter.resolve(values.slice());
      }
    }
  });
  return {
    values,
    until(count, timeoutMs = 15_000) {
      if (values.length >= count) return Promise.resolve(values.slice());
      return new Promise((resolve, reject) => {
        const waiter = { count, resolve };
        waiter.timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`waited for ${count} ${event} events, got ${values.length}`));
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
  };
}

/** Waits for the next `event` of `emitter`. */
export function next(emitter, event, timeoutMs = 15_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    emitter.once(event, (value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A TCP proxy to the server: `cut()` destroys every connection through it (as a dropped
 * network does), `down()` also refuses new ones until `up()`, `mute()` silently drops
 * what the server sends on the open connections (answers lost on the way back).
 */
export async function proxy(t) {
  const target = new URL(serverUrl);
  const sockets = new Set();
  let refusing = false;
  let connections = 0;
  const muted = new Set();
  const server = net.createServer((client) => {
    if (refusing) {
      client.destroy();
      return;
    }
    connections += 1;
    const upstream = net.connect(Number(target.port), target.hostname);
    const pair = [client, upstream];
    const drop = () => {
      for (const socket of pair) {
        socket.destroy();
        sockets.delete(socket);
      }
    };
    for (const socket of pair) {
      sockets.add(socket);
      socket.on("error", drop);
      socket.on("close", drop);
    }
    client.pipe(upstream);
    upstream.on("data", (data) => {
      if (!muted.has(upstream)) client.write(data);
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => {
    for (const socket of sockets) socket.destroy();
    server.close();
  });
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    get connections() {
      return connections;
    },
    cut() {
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      muted.clear();
    },
    mute() {
      for (const socket of sockets) muted.add(socket);
    },
    down() {
      refusing = true;
      this.cut();
    },
    up() {
      refusing = false;
    },
  };
}
