import type { InputHTMLAttributes } from 'react';

import { useDraft } from './use-draft';

/**
 * An input inside a table cell: shows what is typed and commits it when the user leaves the
 * cell or presses Enter (Escape drops it), so each cell edit is one change.
 */
export function CellInput({
  value,
  onCommit,
  invalid,
  ...input
}: Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'defaultValue'> & {
  value: string;
  onCommit: (text: string) => void;
  invalid?: boolean;
}) {
  const { props } = useDraft(value, onCommit, 'blur');
  return <input {...input} {...props} aria-invalid={invalid || undefined} />;
}
