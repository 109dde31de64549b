/**
 * Turns off zod's JIT (it compiles object parsers with `new Function`) before any schema is
 * built. The page's CSP has no 'unsafe-eval', so zod's probe for eval is blocked; zod catches
 * that and falls back, but the browser still reports a CSP violation on every page load, which
 * would hide a real one. `jitless` skips the probe (zod 4's util.allowsEval).
 *
 * This is `z.config({ jitless: true })` done through the global zod keeps its config in
 * (core.js: globalThis.__zod_globalConfig), because the web app reaches zod only through
 * @confab/contracts and has no zod import of its own. It must run before @confab/contracts is
 * evaluated, so main.tsx imports it first. e2e/tests/security-headers.spec.ts fails if it
 * stops working (a reported 'eval' violation).
 */
const shared = globalThis as { __zod_globalConfig?: { jitless?: boolean } };
shared.__zod_globalConfig = { ...shared.__zod_globalConfig, jitless: true };
