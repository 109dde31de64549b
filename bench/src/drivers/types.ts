import type { BenchConfig, SystemName } from '../config.js';
import type { ServerHandle } from './process.js';

/** Where load clients report what they receive. */
export interface Sink {
  /** Subscriber `subscriber` got the room's message `seq`, whose body carried `index`. */
  deliver(subscriber: number, seq: number, index: number): void;
  /** Something happened that makes the run meaningless (an error frame, a lost connection...). */
  fail(reason: string): void;
}

/** Connected load clients; close() disconnects them all. */
export interface Connections {
  close(): Promise<void>;
}

export interface Publisher extends Connections {
  /** Posts one message; failures go to the sink the publisher was made with. */
  publish(index: number, body: string): void;
  /**
   * Opens what publishing messages [from, to) will use (Confab: each sender's socket, signed
   * in), so that a measurement started after it does not count it: a real sender's socket is
   * open before it sends. Publishers with one socket opened up front have none.
   */
  prepare?(range: { from: number; to: number }): Promise<void>;
}

/** How the load generator runs one system: its server process and its wire protocol. */
export interface Driver {
  readonly name: SystemName;
  readonly label: string;
  /** Once per bench, before any of its servers start (Confab: users, sessions, the room). */
  prepare?(config: BenchConfig): Promise<void>;
  /** A fresh server process. */
  start(): Promise<ServerHandle>;
  /**
   * Connects `count` subscribers to the bench room; resolves once every one is subscribed.
   * Needs only the port, so that load-client processes without the handle can call it.
   */
  subscribe(server: Pick<ServerHandle, 'port'>, count: number, sink: Sink): Promise<Connections>;
  publisher(server: ServerHandle, sink: Sink): Promise<Publisher>;
  /** Removes what prepare() made. */
  dispose?(): Promise<void>;
}
