import { isRecord } from '../payload.js';

/** A tRPC mutation over HTTP as Confab's clients send it: POST /trpc/<path>, JSON input. */
export async function confabMutation(
  baseUrl: string,
  path: string,
  input: unknown,
  token?: string,
): Promise<unknown> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${baseUrl}/trpc/${path}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(input),
  });
  const payload: unknown = await response.json();
  if (!isRecord(payload)) throw new Error(`${path}: HTTP ${response.status}, no JSON object`);
  if (payload.error !== undefined) {
    const error = payload.error;
    const message = isRecord(error) && typeof error.message === 'string' ? error.message : '';
    throw new Error(`${path}: HTTP ${response.status} ${message}`);
  }
  const result = payload.result;
  if (!isRecord(result)) throw new Error(`${path}: HTTP ${response.status}, no result`);
  return result.data;
}

/** A string field of a mutation's result. */
export function stringField(value: unknown, key: string): string {
  const field = isRecord(value) ? value[key] : undefined;
  if (typeof field !== 'string') throw new Error(`Expected a string ${key} in the result`);
  return field;
}
