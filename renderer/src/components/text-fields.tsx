import type { InputHTMLAttributes } from 'react';

import { Field, type FieldProps } from './field';
import { useDraft } from './use-draft';

type InputAttributes = Omit<
  InputHTMLAttributes<HTMLInputElement>,
  'value' | 'onChange' | 'id' | 'defaultValue'
>;

/** A text input; the value is committed on every keystroke. */
export function TextField({
  label,
  issues,
  problem,
  hint,
  className,
  value,
  onChange,
  testId,
  ...input
}: FieldProps &
  InputAttributes & { value: string; onChange: (text: string) => void; testId?: string }) {
  return (
    <Field label={label} issues={issues} problem={problem} hint={hint} className={className}>
      {(control) => (
        <input
          {...input}
          {...control}
          data-testid={testId}
          value={value}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
    </Field>
  );
}

/** A list of words (DNS servers) typed on one line, separated by commas or spaces. */
export function WordListField({
  value,
  onChange,
  split,
  testId,
  placeholder,
  ...field
}: FieldProps & {
  value: readonly string[];
  onChange: (words: string[]) => void;
  split: (text: string) => string[];
  testId?: string;
  placeholder?: string;
}) {
  const { props } = useDraft(value.join(', '), (text) => onChange(split(text)), 'change');
  return (
    <Field {...field}>
      {(control) => (
        <input
          {...control}
          {...props}
          data-testid={testId}
          placeholder={placeholder}
          spellCheck={false}
        />
      )}
    </Field>
  );
}

/** One entry per line (authorized_keys). */
export function LinesField({
  value,
  onChange,
  split,
  testId,
  placeholder,
  rows = 4,
  ...field
}: FieldProps & {
  value: readonly string[];
  onChange: (lines: string[]) => void;
  split: (text: string) => string[];
  testId?: string;
  placeholder?: string;
  rows?: number;
}) {
  const { props } = useDraft(value.join('\n'), (text) => onChange(split(text)), 'change');
  return (
    <Field {...field}>
      {(control) => (
        <textarea
          {...control}
          {...props}
          className="mono"
          rows={rows}
          data-testid={testId}
          placeholder={placeholder}
          spellCheck={false}
        />
      )}
    </Field>
  );
}

/** A whole number; what is not one stays in the field with `notANumber` and is not committed. */
export function IntegerField({
  value,
  onChange,
  min,
  max,
  notANumber,
  testId,
  ...field
}: FieldProps & {
  value: number;
  onChange: (value: number) => void;
  min: number;
  max: number;
  notANumber: string;
  testId?: string;
}) {
  const parse = (text: string) => {
    const n = Number(text);
    return text.trim() !== '' && Number.isInteger(n) && n >= min && n <= max ? n : null;
  };
  const { draft, props } = useDraft(
    String(value),
    (text) => {
      const n = parse(text);
      if (n !== null) onChange(n);
    },
    'change',
  );
  const problem = draft !== null && parse(draft) === null ? notANumber : field.problem;
  return (
    <Field {...field} problem={problem}>
      {(control) => <input {...control} {...props} data-testid={testId} inputMode="numeric" />}
    </Field>
  );
}
