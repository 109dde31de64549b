// Must not compile: a procedure the API does not have.
import type { AppRouter } from '@confab/client';
import { createTRPCClient, httpBatchLink } from '@trpc/client';

const trpc = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: 'http://x/trpc' })] });
export const sent = trpc.message.sendd.mutate({ roomId: 'r1', clientMsgId: 'c1', body: 'hi' });
