// Compiled by published-package.integration.test.ts in an app outside the workspace that installed
// the packed tarballs. Every line must compile, and every @ts-expect-error must be an error.
import { type AppRouter, createChatClient, errorCodeOf } from '@confab/client';
import { createPushClient } from '@confab/client/push';
import type { Message } from '@confab/contracts';
import { useMessages } from '@confab/react';
import { createTRPCClient, httpBatchLink, type TRPCClientError } from '@trpc/client';

/** true when T is `any`: a type that fell back to any would accept every wrong call below. */
type IsAny<T> = 0 extends 1 & T ? true : false;

const chat = createChatClient({ url: 'http://127.0.0.1:1', token: 'token', autoConnect: false });
export async function typed(): Promise<void> {
  const page = await chat.api.message.history.query({ roomId: 'r1' });
  const first: Message | undefined = page.messages[0];
  const pageIsAny: IsAny<typeof page> = false;
  const sent = await chat.send({ roomId: 'r1', body: 'hi' });
  const seq: number = sent.seq;

  // The unmodified tRPC client, typed by the router type the SDK ships.
  const trpc = createTRPCClient<AppRouter>({
    links: [httpBatchLink({ url: 'http://127.0.0.1:1/trpc' })],
  });
  const ack = await trpc.message.send.mutate({ roomId: 'r1', clientMsgId: 'c1', body: 'hi' });
  const ackIsAny: IsAny<typeof ack> = false;
  const id: string = ack.id;

  // @ts-expect-error: no procedure is called message.sendd
  await trpc.message.sendd.mutate({ roomId: 'r1', clientMsgId: 'c1', body: 'hi' });
  // @ts-expect-error: no procedure is called room.bogus
  await chat.api.room.bogus.query();
  // @ts-expect-error: body is a string
  await trpc.message.send.mutate({ roomId: 'r1', clientMsgId: 'c1', body: 42 });
  // @ts-expect-error: history needs a roomId
  await chat.api.message.history.query({});

  const code = errorCodeOf(new Error('x') as TRPCClientError<AppRouter>);
  console.log(first, pageIsAny, seq, ackIsAny, id, code, useMessages);
}

// The server-side push client of another backend.
export async function backend(): Promise<string> {
  const confab = createPushClient({ url: 'http://127.0.0.1:1', apiKey: 'confab_key' });
  const { token } = await confab.mintToken({ externalId: 'user-42', displayName: 'Ada' });
  // @ts-expect-error: no such method
  await confab.mintTokens({ externalId: 'user-42' });
  return token;
}
