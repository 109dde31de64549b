import { errorMessageOf } from '@confab/client';
import { useCallback, useState } from 'react';

/**
 * Runs one server call at a time for a form: `busy` while it runs, and the server's error
 * message when it fails. `run` resolves to false on failure so callers can keep their input.
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const run = useCallback(async (action: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      await action();
      return true;
    } catch (err) {
      setError(errorMessageOf(err));
      return false;
    } finally {
      setBusy(false);
    }
  }, []);

  return { busy, error, setError, run };
}
