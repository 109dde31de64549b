import { type ClientRequest, get, type IncomingMessage } from 'node:http';

/** How long close() waits for the socket to close. */
const CLOSE_TIMEOUT_MS = 5000;

/** One dispatched event of a `text/event-stream`. */
export interface ServerSentEvent {
  /** The `event:` field; 'message' when absent. */
  event: string;
  data: string;
  /** The `id:` field of this event, if it had one. */
  id: string | undefined;
}

/**
 * Incremental `text/event-stream` parser (the WHATWG rules a browser's EventSource follows):
 * `field: value` lines, one event per blank line, `:` comments ignored, an event without any
 * `data:` line not dispatched. Lines end in LF or CRLF (a lone CR, which no server here sends,
 * is not handled). Chunks may split lines anywhere.
 */
export class EventStreamParser {
  private pending = '';
  private event = '';
  private data: string[] = [];
  private id: string | undefined;

  constructor(private readonly dispatch: (event: ServerSentEvent) => void) {}

  push(chunk: string): void {
    const text = this.pending + chunk;
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      const crlf = end > start && text.charCodeAt(end - 1) === 13;
      const line = text.slice(start, crlf ? end - 1 : end);
      start = end + 1;
      this.line(line);
    }
    this.pending = text.slice(start);
  }

  private line(line: string): void {
    if (line === '') {
      if (this.data.length > 0) {
        this.dispatch({ event: this.event || 'message', data: this.data.join('\n'), id: this.id });
      }
      this.event = '';
      this.data = [];
      this.id = undefined;
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id') this.id = value;
  }
}

export interface EventStreamOptions {
  url: string;
  what: string;
  /** Errors and an unexpected end of the stream, unless `closing()`. */
  fail: (reason: string) => void;
  closing: () => boolean;
  onEvent: (event: ServerSentEvent) => void;
  timeoutMs?: number;
}

/** An open event stream; close() ends the request and waits for its socket to close. */
export interface EventStream {
  close(): Promise<void>;
}

/**
 * GETs `url` as an event stream over its own TCP connection (no pooling: one stream, one
 * socket, as a browser tab would have) with Node's `http` and the parser above: lighter than an
 * EventSource implementation, so that one load generator core can read a thousand streams.
 * Resolves once the response headers say 200 `text/event-stream`.
 */
export function openEventStream(options: EventStreamOptions): Promise<EventStream> {
  const { what, fail, closing } = options;
  const timeoutMs = options.timeoutMs ?? 15_000;
  return new Promise((resolve, reject) => {
    const req: ClientRequest = get(options.url, {
      agent: false,
      headers: { accept: 'text/event-stream' },
    });
    const timer = setTimeout(
      () => req.destroy(new Error(`${what}: no response in ${timeoutMs} ms`)),
      timeoutMs,
    );
    let settled = false;
    req.on('error', (error) => {
      clearTimeout(timer);
      if (!settled) reject(error);
      else if (!closing()) fail(`${what}: ${error.message}`);
      settled = true;
    });
    req.on('response', (res: IncomingMessage) => {
      clearTimeout(timer);
      res.setEncoding('utf8');
      if (res.statusCode !== 200 || !res.headers['content-type']?.startsWith('text/event-stream')) {
        let body = '';
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('error', reject);
        res.on('end', () => {
          settled = true;
          reject(new Error(`${what}: HTTP ${res.statusCode} ${body.slice(0, 200)}`));
        });
        return;
      }
      const parser = new EventStreamParser(options.onEvent);
      res.on('data', (chunk: string) => parser.push(chunk));
      // Destroying the request aborts the response, which then reports an error: expected.
      res.on('error', (error) => {
        if (!closing()) fail(`${what}: ${error.message}`);
      });
      const closed = new Promise<void>((done) => {
        res.once('close', done);
      });
      res.once('close', () => {
        if (!closing()) fail(`${what}: the stream ended`);
      });
      settled = true;
      resolve({
        close: async () => {
          req.destroy();
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([
            closed,
            new Promise<void>((done) => {
              timer = setTimeout(done, CLOSE_TIMEOUT_MS);
            }),
          ]);
          clearTimeout(timer);
        },
      });
    });
  });
}
