#!/usr/bin/env node
// Posts the day's track sessions in a Paddock room, every morning (run it from cron or a
// systemd timer). Re-running it the same day posts nothing twice: each message's
// client_id is derived from the day and the session, and Paddock stores a client_id once.
//
//   PADDOCK_URL=https://paddock.example PADDOCK_EMAIL=… PADDOCK_PASSWORD=… \
//   PADDOCK_ROOM="Sorties circuit" node track-sessions.mjs sessions.json
//
// sessions.json: [{ "date": "2026-11-26", "start": "09:00", "track": "Carole",
//                   "group": "Débutants", "places": 12 }, …]
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { PaddockClient } from "@paddock/client";

const { PADDOCK_URL, PADDOCK_EMAIL, PADDOCK_PASSWORD, PADDOCK_ROOM } = process.env;
const file = process.argv[2] ?? "sessions.json";
const day = process.env.TRACK_DAY ?? new Date().toISOString().slice(0, 10);
if (!PADDOCK_URL || !PADDOCK_EMAIL || !PADDOCK_PASSWORD || !PADDOCK_ROOM) {
  console.error("Set PADDOCK_URL, PADDOCK_EMAIL, PADDOCK_PASSWORD and PADDOCK_ROOM.");
  process.exit(2);
}

/** The same id for the same day, room and session, whenever the script runs. */
function stableClientId(...parts) {
  const hex = createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 32).split("");
  hex[12] = "4"; // a version-4 layout, as the server expects a UUID
  hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  const h = hex.join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const sessions = JSON.parse(await readFile(file, "utf8"))
  .filter((s) => s.date === day)
  .sort((a, b) => a.start.localeCompare(b.start));

const paddock = new PaddockClient({ url: PADDOCK_URL });
try {
  await paddock.login(PADDOCK_EMAIL, PADDOCK_PASSWORD);
  const room = await new Promise((resolve, reject) => {
    const stop = paddock.rooms.watch(({ rooms }) => {
      stop();
      const found = rooms.find((r) => r.name === PADDOCK_ROOM);
      found ? resolve(found) : reject(new Error(`No room named « ${PADDOCK_ROOM} ».`));
    });
  });
  if (!paddock.rooms.list().joined.has(room.id)) await paddock.rooms.join(room.id);
  const channel = paddock.channel(room.id);
  const lines = sessions.length
    ? [
        `🏁 Sessions circuit du ${day.split("-").reverse().join("/")} :`,
        ...sessions.map(
          (s) => `• ${s.start} — ${s.track}, groupe ${s.group} : ${s.places} place(s) libre(s)`,
        ),
        "Réservez votre session avec l'assistant Paddock (Espace client → Assistant).",
      ]
    : [`Pas de session circuit le ${day.split("-").reverse().join("/")}.`];
  for (const [index, line] of lines.entries()) {
    const seq = await channel.post(line, { clientId: stableClientId(day, room.id, index, line) });
    console.log(`#${seq} ${line}`);
  }
} catch (error) {
  console.error(`${error.code ?? "error"}: ${error.message}`);
  process.exitCode = 1;
} finally {
  paddock.close();
}
