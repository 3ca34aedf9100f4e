import type { Connection } from "./connection.js";
import { Emitter } from "./emitter.js";
import { PaddockError, messages } from "./errors.js";
import type {
  QueuedRequest,
  ServerMessage,
  SupportConversation,
  WaitingRequest,
} from "./generated/protocol.js";

/** What advisors see: who is available and the pending requests, oldest first. */
export interface SupportQueue {
  available: string[];
  requests: QueuedRequest[];
  /** Outside opening hours: when the desk opens (RFC 3339); requests wait for it. */
  closedUntil: string | null;
}

/** What customers see: how many advisors are available, and their own pending request. */
export interface SupportStatus {
  availableAdvisors: number;
  waiting: WaitingRequest | null;
  /**
   * Outside opening hours: when advisors are back (RFC 3339, the dealerships' offset).
   * A request made meanwhile is taken and waits for the opening.
   */
  closedUntil: string | null;
}

export interface SupportEvents {
  /** Advisors: the queue, after `watch()` and after every change. */
  queue: SupportQueue;
  /** Customers: the status, after `watch()` and after every change. */
  status: SupportStatus;
  /** The open advisor conversations, after `watch()` (and every reconnection). */
  conversations: SupportConversation[];
  /** A request was accepted: the conversation is open (both sides). */
  opened: SupportConversation;
  /** Customers: their request was refused, with the advisor's reason if any. */
  refused: { requestId: string; reason: string | null };
  /** Customers: their request expired with no advisor taking it; they may ask again. */
  expired: { requestId: string };
  /** A conversation changed advisor (the note is for the advisor who takes it over). */
  transferred: { conversation: SupportConversation; fromName: string; note: string | null };
  /** A conversation ended (either side): its channel refuses posts from now on. */
  ended: { channelId: string };
}

/**
 * The live chat with a sales advisor. Customers ask (`request`), wait, cancel, and are
 * told of the acceptance or refusal; advisors make themselves available, follow the
 * queue, accept or refuse. Either side ends a conversation; its messages flow through
 * {@link PaddockClient.channel} like a room's.
 */
export class Support extends Emitter<SupportEvents> {
  #connection: Connection;
  #watching = false;
  #queue: SupportQueue | undefined;
  #status: SupportStatus | undefined;

  /** @internal Created by {@link PaddockClient}. */
  constructor(connection: Connection) {
    super();
    this.#connection = connection;
    connection.onEachConnect(() => {
      if (this.#watching) void this.#watch().catch(() => {});
    });
  }

  /** The last queue received (advisors). */
  get queue(): SupportQueue | undefined {
    return this.#queue;
  }

  /** The last status received (customers). */
  get status(): SupportStatus | undefined {
    return this.#status;
  }

  /** Follows the advisor chat (again after every reconnection): `queue` or `status` events. */
  async watch(): Promise<void> {
    this.#watching = true;
    await this.#watch();
  }

  /**
   * Customers: asks for a live chat (topic optional, ≤ 120 characters). Resolves with the
   * request waiting in the queue; rejects with `no_advisor_available` (the desk is open and
   * nobody is available; outside opening hours the request is taken and waits for the
   * opening) or `request_pending`.
   */
  async request(topic?: string): Promise<WaitingRequest> {
    // The queue update that follows the request tells this customer their place.
    if (!this.#watching) await this.watch();
    const frames = await this.#connection.request(
      { type: "request_advisor", topic: topic ?? null },
      (f) => f.type === "support_status" && f.waiting !== null,
      true,
    );
    const status = frames.at(-1);
    if (status?.type === "support_status" && status.waiting) return status.waiting;
    throw new PaddockError("bad_response", messages.badResponse);
  }

  /** Customers: withdraws the pending request (`not_found` without one). */
  async cancel(): Promise<void> {
    await this.#connection.request({ type: "cancel_request" });
  }

  /** Advisors: becomes available or unavailable for live chat. */
  async setAvailable(available: boolean): Promise<void> {
    await this.#connection.request({ type: "set_available", available });
  }

  /**
   * Advisors: takes a pending request; resolves with the open conversation. Rejects with
   * `already_taken` when another advisor decided first.
   */
  async accept(requestId: string): Promise<SupportConversation> {
    const [frame] = await this.#connection.request(
      { type: "accept_request", request_id: requestId },
      // The opened conversation, or (after a reconnection) the list that holds it.
      (f) =>
        (f.type === "support_opened" && f.conversation.request_id === requestId) ||
        (f.type === "support_conversations" &&
          f.conversations.some((c) => c.request_id === requestId)),
      true,
    );
    if (frame?.type === "support_opened") return frame.conversation;
    const listed =
      frame?.type === "support_conversations"
        ? frame.conversations.find((c) => c.request_id === requestId)
        : undefined;
    if (!listed) throw new PaddockError("bad_response", messages.badResponse);
    return listed;
  }

  /** Advisors: refuses a pending request, with a reason the customer reads (≤ 300 characters). */
  async refuse(requestId: string, reason?: string): Promise<void> {
    await this.#connection.request({
      type: "refuse_request",
      request_id: requestId,
      reason: reason ?? null,
    });
  }

  /**
   * The conversation's advisor: hands it to another available advisor, with a note for
   * them (≤ 300 characters). Both the customer and that advisor get `transferred`.
   */
  async transfer(channelId: string, advisorId: string, note?: string): Promise<void> {
    await this.#connection.request({
      type: "transfer_conversation",
      channel_id: channelId,
      advisor_id: advisorId,
      note: note ?? null,
    });
  }

  /** Either participant: ends a conversation. */
  async end(channelId: string): Promise<void> {
    await this.#connection.request({ type: "end_conversation", channel_id: channelId });
  }

  async #watch(): Promise<void> {
    await this.#connection.request({ type: "watch_support" });
  }

  /** @internal Applies a frame of the advisor chat. */
  apply(frame: ServerMessage): void {
    switch (frame.type) {
      case "support_queue":
        this.#queue = {
          available: frame.available,
          requests: frame.requests,
          closedUntil: frame.closed_until,
        };
        this.emit("queue", this.#queue);
        return;
      case "support_status":
        this.#status = {
          availableAdvisors: frame.available_advisors,
          waiting: frame.waiting,
          closedUntil: frame.closed_until,
        };
        this.emit("status", this.#status);
        return;
      case "support_conversations":
        this.emit("conversations", frame.conversations);
        return;
      case "support_opened":
        this.emit("opened", frame.conversation);
        return;
      case "support_refused":
        this.emit("refused", { requestId: frame.request_id, reason: frame.reason });
        return;
      case "support_transferred":
        this.emit("transferred", { conversation: frame.conversation, fromName: frame.from_name, note: frame.note });
        return;
      case "support_expired":
        this.emit("expired", { requestId: frame.request_id });
        return;
      case "conversation_ended":
        this.emit("ended", { channelId: frame.channel_id });
        return;
      default:
        return;
    }
  }
}
