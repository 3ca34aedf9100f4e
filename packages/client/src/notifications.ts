import { reconnectDelay } from "./backoff.js";
import { Emitter } from "./emitter.js";
import { PaddockError, endsSession, isFinalRefusal, messages } from "./errors.js";
import type { Notification, StreamEvent, SupportAlert } from "./generated/protocol.js";
import { SSE_EVENT, SUPPORT_SSE_EVENT } from "./generated/protocol.js";
import { type Http, errorOfResponse } from "./http.js";
import { EventStreamParser } from "./sse.js";

/** The server's keep-alive comes every 15 s at most: longer silence means a dead stream. */
const SILENCE_MS = 45_000;

export interface NotificationStreamEvents {
  /** A notification, each once, in order, across reconnections. */
  notification: Notification;
  /**
   * The customer's live chat with an advisor moved on (accepted, refused, expired, a
   * message from the advisor): a live hint, never replayed after a drop.
   */
  supportAlert: SupportAlert;
  /** The stream is open (first time and after every reconnection). */
  connected: undefined;
  /** The stream dropped; `delayMs` before the next attempt. */
  reconnecting: { attempt: number; delayMs: number };
  /** The stream stopped for good: `session_ended`, `forbidden` (advisors). */
  error: PaddockError;
}

export interface SubscribeOptions {
  /**
   * Start after this notification id (the newest one the caller holds, from `list()`).
   * Default: only notifications sent from now on.
   */
  after?: number;
  /** Replaces the backoff's first and largest wait between attempts. */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
}

/**
 * One notification stream (Server-Sent Events over `fetch`, in browsers and Node alike):
 * resumes with `Last-Event-ID` after any drop, so that nothing sent meanwhile is missed,
 * and delivers each notification once.
 */
export class NotificationStream extends Emitter<NotificationStreamEvents> {
  #http: Http;
  #options: SubscribeOptions;
  #lastId: number | undefined;
  #abort: AbortController | undefined;
  #closed = false;
  #attempt = 0;
  #wake: (() => void) | undefined;

  /** @internal Created by {@link Notifications.subscribe}. */
  constructor(http: Http, options: SubscribeOptions) {
    super();
    this.#http = http;
    this.#options = options;
    this.#lastId = options.after;
    queueMicrotask(() => void this.#run());
  }

  /** The id of the last notification delivered. */
  get lastEventId(): number | undefined {
    return this.#lastId;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Drops the current stream as a network failure would; it resumes from the last id. */
  reconnect(): void {
    this.#abort?.abort();
  }

  /** Stops the stream for good. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#abort?.abort();
    this.#wake?.();
  }

  async #run(): Promise<void> {
    if (this.#lastId === undefined) {
      // Resume from the newest notification now, so that one sent while the first
      // connection is being made (or after a drop before any event) is not missed.
      try {
        const newest = await this.#http.call<Notification[]>("notifications/list");
        this.#lastId = newest[0]?.id ?? 0;
      } catch {
        /* the stream itself reports what is wrong */
      }
    }
    while (!this.#closed) {
      let retryAfterSecs: number | undefined;
      try {
        await this.#stream();
      } catch (error) {
        if (this.#closed) return;
        if (error instanceof PaddockError) {
          if (endsSession(error) || isFinalRefusal(error)) {
            const final = isFinalRefusal(error)
              ? error
              : new PaddockError("session_ended", messages.sessionEnded, { status: 401 });
            this.#closed = true;
            this.emit("error", final);
            return;
          }
          retryAfterSecs = error.retryAfterSecs;
        }
      }
      if (this.#closed) return;
      const attempt = this.#attempt++;
      const delayMs = reconnectDelay(
        attempt,
        this.#options.reconnectMinMs ?? 500,
        this.#options.reconnectMaxMs ?? 30_000,
        retryAfterSecs,
      );
      this.emit("reconnecting", { attempt: attempt + 1, delayMs });
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delayMs);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
  }

  /** One stream, until it ends or fails. */
  async #stream(): Promise<void> {
    const abort = new AbortController();
    this.#abort = abort;
    const headers: Record<string, string> = {
      Accept: "text/event-stream",
      "Cache-Control": "no-cache",
    };
    const path = "/api/notifications/stream";
    // The server resumes after Last-Event-ID; `after` says where to start the first time.
    if (this.#lastId !== undefined) headers["Last-Event-ID"] = String(this.#lastId);
    let silence: ReturnType<typeof setTimeout> | undefined;
    const heard = () => {
      clearTimeout(silence);
      silence = setTimeout(() => abort.abort(), SILENCE_MS);
    };
    try {
      const response = await this.#http.fetch(path, { headers, signal: abort.signal });
      if (!response.ok || !response.body) {
        throw errorOfResponse(response, await response.text());
      }
      heard();
      this.#attempt = 0;
      this.emit("connected", undefined);
      const parse = (data: string): StreamEvent | undefined => {
        try {
          return JSON.parse(data) as StreamEvent;
        } catch {
          return undefined;
        }
      };
      const parser = new EventStreamParser((event) => {
        if (event.event === SUPPORT_SSE_EVENT) {
          const parsed = parse(event.data);
          if (parsed?.type === "support_alert") this.emit("supportAlert", parsed);
          return;
        }
        if (event.event !== SSE_EVENT) return;
        const id = Number(event.lastEventId);
        if (this.#lastId !== undefined && id <= this.#lastId) return;
        const parsed = parse(event.data);
        if (parsed?.type !== "notification") return;
        if (Number.isFinite(id)) this.#lastId = id;
        this.emit("notification", parsed);
      });
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        heard();
        parser.push(decoder.decode(value, { stream: true }));
      }
    } catch (error) {
      if (error instanceof PaddockError) throw error;
      // Aborted (reconnect, silence, close) or the network dropped: resume.
      return;
    } finally {
      clearTimeout(silence);
      if (this.#abort === abort) this.#abort = undefined;
    }
  }
}

/** Commercial notifications: the live stream, the inbox and the read markers (customers). */
export class Notifications {
  #http: Http;

  /** @internal Created by {@link PaddockClient}. */
  constructor(http: Http) {
    this.#http = http;
  }

  /**
   * Opens the notification stream and calls `listener` with each notification. Returns
   * the stream: listen to its `connected`, `reconnecting` and `error` events, `close()` it.
   */
  subscribe(
    listener: (notification: Notification) => void,
    options: SubscribeOptions = {},
  ): NotificationStream {
    const stream = new NotificationStream(this.#http, options);
    stream.on("notification", listener);
    return stream;
  }

  /** This customer's notifications, newest first. */
  list(): Promise<Notification[]> {
    return this.#http.call("notifications/list");
  }

  /** Marks one notification read, or all of them without an id. */
  async markRead(id?: number): Promise<void> {
    await this.#http.call("notifications/read", { id });
  }
}
