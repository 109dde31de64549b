import { useCallback, useEffect, useRef, useState } from 'react';
import { type FormErrors, formErrorsOf, NO_ERRORS } from './form-errors';

/**
 * Runs a form's server call (one at a time): `busy` while it runs; when it fails, the error split
 * over the form's `fields` (see formErrorsOf), and focus moves to the first field in error so
 * that a keyboard or screen-reader user lands on what to fix. `run` resolves to false on failure.
 */
export function useFormAction<F extends string>(fields: readonly F[]) {
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FormErrors<F>>(NO_ERRORS);
  const formRef = useRef<HTMLFormElement>(null);
  const fieldsRef = useRef(fields);
  fieldsRef.current = fields;

  const run = useCallback(async (action: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setErrors(NO_ERRORS);
    try {
      await action();
      return true;
    } catch (err) {
      setErrors(formErrorsOf(err, fieldsRef.current));
      return false;
    } finally {
      setBusy(false);
    }
  }, []);

  const clear = useCallback(() => setErrors(NO_ERRORS), []);

  useEffect(() => {
    if (Object.keys(errors.fields).length === 0) return;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [errors]);

  return { busy, errors, run, clear, formRef };
}
