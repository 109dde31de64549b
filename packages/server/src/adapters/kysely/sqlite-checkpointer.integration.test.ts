import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  CHECKPOINT_INTERVAL_MS,
  type CheckpointWatch,
  checkpointWhenBusy,
  FALLBACK_AUTOCHECKPOINT_PAGES,
} from './sqlite-checkpointer.js';

/** The rows in the database file alone: what checkpoints have copied out of the WAL. */
function checkpointedRows(path: string): number {
  const copy = `${path}.copy`;
  copyFileSync(path, copy);
  // Opened without its WAL (none was copied): only the file's own pages are read.
  const file = new BetterSqlite3(copy, { readonly: true });
  try {
    return (file.prepare('select count(*) as n from t').get() as { n: number }).n;
  } finally {
    file.close();
  }
}

describe('SQLite WAL checkpoints off the event loop', () => {
  let dir: string;
  let path: string;
  let db: BetterSqlite3.Database;
  let watch: CheckpointWatch | undefined;
  const warnings: string[] = [];
  const autocheckpoint = () => db.pragma('wal_autocheckpoint', { simple: true });
  /** Commits `n` rows of about a page each, one transaction per row. */
  const write = (n: number) => {
    const insert = db.prepare('insert into t (body) values (?)');
    for (let i = 0; i < n; i++) insert.run('x'.repeat(4000));
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'confab-checkpoint-'));
    path = join(dir, 'db.sqlite');
    db = new BetterSqlite3(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // This test's writes checkpoint only through the watch (or when crossing its thresholds).
    db.exec('create table t (id integer primary key, body text not null)');
    db.pragma('wal_checkpoint(TRUNCATE)');
    watch = checkpointWhenBusy(db, path, (message) => warnings.push(message));
  });
  afterEach(() => {
    watch?.stop();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves a database that writes little to SQLite: no worker, its own threshold', async () => {
    write(10);
    expect(await watch?.check()).toBe(false);
    expect(autocheckpoint()).toBe(1000);
  });

  it('once the WAL reaches a checkpoint of its own, checkpoints on a worker and raises the threshold', async () => {
    // Over 1,000 frames: the commit that crossed them checkpointed, as SQLite does by default.
    write(1200);
    expect(await watch?.check()).toBe(true);
    expect(autocheckpoint()).toBe(FALLBACK_AUTOCHECKPOINT_PAGES);
    // A few more pages, far below the raised threshold: only the worker copies them.
    write(5);
    await vi.waitFor(() => expect(checkpointedRows(path)).toBe(1205), {
      timeout: 20 * CHECKPOINT_INTERVAL_MS,
      interval: CHECKPOINT_INTERVAL_MS / 5,
    });
    expect(warnings).toEqual([]);
  });
});
