import type { Connection } from "./connection.js";
import { Emitter } from "./emitter.js";
import { PaddockError } from "./errors.js";
import type { ChatMessage, ServerMessage } from "./generated/protocol.js";

/** The largest sequence a request may name: "after everything". */
const LATEST = Number.MAX_SAFE_INTEGER;
/** Refusals worth trying again after a wait. */
const TEMPORARY = new Set(["rate_limited", "overloaded", "unavailable", "internal", "timeout"]);

export interface ChannelEvents {
  /** A stored message, each once, in sequence order, across reconnections. */
  message: ChatMessage;
  /** Someone else is typing in the channel. */
  typing: { userId: string; name: string };
  /** In a direct or advisor conversation: the other participant has read up to `seq`. */
  read: { userId: string; seq: number };
  /** The room was deleted or the advisor conversation ended: posts are refused. */
  closed: undefined;
  /** This user left the room (on any device): its messages stop. */
  left: undefined;
  /** Following the channel failed (not a member any more, …); it is no longer followed. */
  error: PaddockError;
}

export interface FollowOptions {
  /**
   * Deliver the messages after this sequence (0: the whole history). Default: from the
   * channel's last known sequence, that is, only what is posted from now on.
   */
  after?: number;
}

export interface HistoryPage {
  /** In sequence order (oldest first). */
  messages: ChatMessage[];
  /** Whether older messages exist before the first one. */
  hasMore: boolean;
}

/**
 * A room, a direct conversation or an advisor conversation: its live messages (each
 * once, in order, resumed after every reconnection from the last one seen), posts,
 * history, typing and read marker.
 */
export class Channel extends Emitter<ChannelEvents> {
  readonly id: string;
  #connection: Connection;
  #newId: () => string;
  #lastSeq: number | undefined;
  #knownLast: number | undefined;
  #following = false;
  #followed: Promise<void> | undefined;
  /** Subscribed once on some connection: every reconnection subscribes again. */
  #resumable = false;
  #readMark = 0;
  #closed = false;

