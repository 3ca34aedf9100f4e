// Type-level tests, checked by `npm run check-types` (tsc --noEmit): every line under an
// expect-error directive must NOT compile; tsc fails if one of them does.
import {
  type ClientFrame,
  type ClientMessage,
  type ErrorCode,
  type ServerMessage,
  PaddockClient,
  PaddockError,
} from "../../src/index.js";

const room = "00000000-0000-4000-8000-000000000001";

// Frames that are right.
export const good: ClientMessage[] = [
  { type: "join", room_id: room },
  { type: "post", channel_id: room, client_id: room, body: "Salut" },
  { type: "history", channel_id: room, before_seq: 10, limit: 50 },
  { type: "request_advisor", topic: null },
  { type: "watch_support" },
];
export const withRef: ClientFrame = { type: "subscribe", channel_id: room, after_seq: 0, ref: 7 };

// @ts-expect-error: an unknown frame type
export const unknownType: ClientMessage = { type: "drop_tables" };
// @ts-expect-error: `join` needs its room
export const missingField: ClientMessage = { type: "join" };
// @ts-expect-error: a sequence is a number
export const wrongFieldType: ClientMessage = { type: "subscribe", channel_id: room, after_seq: "0" };
// @ts-expect-error: a post has no `text`, it has a `body`
export const misnamedField: ClientMessage = { type: "post", channel_id: room, client_id: room, text: "x" };
// @ts-expect-error: a server frame is not a client frame
export const serverFrame: ClientMessage = { type: "welcome", user_id: room, protocol: 2 };
// @ts-expect-error: a ref is a number
export const wrongRef: ClientFrame = { type: "watch_rooms", ref: "1" };
// @ts-expect-error: not an error code of Paddock
export const unknownCode: ErrorCode = "teapot";

// Server frames narrow on their type.
export function describe(frame: ServerMessage): string {
  switch (frame.type) {
    case "message":
      return `${frame.author_name}: ${frame.body} (#${frame.seq})`;
    case "error":
      // @ts-expect-error: an error has no `body`
      return frame.body;
    case "joined":
      return frame.room.name;
    default:
      return frame.type;
  }
}

export async function usage(client: PaddockClient): Promise<number> {
  const channel = client.channel(room);
  channel.on("message", (message) => message.body.toUpperCase());
  // @ts-expect-error: channels have no `shout` event
  channel.on("shout", () => {});
  // @ts-expect-error: a body is a string
  await channel.post(42);
  try {
    return await channel.post("Bonjour");
  } catch (error) {
    if (error instanceof PaddockError && error.code === "rate_limited") {
      return error.retryAfterSecs ?? 1;
    }
    // @ts-expect-error: compared with a code that does not exist
    if (error instanceof PaddockError && error.code === "room_exploded") return 0;
    throw error;
  }
}
