import { errorMessageOf } from '@confab/client';
import { useCallback, useState } from 'react';

/**
 * Runs a form's server calls: `busy` while any of them runs (a call started while another runs,
 * as a search re-run by a filter, keeps it busy until both have answered), and the server's
 * error message when one fails. `run` resolves to false on failure so callers can keep their
 * input.
 */
export function useAction() {
  const [running, setRunning] = useState(0);
  const [error, setError] = useState<string | null>(null);

  const run = useCallback(async (action: () => Promise<unknown>): Promise<boolean> => {
    setRunning((n) => n + 1);
    setError(null);
    try {
      await action();
      return true;
    } catch (err) {
      setError(errorMessageOf(err));
      return false;
    } finally {
      setRunning((n) => n - 1);
    }
  }, []);

  return { busy: running > 0, error, setError, run };
}
