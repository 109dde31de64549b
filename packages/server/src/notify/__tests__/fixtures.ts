import {
  createTRPCClient,
  getUntypedClient,
  httpLink,
  type TRPCClient,
  TRPCClientError,
} from '@trpc/client';
import { connect } from '../../__tests__/server.js';
import type { AppRouter } from '../../routers/root.js';

/** An API key long enough for the server's rule (16+ characters). */
export const API_KEY = 'notify-test-api-key-0123456789';

/** Another app calling the server-to-server procedures with an `X-Api-Key` header. */
export function connectWithApiKey(url: string, apiKey = API_KEY): TRPCClient<AppRouter> {
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${url}/trpc`, headers: () => ({ 'X-Api-Key': apiKey }) })],
  });
}

/** A second device of an existing user: a new session from a password login. */
export async function secondDevice(url: string, username: string, deviceLabel: string) {
  const anonymous = connect(url);
  const { token } = await anonymous.api.auth.login.mutate({
    username,
    password: 'correct horse battery',
    deviceLabel,
  });
  anonymous.close();
  return { ...connect(url, token), token };
}

/**
 * Opens the device's live event stream; resolves once its first event (the sync point) came,
 * when the server counts the device as connected.
 */
export function openStream(api: TRPCClient<AppRouter>): Promise<{ close(): void }> {
  return new Promise((resolve, reject) => {
    const subscription = getUntypedClient(api).subscription(
      'events.onEvent',
      { cursors: {} },
      {
        onData: () => resolve({ close: () => subscription.unsubscribe() }),
        onError: reject,
      },
    );
  });
}

/** The refusal a call ended with: its application code and message. */
export async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof TRPCClientError)) {
    throw new Error(`expected a refusal, got ${error === undefined ? 'success' : String(error)}`);
  }
  const { data } = error as TRPCClientError<AppRouter>;
  return { appCode: data?.appCode, message: error.message };
}
