import { errorMessageOf } from '@confab/client';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';

export interface QueryState<T> {
  /** The latest answer; null until the first one. */
  data: T | null;
  error: string | null;
  loading: boolean;
  /** Asks again; resolves once the answer (or the error) is in. */
  refresh(): Promise<void>;
}

/**
 * Runs `load` now and whenever `key` changes; only the newest request's answer lands, so a
 * slow answer never overwrites a newer one.
 * @internal
 */
export function useQuery<T>(key: string, load: () => Promise<T>): QueryState<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const latestLoad = useRef(load);
  useLayoutEffect(() => {
    latestLoad.current = load;
  });
  const latestRequest = useRef(0);
  const mounted = useRef(true);

  const refresh = useCallback(async (): Promise<void> => {
    const request = ++latestRequest.current;
    setLoading(true);
    try {
      const result = await latestLoad.current();
      if (request !== latestRequest.current || !mounted.current) return;
      setData(result);
      setError(null);
    } catch (err) {
      if (request === latestRequest.current && mounted.current) setError(errorMessageOf(err));
    } finally {
      if (request === latestRequest.current && mounted.current) setLoading(false);
    }
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for what `load` reads.
  useEffect(() => {
    mounted.current = true;
    void refresh();
    return () => {
      mounted.current = false;
    };
  }, [key, refresh]);

  return { data, error, loading, refresh };
}
