import type { Connection } from "./connection.js";
import { PaddockError, messages } from "./errors.js";
import type { DirectSummary, Member, RoomSummary, ServerMessage } from "./generated/protocol.js";

/** The live room list, as `rooms.watch` delivers it after each change. */
export interface RoomList {
  /** Live rooms (deleted ones leave the list), sorted by name. */
  rooms: RoomSummary[];
  /** Ids of the rooms this user is a member of. */
  joined: Set<string>;
  /** This user's direct conversations with other customers. */
  directs: DirectSummary[];
  /** Unread messages per channel (rooms and direct conversations). */
  unread: Map<string, number>;
}

export interface Joined {
  room: RoomSummary;
  /** The room's last sequence when joining: follow the channel from there. */
  lastSeq: number;
}

export interface DirectOpened {
  direct: DirectSummary;
  lastSeq: number;
}

/** Rooms and direct conversations: the live list, join, leave, members, direct messages. */
export class Rooms {
  #connection: Connection;
  #rooms = new Map<string, RoomSummary>();
  #joined = new Set<string>();
  #directs = new Map<string, DirectSummary>();
  #unread = new Map<string, number>();
  #watchers = new Set<(list: RoomList) => void>();
  #watching = false;

  /** @internal Created by {@link PaddockClient}. */
  constructor(connection: Connection) {
    this.#connection = connection;
    connection.onEachConnect(() => {
      if (this.#watching) void this.#watch().catch(() => {});
    });
  }

  /**
   * Calls `listener` with the whole room list now and after every change (room created,
   * renamed, resized, deleted, occupancy, joins and leaves, new direct conversations),
   * across reconnections. Returns the function that stops it.
   */
  watch(listener: (list: RoomList) => void): () => void {
    this.#watchers.add(listener);
    if (!this.#watching) {
      this.#watching = true;
      void this.#watch().catch(() => {});
    } else if (this.#rooms.size > 0 || this.#directs.size > 0) {
      listener(this.list());
    }
    return () => this.#watchers.delete(listener);
  }

  /** The room list as last received (empty before `watch`). */
  list(): RoomList {
    return {
      rooms: [...this.#rooms.values()].sort((a, b) => a.name.localeCompare(b.name, "fr")),
      joined: new Set(this.#joined),
      directs: [...this.#directs.values()],
      unread: new Map(this.#unread),
    };
  }

  /** Joins a room; rejects with `room_full`, `room_closed` or `not_found`. */
  async join(roomId: string): Promise<Joined> {
    const [frame] = await this.#connection.request(
      { type: "join", room_id: roomId },
      (f) => f.type === "joined" && f.room.id === roomId,
    );
    if (frame?.type !== "joined") throw new PaddockError("bad_response", messages.badResponse);
    return { room: frame.room, lastSeq: frame.last_seq };
  }

  /** Leaves a room: every socket of this user stops following it. */
  async leave(roomId: string): Promise<void> {
    await this.#connection.request({ type: "leave", room_id: roomId });
  }

  /** The members of a room this user belongs to, with who is online. */
  async members(roomId: string): Promise<Member[]> {
    const [frame] = await this.#connection.request(
      { type: "members", room_id: roomId },
      (f) => f.type === "members" && f.room_id === roomId,
    );
    return frame?.type === "members" ? frame.members : [];
  }

  /** Opens (or reopens) the direct conversation with another customer. */
  async openDirect(userId: string): Promise<DirectOpened> {
    const [frame] = await this.#connection.request(
      { type: "open_direct", user_id: userId },
      (f) => f.type === "direct_opened" && f.direct.other_id === userId,
    );
    if (frame?.type !== "direct_opened") throw new PaddockError("bad_response", messages.badResponse);
    return { direct: frame.direct, lastSeq: frame.last_seq };
  }

  async #watch(): Promise<void> {
    await this.#connection.request({ type: "watch_rooms" });
  }

  /** @internal Applies a frame to the list. */
  apply(frame: ServerMessage): void {
    switch (frame.type) {
      case "rooms":
        this.#rooms = new Map(frame.rooms.map((room) => [room.id, room]));
        this.#joined = new Set(frame.joined);
        this.#directs = new Map(frame.directs.map((d) => [d.channel_id, d]));
        this.#unread = new Map(frame.unread);
        break;
      case "room_updated":
        this.#rooms.set(frame.room.id, frame.room);
        break;
      case "occupancy": {
        const room = this.#rooms.get(frame.room_id);
        if (!room) return;
        this.#rooms.set(frame.room_id, { ...room, members: frame.members });
        break;
      }
      case "room_closed":
        if (!this.#rooms.delete(frame.room_id)) return;
        break;
      case "joined":
        this.#rooms.set(frame.room.id, frame.room);
        this.#joined.add(frame.room.id);
        break;
      case "left":
        this.#joined.delete(frame.room_id);
        break;
      case "direct_opened":
        this.#directs.set(frame.direct.channel_id, frame.direct);
        break;
      default:
        return;
    }
    if (!this.#watching) return;
    const list = this.list();
    for (const watcher of [...this.#watchers]) {
      try {
        watcher(list);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
