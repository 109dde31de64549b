/**
 * Turns off zod's JIT (it compiles object parsers with `new Function`) before any schema
 * parses. The page's CSP has no 'unsafe-eval', so zod's probe for eval is blocked; zod catches
 * that and falls back, but the browser still reports a CSP violation on every page load, which
 * would hide a real one. main.tsx imports this module first. e2e/tests/security-headers.spec.ts
 * fails if it stops working (a reported 'eval' violation).
 */
// zod/mini's `config` sets the configuration every zod schema reads (classic and mini alike)
// without pulling classic zod into the first chunk.
import { config } from 'zod/mini';

config({ jitless: true });
