import { describe, expect, it } from 'vitest';
import { configFromArgs } from './config.js';

describe('the bench command line', () => {
  it('sets the sends workload’s warm-up and measured window, and refuses a window of 0', () => {
    const config = configFromArgs(['--sends-warmup-ms', '3000', '--sends-window-ms', '15000'], 'x');
    expect(config.sends).toMatchObject({ warmupMs: 3000, durationMs: 15000, senders: 100 });
    expect(configFromArgs([], 'x').sends).toMatchObject({ warmupMs: 1000, durationMs: 4000 });
    expect(() => configFromArgs(['--sends-window-ms', '0'], 'x')).toThrow(
      '--sends-window-ms must be a positive integer',
    );
  });
});
