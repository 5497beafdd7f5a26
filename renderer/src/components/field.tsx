import { type ReactNode, useId } from 'react';

import type { ValidationIssue } from '../../../common/cluster';
import { IssueList } from './issue-list';

/** What a field hands its control so the label, the messages and the state are linked. */
export interface ControlProps {
  id: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
}

export interface FieldProps {
  label: string;
  /** Validation issues of this field (from validateCluster). */
  issues?: readonly ValidationIssue[];
  /** A problem the form itself found (e.g. "required"), shown as an error. */
  problem?: string | null;
  hint?: string;
  className?: string;
}

/** A label, one control and the messages about it. */
export function Field({
  label,
  issues = [],
  problem,
  hint,
  className,
  children,
}: FieldProps & { children: (control: ControlProps) => ReactNode }) {
  const id = useId();
  const notesId = `${id}-notes`;
  const shown: ValidationIssue[] = problem
    ? [{ severity: 'error', path: '', message: problem }, ...issues]
    : [...issues];
  const invalid = shown.some((issue) => issue.severity === 'error');
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label className="label" htmlFor={id}>
        {label}
      </label>
      {children({
        id,
        'aria-invalid': invalid || undefined,
        'aria-describedby': shown.length > 0 || hint ? notesId : undefined,
      })}
      <div id={notesId}>
        {hint && <p className="hint">{hint}</p>}
        <IssueList issues={shown} />
      </div>
    </div>
  );
}
