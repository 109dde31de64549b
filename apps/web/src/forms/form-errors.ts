import { errorCodeOf, errorMessageOf } from '@confab/client';
import { isUnreachable } from '../lib/unreachable';

/** A form's errors: each named field's message at that field, anything else for the whole form. */
export interface FormErrors<F extends string> {
  form: string | null;
  fields: Partial<Record<F, string>>;
}

export const NO_ERRORS: FormErrors<never> = { form: null, fields: {} };

/** A form submitted while the server cannot be reached: nothing was saved, trying again is safe. */
const UNREACHABLE_FORM = 'Can’t reach the server. Check your connection and try again.';

interface Issue {
  path: string;
  message: string;
}

/** The VALIDATION refusal's `data.issues` (the server's and the SDK's carry the same shape). */
function issuesOf(error: unknown): Issue[] {
  if (errorCodeOf(error) !== 'VALIDATION') return [];
  if (typeof error !== 'object' || error === null || !('data' in error)) return [];
  const { data } = error as { data?: { issues?: unknown } | null };
  if (!Array.isArray(data?.issues)) return [];
  return data.issues.filter(
    (issue): issue is Issue =>
      typeof issue === 'object' &&
      issue !== null &&
      typeof (issue as Issue).path === 'string' &&
      typeof (issue as Issue).message === 'string',
  );
}

/**
 * Splits a failed call's error over a form: a VALIDATION issue whose path is one of `fields`
 * goes to that field; other issues and every other error stay a form-level message.
 */
export function formErrorsOf<F extends string>(
  error: unknown,
  fields: readonly F[],
): FormErrors<F> {
  if (isUnreachable(error)) return { form: UNREACHABLE_FORM, fields: {} };
  const issues = issuesOf(error);
  if (issues.length === 0) return { form: errorMessageOf(error), fields: {} };
  const known = new Set<string>(fields);
  const byField: Partial<Record<F, string>> = {};
  const rest: string[] = [];
  for (const issue of issues) {
    if (known.has(issue.path)) {
      const field = issue.path as F;
      // A field can fail two rules; both are said, in the server's order.
      byField[field] = byField[field] ? `${byField[field]} ${issue.message}` : issue.message;
    } else {
      rest.push(issue.path ? `${issue.path}: ${issue.message}` : issue.message);
    }
  }
  return { form: rest.length > 0 ? rest.join('; ') : null, fields: byField };
}
