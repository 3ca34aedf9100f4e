// Generated from Paddock's Rust types (src/typescript.rs): do not edit.
// After changing a type: PADDOCK_UPDATE_BINDINGS=1 cargo test --features ssr --lib typescript

/** The protocol version this client speaks: the server's `welcome` must carry it. */
export const PROTOCOL_VERSION = 2;

/** The SSE event name of a notification. */
export const SSE_EVENT = "notification";
/** The SSE event name of a live chat alert (no id: never replayed). */
export const SUPPORT_SSE_EVENT = "support";

/**
 * Stable, machine-readable error codes. Never rename a variant: clients match on them.
 */
export type ErrorCode = "invalid_input" | "invalid_email" | "invalid_display_name" | "password_too_short" | "password_too_long" | "email_taken" | "invalid_credentials" | "rate_limited" | "unauthenticated" | "forbidden" | "not_found" | "cross_site_request" | "unavailable" | "internal" | "room_full" | "room_closed" | "not_member" | "message_too_long" | "room_name_taken" | "no_advisor_available" | "request_pending" | "already_taken" | "conversation_ended" | "overloaded" | "invalid_characters" | "out_of_range" | "session_expired" | "too_many_connections" | "slug_taken" | "already_rated" | "conversation_ongoing" | "title_taken";

export type AppError = { code: ErrorCode, message: string, 
/**
 * Seconds to wait before trying again, for [`ErrorCode::RateLimited`].
 */
retry_after_secs?: number, };

export type Role = "customer" | "admin";

/**
 * The logged-in user as pages and server functions see them.
 */
export type CurrentUser = { id: string, email: string, display_name: string, role: Role, };

/**
 * One frame from a client: a message and, when the client wants to know how it ended,
 * its own number for it. A frame with a `ref` gets exactly one answer carrying that
 * `ref`, `done` or `error`, after the answers sent to its socket directly (`post`
 * excepted: its answer is the `ack` or `error` naming its `client_id`).
 */
export type ClientFrame = { ref?: number, } & (ChatRequest | SupportRequest);

/**
 * What the browser sends.
 */
export type ClientMessage = ChatRequest | SupportRequest;

/**
 * What the browser sends about rooms and conversations.
 */
export type ChatRequest = { "type": "watch_rooms" } | { "type": "join", room_id: string, } | { "type": "leave", room_id: string, } | { "type": "open_direct", user_id: string, } | { "type": "subscribe", channel_id: string, after_seq: number, } | { "type": "post", channel_id: string, client_id: string, body: string, } | { "type": "history", channel_id: string, before_seq: number, limit: number, } | { "type": "typing", channel_id: string, } | { "type": "mark_read", channel_id: string, seq: number, } | { "type": "members", room_id: string, };

/**
 * What the browser sends about the live chat with an advisor.
 */
export type SupportRequest = { "type": "watch_support" } | { "type": "set_available", available: boolean, } | { "type": "request_advisor", topic: string | null, } | { "type": "cancel_request" } | { "type": "accept_request", request_id: string, } | { "type": "refuse_request", request_id: string, reason: string | null, } | { "type": "end_conversation", channel_id: string, } | { "type": "transfer_conversation", channel_id: string, advisor_id: string, note: string | null, };

/**
 * What the server sends.
 */
