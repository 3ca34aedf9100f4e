/**
 * @paddock/client: the typed client of Paddock's real-time protocol, for browsers and
 * Node.js. See the package's README for the guarantees and every method.
 */
export { PaddockClient, Admin, type PaddockClientOptions } from "./client.js";
export { Channel, type ChannelEvents, type FollowOptions, type HistoryPage } from "./channel.js";
export { Rooms, type RoomList, type Joined, type DirectOpened } from "./rooms.js";
export { Support, type SupportEvents, type SupportQueue, type SupportStatus } from "./support.js";
export {
  Notifications,
  NotificationStream,
  type NotificationStreamEvents,
  type SubscribeOptions,
} from "./notifications.js";
export { type ConnectionState, type ConnectionEvents } from "./connection.js";
export { PaddockError, type ClientErrorCode } from "./errors.js";
export { backoffMillis } from "./backoff.js";
export { EventStreamParser, type ServerSentEvent } from "./sse.js";
export type { WebSocketConstructor, SocketLike } from "./socket.js";
export * from "./generated/protocol.js";
