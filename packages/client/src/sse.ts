/** One event of a `text/event-stream`. */
export interface ServerSentEvent {
  event: string;
  data: string;
  /** The stream's last event id after this event (kept from earlier events). */
  lastEventId: string;
}

/**
 * Parses a `text/event-stream` as chunks arrive (the WHATWG rules: `event`, `data` lines
 * joined with `\n`, `id`, comments, any line ending), calling `dispatch` per event.
 */
export class EventStreamParser {
  #buffer = "";
  #event = "";
  #data: string[] = [];
  #lastEventId = "";
  #sawCarriageReturn = false;
  #dispatch: (event: ServerSentEvent) => void;

  constructor(dispatch: (event: ServerSentEvent) => void, lastEventId = "") {
    this.#dispatch = dispatch;
    this.#lastEventId = lastEventId;
  }

  get lastEventId(): string {
    return this.#lastEventId;
  }

  push(chunk: string): void {
    if (chunk === "") return;
    let text = chunk;
    // A "\r\n" split across two chunks is one line ending.
    if (this.#sawCarriageReturn && text.startsWith("\n")) text = text.slice(1);
    this.#sawCarriageReturn = text.endsWith("\r");
    this.#buffer += text;
    const lines = this.#buffer.split(/\r\n|\r|\n/);
    this.#buffer = lines.pop() ?? "";
    for (const line of lines) this.#line(line);
  }

  #line(line: string): void {
    if (line === "") {
      if (this.#data.length > 0) {
        this.#dispatch({
          event: this.#event || "message",
          data: this.#data.join("\n"),
          lastEventId: this.#lastEventId,
        });
      }
      this.#event = "";
      this.#data = [];
      return;
    }
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    switch (field) {
      case "event":
        this.#event = value;
        break;
      case "data":
        this.#data.push(value);
        break;
      case "id":
        if (!value.includes("\0")) this.#lastEventId = value;
        break;
      default:
        break;
    }
  }
}
