import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/*
 * patches/@trpc__server@11.25.2.patch replaces the object-spread helper tRPC's build ships
 * (docs/operations.md, "tRPC's spread helper"). Every procedure call goes through it (the
 * middleware chain merges opts and ctx with it), so it must do exactly what the helper it
 * replaces did: here, against the semantics that helper implements, for any sequence of
 * sources, including accessors, read-only and hidden properties, symbols and "__proto__".
 */

type Spread = (target: object, ...sources: unknown[]) => object;

/** The helper as installed: the patched copy, or the test fails to find it. */
async function installedSpread(): Promise<Spread> {
  const dist = dirname(createRequire(import.meta.url).resolve('@trpc/server'));
  const chunk = readdirSync(dist).find((f) => /^getErrorShape-.*\.mjs$/.test(f));
  if (!chunk) throw new Error(`no getErrorShape chunk in ${dist}`);
  const module: Record<string, unknown> = await import(pathToFileURL(join(dist, chunk)).href);
  const spread = Object.values(module).find(
    (v): v is Spread => typeof v === 'function' && v.name === '_objectSpread2',
  );
  if (!spread) throw new Error(`no _objectSpread2 exported by ${chunk}`);
  return spread;
}

/**
 * What the helper is specified to do: odd arguments (1, 3, …) are `...source` in an object
 * literal (each own enumerable key, string or symbol, read and defined as a plain data
 * property); even ones copy every own property's descriptor, as `{}, {...}` literals compile to.
 */
function reference(target: object, ...sources: unknown[]): object {
  sources.forEach((source, i) => {
    if (source === null || source === undefined) return;
    const from = Object(source) as Record<PropertyKey, unknown>;
    if (i % 2 === 1) {
      Object.defineProperties(target, Object.getOwnPropertyDescriptors(from));
      return;
    }
    for (const key of Reflect.ownKeys(from)) {
      if (!Object.prototype.propertyIsEnumerable.call(from, key)) continue;
      Object.defineProperty(target, key, {
        value: from[key],
        writable: true,
        enumerable: true,
        configurable: true,
      });
    }
  });
  return target;
}

const SYMBOL = Symbol('s');
const KEYS: PropertyKey[] = ['a', 'b', 'ctx', 'input', '__proto__', 'constructor', '0', SYMBOL];
const GETTER = () => 'got';

type Kind = 'plain' | 'getter' | 'readonly' | 'hidden' | 'frozen';
const property = fc.record({
  key: fc.constantFrom(...KEYS),
  kind: fc.constantFrom<Kind>('plain', 'plain', 'plain', 'getter', 'readonly', 'hidden', 'frozen'),
  value: fc.integer(),
});

/** A source object, built fresh for each helper so that both see the same thing. */
type Blueprint = { key: PropertyKey; kind: Kind; value: number }[] | null | 'text';

function build(blueprint: Blueprint): unknown {
  if (blueprint === null || blueprint === 'text') return blueprint;
  const source = {};
  for (const { key, kind, value } of blueprint) {
    const descriptor: PropertyDescriptor =
      kind === 'getter'
        ? { get: GETTER, enumerable: true, configurable: true }
        : {
            value,
            writable: kind !== 'readonly' && kind !== 'frozen',
            enumerable: kind !== 'hidden',
            configurable: kind !== 'frozen',
          };
    Object.defineProperty(source, key, descriptor);
  }
  return source;
}

/** Everything observable of the result: prototype and every own property's descriptor. */
function observe(run: () => object): unknown {
  try {
    const result = run();
    return {
      proto: Object.getPrototypeOf(result) === Object.prototype,
      props: Reflect.ownKeys(result).map((key) => [
        key,
        Object.getOwnPropertyDescriptor(result, key),
      ]),
    };
  } catch (error) {
    return { threw: error instanceof TypeError };
  }
}

describe("tRPC's object-spread helper (patched)", () => {
  it('is the patched copy', async () => {
    const spread = await installedSpread();
    expect(spread.toString()).toContain('_objectSpread2Irregular');
  });

  it('gives what the helper it replaces gives, for any sources', async () => {
    const spread = await installedSpread();
    const blueprint: fc.Arbitrary<Blueprint> = fc.oneof(
      { weight: 8, arbitrary: fc.array(property, { maxLength: 6 }) },
      { weight: 1, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.constant('text' as const) },
    );
    fc.assert(
      fc.property(fc.array(blueprint, { minLength: 1, maxLength: 5 }), (blueprints) => {
        const patched = observe(() => spread({}, ...blueprints.map(build)));
        const expected = observe(() => reference({}, ...blueprints.map(build)));
        expect(patched).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('never sets a prototype from a "__proto__" key (JSON from a client has them)', async () => {
    const spread = await installedSpread();
    const hostile = JSON.parse('{"__proto__":{"polluted":true},"a":1}') as object;
    for (const merged of [spread({}, hostile), spread({}, {}, hostile)]) {
      expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
      expect(Object.keys(merged)).toEqual(['__proto__', 'a']);
    }
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('merges the way middleware chains use it: later sources win, order kept', async () => {
    const spread = await installedSpread();
    const next = () => 'next';
    const opts = { ctx: { user: 'ann' }, path: 'message.send', input: 1 };
    const merged = spread(spread({}, opts), {}, { input: 2, next }) as Record<string, unknown>;
    expect(merged).toEqual({ ctx: { user: 'ann' }, path: 'message.send', input: 2, next });
    expect(Object.keys(merged)).toEqual(['ctx', 'path', 'input', 'next']);
    expect(opts.input).toBe(1);
  });
});
