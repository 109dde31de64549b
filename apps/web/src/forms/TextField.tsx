import { type InputHTMLAttributes, useId } from 'react';

/**
 * A labelled input with its own error message under it: the input is marked aria-invalid and
 * described by the message, so a screen reader says what is wrong when the field is focused.
 * The message sits outside the <label> so that it does not become part of the field's name.
 */
export function TextField({
  label,
  error,
  ...input
}: { label: string; error?: string | undefined } & InputHTMLAttributes<HTMLInputElement>) {
  const errorId = useId();
  const describedBy = [input['aria-describedby'], error ? errorId : undefined]
    .filter(Boolean)
    .join(' ');
  return (
    <div className="field-with-error">
      <label className="field">
        <span>{label}</span>
        <input
          {...input}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy || undefined}
        />
      </label>
      {error && (
        <p id={errorId} className="field-error" data-testid="field-error">
          {error}
        </p>
      )}
    </div>
  );
}
