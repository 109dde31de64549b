import type * as Argon2 from '@node-rs/argon2';
import type * as CommonLists from '@zxcvbn-ts/language-common';
import type * as Redis from 'redis';
import type Sharp from 'sharp';
import type * as Undici from 'undici';
import type * as WebPush from 'web-push';

/**
 * Dependencies loaded at their first use rather than at start. Each costs resident memory that
 * a process not using it never needs: measured alone in bare Node, redis ~27 MiB, undici ~21,
 * @node-rs/argon2 ~14, web-push ~12, sharp (libvips) ~23. The api bundle is split by esbuild, so
 * each of these is a chunk of its own that is not even parsed until imported (see
 * tooling/server-bundle.mjs). Types stay static (`import type`); only the values wait.
 *
 * One loader per module, each with the literal `import()` the bundler needs to see.
 */

/** A failed load of an optional dependency, naming it; the original error is the cause. */
export class ModuleLoadError extends Error {
  constructor(
    readonly moduleName: string,
    cause: unknown,
  ) {
    super(`Could not load ${moduleName}`, { cause });
    this.name = 'ModuleLoadError';
  }
}

/**
 * A loader that imports once and shares the promise. A failed load is reported as a
 * ModuleLoadError and tried again at the next call (a missing native binding may be installed
 * meanwhile; a transient EMFILE may pass), rather than remembered forever.
 */
export function lazyModule<T>(moduleName: string, load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw new ModuleLoadError(moduleName, error);
    });
    return loading;
  };
}

/**
 * What a CommonJS package's import() gives, made the same under Node and in the bundle: Node's
 * namespace has the named exports its lexer finds plus `default` (module.exports); a split
 * esbuild bundle's chunk has `default` alone. module.exports is in both, so it is taken.
 */
function commonJsExports<T extends object>(namespace: T): T {
  const whole: unknown = (namespace as { default?: unknown }).default;
  return (typeof whole === 'object' && whole !== null) || typeof whole === 'function'
    ? (whole as T)
    : namespace;
}

/** node-redis: only with REDIS_URL (the bus, shared rate limits, the presence directory). */
export const loadRedis: () => Promise<typeof Redis> = lazyModule('redis', () =>
  import('redis').then(commonJsExports),
);

/** argon2: only when a password is hashed or checked (sign-up, sign-in, password change). */
export const loadArgon2: () => Promise<typeof Argon2> = lazyModule('@node-rs/argon2', () =>
  import('@node-rs/argon2').then(commonJsExports),
);

/** undici: only for outgoing requests (Web Push, webhooks, a JWKS document). */
export const loadUndici: () => Promise<typeof Undici> = lazyModule('undici', () =>
  import('undici').then(commonJsExports),
);

/** web-push: only when a push is sent or the server's VAPID keys are made. */
export const loadWebPush: () => Promise<typeof WebPush> = lazyModule('web-push', () =>
  import('web-push').then(commonJsExports),
);

/** zxcvbn-ts's common lists: only when a password is chosen (sign-up, password change). */
export const loadCommonLists: () => Promise<typeof CommonLists> = lazyModule(
  '@zxcvbn-ts/language-common',
  () => import('@zxcvbn-ts/language-common').then(commonJsExports),
);

/**
 * sharp (libvips): only at the first image. Outside the callers' catch-alls, so that a sharp
 * that cannot load is an internal error, not a file taken for "no image".
 */
export const loadSharp: () => Promise<typeof Sharp> = lazyModule('sharp', () =>
  import('sharp').then((module) => module.default),
);