  /** @internal Created by {@link PaddockClient.channel}. */
  constructor(id: string, connection: Connection, newId: () => string) {
    super();
    this.id = id;
    this.#connection = connection;
    this.#newId = newId;
    connection.onEachConnect(() => {
      if (this.#following && this.#resumable) {
        this.#subscribe().catch(() => {
          /* reported as the channel's `error` event */
        });
      }
    });
  }

  /** The sequence of the last message delivered by this client (0 before any). */
  get lastSeq(): number {
    return this.#lastSeq ?? 0;
  }

  /** Whether the room was deleted or the conversation ended. */
  get closed(): boolean {
    return this.#closed;
  }

  get following(): boolean {
    return this.#following;
  }

  /**
   * Calls `listener` on each event; listening to `message` follows the channel (from
   * now on) if it is not followed yet.
   */
  override on<K extends keyof ChannelEvents>(
    event: K,
    listener: (value: ChannelEvents[K]) => void,
  ): () => void {
    const stop = super.on(event, listener);
    if (event === "message" && !this.#following) {
      // Deferred: a `follow({ after })` called right after `on` decides where to start.
      queueMicrotask(() => {
        if (this.#following || this.listenerCount("message") === 0) return;
        this.follow().catch(() => {
          /* reported as the channel's `error` event */
        });
      });
    }
    return stop;
  }

  /**
   * Follows the channel: its messages arrive as `message` events, from `after` on, and
   * after every reconnection from the last one delivered. Resolves once the server sent
   * what followed `after`. Members only (`not_member`).
   */
  follow(options: FollowOptions = {}): Promise<void> {
    // Once followed, the channel goes on from the last message delivered: never back.
    if (this.#following && this.#followed) return this.#followed;
    if (options.after !== undefined) this.#lastSeq = Math.max(0, options.after);
    this.#following = true;
    this.#followed = this.#start();
    return this.#followed;
  }

  /** Stops following (the user left the room, or following failed). */
  #unfollow(): void {
    this.#following = false;
    this.#followed = undefined;
    this.#resumable = false;
  }

  /**
   * Posts `body` (1 to 2,000 characters). Resolves with the message's sequence once it is
   * stored; sent again with the same `clientId` after a reconnection or when the server
   * asks to wait (`overloaded`), never stored twice. Rejects with the server's refusal:
   * `room_closed`, `conversation_ended`, `not_member`, `rate_limited`, `message_too_long`…
   */
  post(body: string, options: { clientId?: string } = {}): Promise<number> {
    return this.#connection.post(this.id, body, options.clientId ?? this.#newId());
  }

  /** Older messages: up to `limit` (1–100, default 50) before sequence `before`. */
  async history(options: { before?: number; limit?: number } = {}): Promise<HistoryPage> {
    const frames = await this.#connection.request(
      {
        type: "history",
        channel_id: this.id,
        before_seq: options.before ?? LATEST,
        limit: options.limit ?? 50,
      },
      (frame) => frame.type === "history" && frame.channel_id === this.id,
    );
    const page = frames[0];
    if (page?.type !== "history") return { messages: [], hasMore: false };
    return { messages: [...page.messages].reverse(), hasMore: page.has_more };
  }

  /** Tells the others this user is typing (call it on keystrokes; the server coalesces). */
  typing(): void {
    this.#connection.send({ type: "typing", channel_id: this.id });
  }

  /** Marks the channel read up to `seq` (only a marker that moves forward is sent). */
  async markRead(seq: number = this.lastSeq): Promise<void> {
    if (seq <= this.#readMark) return;
    await this.#connection.request({ type: "mark_read", channel_id: this.id, seq });
    this.#readMark = Math.max(this.#readMark, seq);
  }

  /** @internal The last sequence the server reported (room list, join, conversation). */
  knowLastSeq(seq: number): void {
    this.#knownLast = Math.max(this.#knownLast ?? 0, seq);
  }

  async #start(): Promise<void> {
    try {
      if (this.#lastSeq === undefined) {
        // "From now on": the last stored sequence, known or asked.
        this.#lastSeq = this.#knownLast ?? (await this.#retrying(() => this.#latestSeq()));
      }
      await this.#subscribe();
    } catch (error) {
      const wasFollowing = this.#following;
      this.#unfollow();
      if (wasFollowing) this.emit("error", error as PaddockError);
      throw error;
    }
  }

  async #latestSeq(): Promise<number> {
    // The history page is asked while following: retried like the subscription.
    const { messages } = await this.history({ limit: 1 });
    return messages.at(-1)?.seq ?? 0;
  }

  async #subscribe(): Promise<void> {
    try {
      await this.#retrying(
        () =>
          this.#connection.request({
            type: "subscribe",
            channel_id: this.id,
            after_seq: this.lastSeq,
          }),
        // Once subscribed, every reconnection subscribes again by itself.
        () => this.#resumable || !this.#following,
      );
      if (this.#following) this.#resumable = true;
    } catch (error) {
      if (this.#following) {
        this.#unfollow();
        this.emit("error", error as PaddockError);
      }
      throw error;
    }
  }

  /**
   * Runs `attempt` until it succeeds or fails for good: a dropped connection waits for
   * the next one (unless `leaveToReconnect` says the reconnection takes care of it), a
   * temporary refusal waits for its `retryAfterSecs`.
   */
  async #retrying<T>(
    attempt: () => Promise<T>,
    leaveToReconnect: () => boolean = () => false,
  ): Promise<T | undefined> {
    for (;;) {
      try {
        return await attempt();
      } catch (error) {
        const failure = error as PaddockError;
        if (!this.#following) throw failure;
        if (failure.code === "disconnected") {
          if (leaveToReconnect()) return undefined;
          await this.#connection.connect();
        } else if (TEMPORARY.has(failure.code)) {
          await new Promise((resolve) =>
            setTimeout(resolve, Math.max(1, failure.retryAfterSecs ?? 1) * 1000),
          );
        } else {
          throw failure;
        }
      }
    }
  }

  /** @internal Applies a frame about this channel (the client routes them). */
  apply(frame: ServerMessage): void {
    switch (frame.type) {
      case "message":
        if (frame.channel_id !== this.id || !this.#following) return;
        if (frame.seq <= this.lastSeq) return;
        this.#lastSeq = frame.seq;
        this.emit("message", frame);
        return;
      case "typing":
        if (frame.channel_id === this.id) {
          this.emit("typing", { userId: frame.user_id, name: frame.name });
        }
        return;
      case "read_up_to":
        if (frame.channel_id === this.id) {
          this.emit("read", { userId: frame.user_id, seq: frame.seq });
        }
        return;
      case "room_closed":
        if (frame.room_id === this.id) this.#close();
        return;
      case "conversation_ended":
        if (frame.channel_id === this.id) this.#close();
        return;
      case "left":
        if (frame.room_id === this.id) {
          this.#unfollow();
          this.emit("left", undefined);
        }
        return;
      case "joined":
        if (frame.room.id === this.id) this.knowLastSeq(frame.last_seq);
        return;
      case "direct_opened":
        if (frame.direct.channel_id === this.id) this.knowLastSeq(frame.last_seq);
        return;
      default:
        return;
    }
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.emit("closed", undefined);
  }
}
