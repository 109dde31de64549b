import type { AuthResult, LoginInput, RegisterInput } from '@confab/contracts';
import type { AppRouter } from '@confab/server';
import { createTRPCClient, httpLink } from '@trpc/client';

/** A one-call client without a session, for signing in. */
function anonymous(url: string) {
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${url.replace(/\/+$/, '')}/trpc` })],
  });
}

/**
 * Signs in with a password and returns the new session: its bearer `token` goes to
 * `createChatClient({ token })`. Refusals carry their code (`errorCodeOf`): INVALID_CREDENTIALS,
 * RATE_LIMITED, VALIDATION.
 */
export function signIn(url: string, input: LoginInput): Promise<AuthResult> {
  return anonymous(url).auth.login.mutate(input);
}

/** Creates an account and returns its first session, as `signIn` does. */
export function register(url: string, input: RegisterInput): Promise<AuthResult> {
  return anonymous(url).auth.register.mutate(input);
}
