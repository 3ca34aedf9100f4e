import { reconnectDelay } from "./backoff.js";
import { Emitter } from "./emitter.js";
import { PaddockError, endsSession, isFinalRefusal, messages } from "./errors.js";
import type { ClientFrame, ClientMessage, ServerMessage } from "./generated/protocol.js";
import { PROTOCOL_VERSION } from "./generated/protocol.js";
import type { Http } from "./http.js";
import {
  type OpenedSocket,
  type SocketEnd,
  type SocketEvents,
  type WebSocketConstructor,
  loadWs,
  openBrowserSocket,
  openNodeSocket,
} from "./socket.js";

/**
 * - `idle`: never connected yet (the client connects on first use, or with `connect()`);
 * - `connecting`: the first connection is being opened;
 * - `connected`: the server said `welcome`; frames flow;
 * - `reconnecting`: the connection dropped; the next attempt waits (backoff with jitter);
 * - `offline`: the browser reports no network; the client waits for it to come back;
 * - `closed`: `close()` was called, the session ended, or the server cannot be used
 *   (incompatible protocol, origin refused). Nothing reconnects.
 */
export type ConnectionState =
  | "idle"
  | "connecting"
  | "connected"
  | "reconnecting"
  | "offline"
  | "closed";

export interface ConnectionEvents {
  /** Every change of state. */
  state: ConnectionState;
  /** The server said `welcome` (first connection and every reconnection). */
  connected: { userId: string; protocol: number };
  /** The connection dropped; `delayMs` before the next attempt. */
  reconnecting: { attempt: number; delayMs: number; code: number };
  /** The browser reports no network. */
  offline: undefined;
  /** The session is over (logout, expiry, ended elsewhere): log in again. */
  sessionEnded: PaddockError;
  /** A refusal the server sent about no particular request, or why the client stopped. */
  error: PaddockError;
  /** Every frame the server sends, after the client has applied it. */
  frame: ServerMessage;
}

export interface ConnectionOptions {
  /** The WebSocket constructor (default: the browser's, or the `ws` package in Node). */
  WebSocket?: WebSocketConstructor | undefined;
  /** Time limit of a request's answer. */
  requestTimeoutMs: number;
  /** First and largest wait between reconnection attempts. */
  reconnectMinMs: number;
  reconnectMaxMs: number;
}

/** A post waiting for its acknowledgement. */
interface PendingPost {
  channelId: string;
  clientId: string;
  body: string;
  /** Sent on the current connection (otherwise it goes on the next one). */
  sent: boolean;
  retry: ReturnType<typeof setTimeout> | undefined;
  resolve(seq: number): void;
  reject(error: PaddockError): void;
}

/** A frame waiting for its `done` (or `error`), with the answers it collects. */
interface PendingRequest {
  message: ClientMessage;
  ref: number | undefined;
  capture: ((frame: ServerMessage) => boolean) | undefined;
  captured: ServerMessage[];
  /** Settled only once `capture` took a frame, even if that frame comes after `done`. */
  needsCapture: boolean;
  done: boolean;
  timer: ReturnType<typeof setTimeout>;
  resolve(frames: ServerMessage[]): void;
  reject(error: PaddockError): void;
}

/** The server's limit of a message's length, in characters (`chat::MAX_MESSAGE_CHARS`). */
export const MAX_MESSAGE_CHARS = 2000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Refuses at once what the server could not even read (it would answer without naming
 * the request): ids that are not UUIDs, numbers that are not whole.
 */
function malformed(message: ClientMessage): PaddockError | undefined {
  for (const [field, value] of Object.entries(message)) {
    if (field.endsWith("_id") && (typeof value !== "string" || !UUID.test(value))) {
      return new PaddockError("invalid_input", `Identifiant invalide (${field}) : un UUID est attendu.`);
    }
    if (typeof value === "number" && !Number.isSafeInteger(value)) {
      return new PaddockError("invalid_input", `Nombre invalide (${field}) : un entier est attendu.`);
    }
  }
  return undefined;
}

/** Codes the server answers a post with when it is worth sending again, same `client_id`. */
const RETRIED_POST_CODES = new Set(["overloaded", "unavailable"]);
/** A close code that ends the session: the server closes 1008 on logout and expiry. */
const POLICY_VIOLATION = 1008;
/** Silence (no frame, no ping) after which a Node socket is considered dead. */
const SILENCE_MS = 20_000;

/**
 * The one WebSocket of a client: connects, reconnects with backoff and jitter, runs the
 * resume hooks of each feature after every `welcome`, matches answers to requests by
 * `ref`, and keeps posts until they are acknowledged, sending them again with the same
 * `client_id` after a reconnection.
 */
