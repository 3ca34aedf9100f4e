import { Channel } from "./channel.js";
import { Connection, type ConnectionEvents, type ConnectionState } from "./connection.js";
import { PaddockError, messages } from "./errors.js";
import type {
  CurrentUser,
  CustomerHit,
  RoomSummary,
  SentNotification,
  ServerMessage,
} from "./generated/protocol.js";
import { CookieJar, Http, isServerRuntime } from "./http.js";
import { Notifications } from "./notifications.js";
import { Rooms } from "./rooms.js";
import type { WebSocketConstructor } from "./socket.js";
import { Support } from "./support.js";

export interface PaddockClientOptions {
  /** The Paddock site, e.g. `https://paddock.example` (its `/ws` and `/api` are used). */
  url: string | URL;
  /**
   * Outside browsers: the `Origin` sent with every request, which the server checks.
   * Default: the origin of `url`. Browsers always send their page's own.
   */
  origin?: string;
  /**
   * Outside browsers: a session cookie header saved from {@link PaddockClient.session},
   * to go on without logging in again.
   */
  session?: string;
  /** The `fetch` to use (default: the global one). */
  fetch?: typeof fetch;
  /** The WebSocket constructor (default: the browser's; in Node, the `ws` package). */
  WebSocket?: WebSocketConstructor;
  /** Time limit of an answer to a request (default 30 s). */
  requestTimeoutMs?: number;
  /** Backoff of reconnections: first and largest wait (default 500 ms and 30 s). */
  reconnect?: { minMs?: number; maxMs?: number };
}

/**
 * The client of one Paddock site, for one user: log in, then rooms, channels, direct
 * messages, the advisor chat (one WebSocket, opened on first use) and notifications
 * (Server-Sent Events).
 *
 * ```ts
 * const paddock = new PaddockClient({ url: "https://paddock.example" });
 * await paddock.login("julie@example.com", "…");
 * await paddock.rooms.join(roomId);
 * paddock.channel(roomId).on("message", (m) => console.log(m.author_name, m.body));
 * await paddock.channel(roomId).post("Bonjour !");
 * ```
 */
export class PaddockClient {
  readonly rooms: Rooms;
  readonly support: Support;
  readonly notifications: Notifications;
  /** Advisors only: rooms and notifications management (server functions check the role). */
  readonly admin: Admin;
  /** @internal */
  readonly connection: Connection;
  #http: Http;
  #channels = new Map<string, Channel>();
  #user: CurrentUser | null = null;