export type ServerMessage = { "type": "welcome", user_id: string, 
/**
 * [`PROTOCOL_VERSION`] of the server.
 */
protocol: number, } | { "type": "message" } & ChatMessage | { "type": "ack", channel_id: string, client_id: string, seq: number, } | { "type": "history", channel_id: string, messages: Array<ChatMessage>, has_more: boolean, } | { "type": "rooms", rooms: Array<RoomSummary>, joined: Array<string>, 
/**
 * This user's direct conversations.
 */
directs: Array<DirectSummary>, 
/**
 * Unread messages per channel (rooms and direct conversations), when any.
 */
unread: Array<[string, number]>, } | { "type": "members", room_id: string, members: Array<Member>, } | { "type": "room_updated", room: RoomSummary, } | { "type": "occupancy", room_id: string, members: number, } | { "type": "room_closed", room_id: string, } | { "type": "joined", room: RoomSummary, last_seq: number, } | { "type": "left", room_id: string, } | { "type": "direct_opened", direct: DirectSummary, last_seq: number, } | { "type": "read_up_to", channel_id: string, user_id: string, seq: number, } | { "type": "typing", channel_id: string, user_id: string, name: string, } | { "type": "support_queue", available: Array<string>, requests: Array<QueuedRequest>, 
/**
 * Outside opening hours: when the desk opens (RFC 3339, the dealerships'
 * offset). Requests made meanwhile wait for it.
 */
closed_until: string | null, } | { "type": "support_status", available_advisors: number, waiting: WaitingRequest | null, closed_until: string | null, } | { "type": "support_conversations", conversations: Array<SupportConversation>, } | { "type": "support_opened", conversation: SupportConversation, } | { "type": "support_refused", request_id: string, reason: string | null, } | { "type": "support_transferred", conversation: SupportConversation, from_name: string, note: string | null, } | { "type": "support_expired", request_id: string, } | { "type": "conversation_ended", channel_id: string, } | { "type": "error", code: ErrorCode, message: string, client_id?: string, retry_after_secs?: number, ref?: number, } | { "type": "done", ref: number, };

export type ChatMessage = { channel_id: string, seq: number, client_id: string, author_id: string, author_name: string, body: string, 
/**
 * RFC 3339.
 */
sent_at: string, };

export type RoomSummary = { id: string, name: string, capacity: number, members: number, 
/**
 * Sequence of the room's last message.
 */
last_seq: number, };

export type DirectSummary = { channel_id: string, other_id: string, other_name: string, 
/**
 * Sequence of the conversation's last message.
 */
last_seq: number, };

export type Member = { user_id: string, name: string, 
/**
 * A customer (direct messages are between customers).
 */
customer: boolean, 
/**
 * Has a socket open on any Paddock instance.
 */
online: boolean, };

/**
 * A pending request as advisors see it in the queue.
 */
export type QueuedRequest = { id: string, customer_id: string, customer_name: string, topic: string | null, 
/**
 * RFC 3339.
 */
requested_at: string, 
/**
 * When the request expires if no advisor takes it (RFC 3339).
 */
expires_at: string, };

/**
 * A customer's own pending request.
 */
export type WaitingRequest = { id: string, topic: string | null, 
/**
 * 1 for the next request an advisor will see.
 */
position: number, 
/**
 * When the request expires if no advisor takes it (RFC 3339).
 */
expires_at: string, };

/**
 * A conversation between a customer and the advisor who accepted their request.
 */
export type SupportConversation = { channel_id: string, request_id: string, customer_id: string, customer_name: string, advisor_id: string | null, advisor_name: string, topic: string | null, 
/**
 * RFC 3339.
 */
started_at: string, ended: boolean, 
/**
 * Sequence of the conversation's last message.
 */
last_seq: number, 
/**
 * The customer's rating, once the conversation has ended and they gave one.
 */
rating: Rating | null, };

/**
 * A customer's rating of an ended conversation.
 */
export type Rating = { 
/**
 * 1 (bad) to 5 (excellent).
 */
score: number, comment: string | null, };

/**
 * What the notification stream carries, as the JSON `data` of each SSE event.
 */
export type StreamEvent = { "type": "notification" } & Notification | { "type": "support_alert" } & SupportAlert;

export type SupportAlert = { kind: SupportAlertKind, 
/**
 * The advisor, when one acted.
 */
advisor_name: string | null, channel_id: string | null, text: string | null, };

/**
 * What happened in a customer's live chat with an advisor.
 */
export type SupportAlertKind = "accepted" | "refused" | "expired" | "message";

/**
 * A notification as a customer receives it.
 */
export type Notification = { 
/**
 * Increasing: also the SSE event id.
 */
id: number, title: string, body: string, 
/**
 * A Paddock page (`/…`) or an `https` address.
 */
link: string | null, 
/**
 * RFC 3339.
 */
sent_at: string, read: boolean, };

/**
 * A sent notification as advisors see it.
 */
export type SentNotification = { id: number, title: string, body: string, link: string | null, sent_at: string, sent_by: string, 
/**
 * Customers connected when it was sent, who received it live.
 */
delivered_live: number, 
/**
 * Customers who have marked it read.
 */
read_by: number, };

/**
 * A customer found by name or email, to write to.
 */
export type CustomerHit = { id: string, name: string, };