export class Connection extends Emitter<ConnectionEvents> {
  #http: Http;
  #options: ConnectionOptions;
  #state: ConnectionState = "idle";
  #socket: OpenedSocket | undefined;
  #attempt = 0;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #nextRef = 1;
  #requests: PendingRequest[] = [];
  #posts = new Map<string, PendingPost>();
  #hooks: Array<() => void> = [];
  #userId: string | undefined;
  #fatal: PaddockError | undefined;
  #connected: Array<{ resolve(): void; reject(error: PaddockError): void }> = [];
  #onlineListener: (() => void) | undefined;
  /** The current socket received `welcome`. */
  #welcomed = false;

  constructor(http: Http, options: ConnectionOptions) {
    super();
    this.#http = http;
    this.#options = options;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** The logged-in user's id, as the server's `welcome` said. */
  get userId(): string | undefined {
    return this.#userId;
  }

  /** Posts not acknowledged yet. */
  get pendingPosts(): number {
    return this.#posts.size;
  }

  /** Runs `hook` after every `welcome` (to follow again what was followed). */
  onEachConnect(hook: () => void): void {
    this.#hooks.push(hook);
    if (this.#state === "connected") hook();
  }

  /** Opens the connection if needed; resolves once the server said `welcome`. */
  connect(): Promise<void> {
    if (this.#state === "closed") {
      return Promise.reject(this.#fatal ?? new PaddockError("closed", messages.closed));
    }
    if (this.#state === "connected") return Promise.resolve();
    const ready = new Promise<void>((resolve, reject) => this.#connected.push({ resolve, reject }));
    if (this.#state === "idle") void this.#open();
    return ready;
  }

  /** Sends a frame now if connected; frames that matter go through `request` or `post`. */
  send(message: ClientMessage): boolean {
    if (this.#state !== "connected") return false;
    return this.#sendFrame({ ...message } as ClientFrame);
  }

  /**
   * Sends `message` with a `ref` (now, or once connected) and resolves with the frames
   * `capture` picked once the server said `done`; rejects with the server's error. The
   * frames a socket is answered directly come before `done`; with `untilCaptured`, the
   * request also waits for a frame that travels through the server's bus (a queue
   * update, an opened conversation), which may come after `done`. A request sent on a
   * connection that drops is rejected with `disconnected`.
   */
  request(
    message: ClientMessage,
    capture?: (frame: ServerMessage) => boolean,
    untilCaptured = false,
  ): Promise<ServerMessage[]> {
    if (this.#state === "closed") {
      return Promise.reject(this.#fatal ?? new PaddockError("closed", messages.closed));
    }
    const invalid = malformed(message);
    if (invalid) return Promise.reject(invalid);
    return new Promise((resolve, reject) => {
      const request: PendingRequest = {
        message,
        ref: undefined,
        capture,
        captured: [],
        needsCapture: untilCaptured && capture !== undefined,
        done: false,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#forget(request);
          reject(new PaddockError("timeout", messages.timeout));
        }, this.#options.requestTimeoutMs),
      };
      this.#requests.push(request);
      if (this.#state === "connected") this.#sendRequest(request);
      else if (this.#state === "idle") void this.#open();
    });
  }

  /** Posts `body` as `clientId`; resolves with its sequence once stored. */
  post(channelId: string, body: string, clientId: string): Promise<number> {
    if (this.#state === "closed") {
      return Promise.reject(this.#fatal ?? new PaddockError("closed", messages.closed));
    }
    const invalid = malformed({ type: "post", channel_id: channelId, client_id: clientId, body });
    if (invalid) return Promise.reject(invalid);
    if (typeof body !== "string" || [...body.trim()].length > MAX_MESSAGE_CHARS) {
      return Promise.reject(
        new PaddockError(
          "message_too_long",
          `Un message compte au plus ${MAX_MESSAGE_CHARS} caractères.`,
        ),
      );
    }
    const existing = this.#posts.get(clientId);
    if (existing) {
      return Promise.reject(
        new PaddockError("invalid_input", "Ce client_id est déjà utilisé par un envoi en cours."),
      );
    }
    return new Promise((resolve, reject) => {
      const post: PendingPost = {
        channelId,
        clientId,
        body,
        sent: false,
        retry: undefined,
        resolve,
        reject,
      };
      this.#posts.set(clientId, post);
      if (this.#state === "connected") this.#sendPost(post);
      else if (this.#state === "idle") void this.#open();
    });
  }

  /** Drops the current connection as a network failure would; the client reconnects. */
  reconnect(): void {
    if (this.#state === "closed" || !this.#socket) return;
    this.#socket.close(4000, "reconnect");
  }

  /** The session is over (logout): everything waiting rejects with `session_ended`. */
  endSession(): void {
    this.#stop(new PaddockError("session_ended", messages.sessionEnded), false);
  }

  /** Closes for good: pending requests and posts are rejected with `closed`. */
  close(): void {
    this.#stop(new PaddockError("closed", messages.closed), false);
  }

  async #open(): Promise<void> {
    if (this.#state === "closed") return;
    this.#setState(this.#attempt === 0 && !this.#userId ? "connecting" : "reconnecting");
    const url = this.#http.url("/ws");
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    const events: SocketEvents = {
      open: () => {},
      text: (text) => this.#onText(text),
      end: (end) => this.#onEnd(end),
    };
    // A WebSocket given in the options is used as the browser's (it sends no cookie of
    // ours); otherwise the browser's, or the `ws` package where the client keeps cookies.
    const Browser =
      this.#options.WebSocket ??
      (this.#http.cookies
        ? undefined
        : (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket);
    try {
      if (Browser) {
        this.#socket = openBrowserSocket(Browser, url.href, events);
      } else {
        const Ws = await loadWs();
        if ((this.#state as ConnectionState) === "closed") return;
        this.#socket = openNodeSocket(Ws, url.href, this.#http.headers(), SILENCE_MS, events);
      }
    } catch (error) {
      const failure =
        error instanceof PaddockError
          ? error
          : new PaddockError("network", messages.network, { cause: error });
      this.#stop(failure, true);
    }
  }

  #onText(text: string): void {
    let frame: ServerMessage;
    try {
      frame = JSON.parse(text) as ServerMessage;
    } catch {
      return;
    }
    switch (frame.type) {
      case "welcome":
        this.#onWelcome(frame.user_id, frame.protocol);
        return;
      case "ack": {
        const post = this.#posts.get(frame.client_id);
        if (post) {
          this.#posts.delete(frame.client_id);
          clearTimeout(post.retry);
          post.resolve(frame.seq);
        }
        break;
      }
      case "done": {
        const request = this.#requests.find((r) => r.ref === frame.ref);
        if (request) {
          request.done = true;
          this.#settleIfComplete(request);
        }
        return;
      }
      case "error": {
        const error = PaddockError.fromServer(frame);
        if (frame.ref != null) {
          const request = this.#requests.find((r) => r.ref === frame.ref);
          if (request) {
            this.#forget(request);
            request.reject(error);
            return;
          }
        }
        const post = frame.client_id ? this.#posts.get(frame.client_id) : undefined;
        if (post) {
          this.#onPostRefused(post, error);
        } else if (frame.ref == null) {
          this.emit("error", error);
        }
        break;
      }
      default: {
        // Answers come before their `done`: the oldest request waiting for this kind takes it.
        const request = this.#requests.find((r) => r.ref !== undefined && r.capture?.(frame));
        if (request) {
          request.captured.push(frame);
          this.#settleIfComplete(request);
        }
      }
    }
    this.emit("frame", frame);
  }

  #onWelcome(userId: string, protocol: number): void {
    if (protocol !== PROTOCOL_VERSION) {
      this.#stop(
        new PaddockError("incompatible_server", messages.incompatible(protocol, PROTOCOL_VERSION)),
        true,
      );
      return;
    }
    this.#userId = userId;
    this.#welcomed = true;
    this.#attempt = 0;
    this.#setState("connected");
    this.emit("connected", { userId, protocol });
    for (const waiter of this.#connected.splice(0)) waiter.resolve();
    // Follow again what was followed, then what waited, then the posts, in their order.
    for (const hook of this.#hooks) hook();
    for (const request of [...this.#requests]) {
      if (request.ref === undefined) this.#sendRequest(request);
    }
    for (const post of this.#posts.values()) {
      if (!post.sent && post.retry === undefined) this.#sendPost(post);
    }
  }

  #onPostRefused(post: PendingPost, error: PaddockError): void {
    if (RETRIED_POST_CODES.has(error.code)) {
      // The server was saturated or stopping: the same post goes again, same client_id.
      post.sent = false;
      post.retry = setTimeout(
        () => {
          post.retry = undefined;
          if (this.#state === "connected" && this.#posts.has(post.clientId)) this.#sendPost(post);
        },
        Math.max(1, error.retryAfterSecs ?? 1) * 1000,
      );
      return;
    }
    this.#posts.delete(post.clientId);
    post.reject(error);
  }

  #onEnd(end: SocketEnd): void {
    this.#socket = undefined;
    if (this.#state === "closed") return;
    const welcomed = this.#welcomed;
    this.#welcomed = false;
    // Requests sent on this connection lost their answer; those not sent yet wait, and
    // so do those the server did (`done`) whose event comes with the resumed state.
    for (const request of [...this.#requests]) {
      if (request.ref !== undefined && !request.done) {
        this.#forget(request);
        request.reject(new PaddockError("disconnected", messages.disconnected));
      }
    }
    for (const post of this.#posts.values()) post.sent = false;

    const refused = end.refused;
    if (end.code === POLICY_VIOLATION || endsSession(refused)) {
      const error = new PaddockError("session_ended", messages.sessionEnded, {
        ...(refused?.status === undefined ? {} : { status: refused.status }),
      });
      this.#stop(error, false);
      this.emit("sessionEnded", error);
      return;
    }
    if (refused && isFinalRefusal(refused)) {
      this.#stop(refused, true);
      return;
    }
    if (!welcomed && !refused && !this.#http.cookies) {
      // A browser sees a refused upgrade only as 1006: ask whether the session is over.
      void this.#http.call<unknown>("session/me").then(
        (user) => {
          if (this.#state === "closed" || this.#socket) return;
          if (user === null) this.#onEnd({ code: POLICY_VIOLATION, reason: "session" });
          else this.#scheduleReconnect(end.code, undefined);
        },
        (error: PaddockError) => {
          if (this.#state === "closed" || this.#socket) return;
          if (endsSession(error)) {
            this.#onEnd({ code: POLICY_VIOLATION, reason: "session" });
          } else {
            this.#scheduleReconnect(end.code, undefined);
          }
        },
      );
      return;
    }
    this.#scheduleReconnect(end.code, refused?.retryAfterSecs);
  }

  /**
   * After a new login: a client closed because its session ended may connect again.
   * @internal
   */
  reopen(): void {
    if (this.#state !== "closed" || this.#fatal?.code !== "session_ended") return;
    this.#fatal = undefined;
    this.#attempt = 0;
    this.#setState("idle");
  }

  #scheduleReconnect(code: number, retryAfterSecs: number | undefined): void {
    const attempt = this.#attempt++;
    const delayMs = reconnectDelay(
      attempt,
      this.#options.reconnectMinMs,
      this.#options.reconnectMaxMs,
      retryAfterSecs,
    );
    const navigator = (globalThis as { navigator?: { onLine?: boolean } }).navigator;
    const window = (globalThis as { window?: EventTarget }).window;
    if (navigator?.onLine === false && window) {
      this.#setState("offline");
      this.emit("offline", undefined);
      this.#onlineListener = () => {
        window.removeEventListener("online", this.#onlineListener!);
        this.#onlineListener = undefined;
        void this.#open();
      };
      window.addEventListener("online", this.#onlineListener);
      return;
    }
    this.#setState("reconnecting");
    this.emit("reconnecting", { attempt: attempt + 1, delayMs, code });
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      void this.#open();
    }, delayMs);
  }

  /** Stops for good with `error`: every waiting request, post and `connect()` rejects. */
  #stop(error: PaddockError, report: boolean): void {
    if (this.#state === "closed") return;
    this.#fatal = error;
    this.#setState("closed");
    clearTimeout(this.#reconnectTimer);
    if (this.#onlineListener) {
      (globalThis as { window?: EventTarget }).window?.removeEventListener(
        "online",
        this.#onlineListener,
      );
    }
    const socket = this.#socket;
    this.#socket = undefined;
    socket?.close(1000, "client closed");
    for (const request of this.#requests.splice(0)) {
      clearTimeout(request.timer);
      request.reject(error);
    }
    for (const post of this.#posts.values()) {
      clearTimeout(post.retry);
      post.reject(error);
    }
    this.#posts.clear();
    for (const waiter of this.#connected.splice(0)) waiter.reject(error);
    if (report) this.emit("error", error);
  }

  #sendRequest(request: PendingRequest): void {
    request.ref = this.#nextRef++;
    request.captured = [];
    request.done = false;
    if (!this.#sendFrame({ ...request.message, ref: request.ref } as ClientFrame)) {
      request.ref = undefined;
    }
  }

  #sendPost(post: PendingPost): void {
    post.sent = this.#sendFrame({
      type: "post",
      channel_id: post.channelId,
      client_id: post.clientId,
      body: post.body,
    } as ClientFrame);
  }

  #sendFrame(frame: ClientFrame): boolean {
    return this.#socket?.send(JSON.stringify(frame)) ?? false;
  }

  #settleIfComplete(request: PendingRequest): void {
    if (!request.done || (request.needsCapture && request.captured.length === 0)) return;
    this.#forget(request);
    request.resolve(request.captured);
  }

  #forget(request: PendingRequest): void {
    clearTimeout(request.timer);
    const at = this.#requests.indexOf(request);
    if (at >= 0) this.#requests.splice(at, 1);
  }

  #setState(state: ConnectionState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.emit("state", state);
  }
}