  constructor(options: PaddockClientOptions) {
    const base = new URL(options.url);
    const fetchImpl = options.fetch ?? globalThis.fetch?.bind(globalThis);
    if (!fetchImpl) throw new PaddockError("network", "fetch est introuvable dans cet environnement.");
    const cookies =
      isServerRuntime || options.session !== undefined ? new CookieJar(options.session) : undefined;
    this.#http = new Http(base, options.origin ?? base.origin, fetchImpl, cookies);
    this.connection = new Connection(this.#http, {
      WebSocket: options.WebSocket,
      requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
      reconnectMinMs: options.reconnect?.minMs ?? 500,
      reconnectMaxMs: options.reconnect?.maxMs ?? 30_000,
    });
    this.rooms = new Rooms(this.connection);
    this.support = new Support(this.connection);
    this.notifications = new Notifications(this.#http);
    this.admin = new Admin(this.#http);
    this.connection.on("frame", (frame) => this.#route(frame));
  }

  /** The logged-in user (after `login`, `register` or `me`). */
  get user(): CurrentUser | null {
    return this.#user;
  }

  /** The connection's state: `idle`, `connecting`, `connected`, `reconnecting`, `offline`, `closed`. */
  get state(): ConnectionState {
    return this.connection.state;
  }

  /**
   * Outside browsers: the session cookie header, to save and pass as `session` later.
   * A secret: whoever holds it is logged in as this user.
   */
  get session(): string | undefined {
    return this.#http.cookies?.header();
  }

  /**
   * Listens to the connection: `state`, `connected`, `reconnecting`, `offline`,
   * `sessionEnded`, `error` (refusals about no particular request), `frame` (every frame).
   * Returns the function that stops listening.
   */
  on<K extends keyof ConnectionEvents>(
    event: K,
    listener: (value: ConnectionEvents[K]) => void,
  ): () => void {
    return this.connection.on(event, listener);
  }

  /** Like `on`, for the next event only. */
  once<K extends keyof ConnectionEvents>(
    event: K,
    listener: (value: ConnectionEvents[K]) => void,
  ): () => void {
    return this.connection.once(event, listener);
  }

  /** Logs in; rejects with `invalid_credentials`, `rate_limited` (with `retryAfterSecs`)… */
  async login(email: string, password: string): Promise<CurrentUser> {
    await this.#http.call("session/login", { email, password });
    return this.#loggedIn();
  }

  /** Creates a customer account and logs in. */
  async register(email: string, displayName: string, password: string): Promise<CurrentUser> {
    await this.#http.call("session/register", { email, display_name: displayName, password });
    return this.#loggedIn();
  }

  /** Logs out: the session ends on the server, its sockets and streams close everywhere. */
  async logout(): Promise<void> {
    try {
      await this.#http.call("session/logout");
    } finally {
      this.#user = null;
      this.#http.cookies?.clear();
      // Like a session ended elsewhere: a later login opens the connection again.
      this.connection.endSession();
    }
  }

  /** Who is logged in, asked to the server (`null` for nobody). */
  async me(): Promise<CurrentUser | null> {
    this.#user = await this.#http.call<CurrentUser | null>("session/me");
    return this.#user;
  }

  /** Opens the WebSocket now (it opens by itself on first use); resolves on `welcome`. */
  connect(): Promise<void> {
    return this.connection.connect();
  }

  /** A room, a direct or an advisor conversation, by its channel id (the same object each time). */
  channel(id: string): Channel {
    let channel = this.#channels.get(id);
    if (!channel) {
      channel = new Channel(id, this.connection, newClientId);
      this.#channels.set(id, channel);
    }
    return channel;
  }

  /** Customers whose display name contains `query`, or whose email is exactly `query`. */
  searchCustomers(query: string): Promise<CustomerHit[]> {
    return this.#http.call("customers/search", { query });
  }

  /** Closes the WebSocket for good; waiting requests and posts reject with `closed`. */
  close(): void {
    this.connection.close();
  }

  async #loggedIn(): Promise<CurrentUser> {
    this.connection.reopen();
    const user = await this.me();
    if (!user) throw new PaddockError("bad_response", messages.badResponse);
    return user;
  }

  #route(frame: ServerMessage): void {
    this.rooms.apply(frame);
    this.support.apply(frame);
    const known = (id: string, seq: number) => this.#channels.get(id)?.knowLastSeq(seq);
    switch (frame.type) {
      case "rooms":
        for (const room of frame.rooms) known(room.id, room.last_seq);
        for (const direct of frame.directs) known(direct.channel_id, direct.last_seq);
        return;
      case "support_opened":
      case "support_transferred":
        known(frame.conversation.channel_id, frame.conversation.last_seq);
        this.#channels.get(frame.conversation.channel_id)?.apply(frame);
        return;
      case "support_conversations":
        for (const c of frame.conversations) known(c.channel_id, c.last_seq);
        return;
      case "message":
      case "typing":
      case "read_up_to":
      case "conversation_ended":
        this.#channels.get(frame.channel_id)?.apply(frame);
        return;
      case "room_closed":
      case "left":
        this.#channels.get(frame.room_id)?.apply(frame);
        return;
      case "joined":
        this.channel(frame.room.id).apply(frame);
        return;
      case "direct_opened":
        this.channel(frame.direct.channel_id).apply(frame);
        return;
      default:
        return;
    }
  }
}

/** Server functions of advisors (`forbidden` for customers). */
export class Admin {
  #http: Http;

  /** @internal */
  constructor(http: Http) {
    this.#http = http;
  }

  /** Creates a room (name 2–60 characters, unique; capacity 2–500). */
  createRoom(name: string, capacity: number): Promise<RoomSummary> {
    return this.#http.call("admin/rooms/create", { name, capacity });
  }

  renameRoom(roomId: string, name: string): Promise<void> {
    return this.#http.call("admin/rooms/rename", { room_id: roomId, name });
  }

  /** Changes a room's capacity (lowering it keeps the present members). */
  setRoomCapacity(roomId: string, capacity: number): Promise<void> {
    return this.#http.call("admin/rooms/capacity", { room_id: roomId, capacity });
  }

  /** Deletes a room: posts are refused from now on, its history stays readable. */
  deleteRoom(roomId: string): Promise<void> {
    return this.#http.call("admin/rooms/delete", { room_id: roomId });
  }

  /** Sends a commercial notification to every customer (link: a `/…` page or `https://`). */
  sendNotification(notification: { title: string; body: string; link?: string }): Promise<void> {
    return this.#http.call("admin/notifications/send", notification);
  }

  /** The notifications sent, newest first, with how many were delivered live and read. */
  sentNotifications(): Promise<SentNotification[]> {
    return this.#http.call("admin/notifications/list");
  }
}

/** A new `client_id` (a UUID v4). */
function newClientId(): string {
  const crypto = globalThis.crypto;
  if (typeof crypto?.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
