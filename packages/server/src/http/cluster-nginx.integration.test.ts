import { FILE_ROUTES } from '@confab/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatClient, Transport } from '../../../client/src/index.js';
import { fetchFile, sha256, uploadFile } from '../__tests__/files-http.js';
import {
  type DeviceRecord,
  type NginxCluster,
  recordDevice,
  register,
  sdkClient,
  sendAll,
  startNginxCluster,
} from './cluster-nginx-fixture.js';

const TRANSPORTS: Transport[] = ['ws', 'sse', 'poll'];
const MESSAGES = 1000;

/**
 * The reference deployment under load: three API processes on PostgreSQL and Redis behind nginx
 * rendered from deploy/nginx.conf. Devices reach the processes through nginx (so nginx spreads
 * them); senders each talk to one process, so every message crosses processes through Redis.
 */
describe('three API processes behind nginx (deploy/nginx.conf)', () => {
  let cluster: NginxCluster;
  const clients: ChatClient[] = [];

  beforeAll(async () => {
    cluster = await startNginxCluster('cluster-nginx');
  }, 120_000);
  afterAll(async () => {
    for (const client of clients) client.close();
    await cluster?.stop();
  }, 60_000);

  it('devices on every transport, spread over the nodes, get 1000 messages from senders on different nodes once each, in seq order', async () => {
    const { nginx, nodes } = cluster;
    const ownerToken = await register(nginx.url, 'owner_ngx');
    const owner = sdkClient(nginx.url, ownerToken, { autoConnect: false });
    clients.push(owner);
    const room = await owner.api.room.create.mutate({ kind: 'public', name: 'through nginx' });

    // Three readers, each with a device on every transport: nine streams through nginx.
    const devices: DeviceRecord[] = [];
    for (const reader of ['ra_ngx', 'rb_ngx', 'rc_ngx']) {
      const token = await register(nginx.url, reader);
      const member = sdkClient(nginx.url, token, { autoConnect: false });
      clients.push(member);
      await member.api.room.join.mutate({ roomId: room.id });
      for (const transport of TRANSPORTS) {
        const client = sdkClient(nginx.url, token, { transport });
        clients.push(client);
        devices.push(recordDevice(client));
      }
    }
    await Promise.all(devices.map((d) => d.connected()));
    // nginx spread the six WebSocket and SSE streams (least_conn): more than one node holds
    // some. (Long polls hold a node only while one waits.)
    const held = cluster.connectionsPerNode();
    expect(
      held.filter((n) => n > 0).length,
      `connections per node: ${held.join(', ')}`,
    ).toBeGreaterThan(1);

    // Two senders per node, each talking to its node directly: six sends in flight at most.
    const senders: ChatClient[] = [];
    for (const [i, node] of nodes.entries()) {
      for (const k of [0, 1]) {
        const token = await register(nginx.url, `s${i}${k}_ngx`);
        const sender = sdkClient(`http://127.0.0.1:${node.port}`, token, { autoConnect: false });
        clients.push(sender);
        await sender.api.room.join.mutate({ roomId: room.id });
        senders.push(sender);
      }
    }
    const bodies = Array.from({ length: MESSAGES }, (_, i) => `spread-${i}`);
    const { acknowledged, failed } = await sendAll(senders, room.id, bodies);
    expect(failed).toEqual([]);
    expect(acknowledged).toHaveLength(MESSAGES);

    const last = acknowledged.at(-1)?.seq ?? 0;
    await Promise.all(
      devices.map((d) =>
        d.until(
          () => (d.messages(room.id).at(-1)?.seq ?? 0) >= last,
          `${d.client.transport} device at seq ${last}`,
          90_000,
        ),
      ),
    );
    for (const device of devices) {
      // Exactly the acknowledged messages, each once, in seq order: nothing lost, doubled or
      // reordered on any transport or node.
      expect(device.messages(room.id)).toEqual(acknowledged);
      expect(device.states).not.toContain('closed');
    }
  }, 180_000);

  it('stores a file through nginx and serves it from every node (the bytes are in PostgreSQL)', async () => {
    const { nginx, nodes } = cluster;
    const token = await register(nginx.url, 'files_ngx');
    const owner = sdkClient(nginx.url, token, { autoConnect: false });
    clients.push(owner);
    const room = await owner.api.room.create.mutate({ kind: 'private', name: 'files' });
    // Over nginx's old 64 KiB body cap, and several chunks: the /media/ location streams it.
    const bytes = Buffer.alloc(1024 * 1024 + 17, 42);
    const uploaded = await uploadFile(nginx.url, token, room.id, {
      name: 'big.bin',
      type: 'application/octet-stream',
      bytes,
    });
    expect(uploaded.status).toBe(201);
    for (const { port } of nodes) {
      const answer = await fetchFile(
        `http://127.0.0.1:${port}`,
        token,
        FILE_ROUTES.download(uploaded.file?.id ?? ''),
      );
      expect([answer.status, sha256(answer.bytes)]).toEqual([200, sha256(bytes)]);
    }
  }, 60_000);
});
