import { type Compilable, CompiledQuery, type Kysely, type QueryResult } from 'kysely';
import type { Database } from './schema.js';

/** Where a compiled query's parameter comes from: a named value of the call, or a constant. */
type Slot<K> = { key: K } | { value: unknown };

interface Compiled<K> {
  sql: string;
  slots: Slot<K>[];
}

/** The stand-in for the value named `key` while the query is compiled. */
const placeholder = (key: string) => `\u0000confab-query-template:${key}\u0000`;

/**
 * A statement whose SQL text never changes, built and compiled by Kysely once (per dialect);
 * each call only binds its values. Kysely builds an immutable tree of nodes and compiles it on
 * every run of a query: at a lone send's pace (code and caches cold) that was a third of the
 * server's CPU per send, more than SQLite's own work (bench/RESULTS.md, "After the full run").
 * For the statements every write runs; the rest stay plain Kysely.
 *
 * `build` gets stand-ins for the values and must pass each one through to the query as a value
 * (not compute with it); compiling checks that each became a parameter, so a template that
 * breaks that rule fails on its first use (in its tests) rather than binding the wrong values.
 */
export function queryTemplate<K extends string, P extends Record<K, unknown>, R>(
  keys: readonly K[],
  build: (db: Kysely<Database>, values: P) => Compilable<R>,
): (db: Kysely<Database>, values: P) => Promise<QueryResult<R>> {
  // By dialect adapter: a transaction shares its database's, and SQLite and PostgreSQL differ.
  const compiledBy = new WeakMap<object, Compiled<K>>();

  function compile(db: Kysely<Database>): Compiled<K> {
    const standIns = Object.fromEntries(keys.map((key) => [key, placeholder(key)]));
    // The stand-ins are strings where P may say numbers: they only travel into parameters.
    const query = build(db, standIns as P).compile();
    const byPlaceholder = new Map(keys.map((key) => [placeholder(key), key]));
    const used = new Set<K>();
    const slots = query.parameters.map((value): Slot<K> => {
      const key = typeof value === 'string' ? byPlaceholder.get(value) : undefined;
      if (key !== undefined) {
        used.add(key);
        return { key };
      }
      if (typeof value === 'string' && value.includes('\u0000confab-query-template:'))
        throw new Error(`query template: a value was changed on its way in (${query.sql})`);
      return { value };
    });
    const unused = keys.filter((key) => !used.has(key));
    if (unused.length > 0)
      throw new Error(`query template: ${unused.join(', ')} not a parameter of ${query.sql}`);
    return { sql: query.sql, slots };
  }

  return (db, values) => {
    const adapter = db.getExecutor().adapter;
    let compiled = compiledBy.get(adapter);
    if (!compiled) {
      compiled = compile(db);
      compiledBy.set(adapter, compiled);
    }
    const parameters = compiled.slots.map((slot) =>
      'key' in slot ? values[slot.key] : slot.value,
    );
    return db.executeQuery(CompiledQuery.raw(compiled.sql, parameters) as CompiledQuery<R>);
  };
}
