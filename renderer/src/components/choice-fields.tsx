import type { ValidationIssue } from '../../../common/cluster';
import { Field, type FieldProps } from './field';
import { IssueList } from './issue-list';

export interface Choice<V extends string> {
  value: V;
  label: string;
}

/** One of a few values, as a drop-down. */
export function SelectField<V extends string>({
  value,
  choices,
  onChange,
  testId,
  disabled,
  ...field
}: FieldProps & {
  value: V;
  choices: readonly Choice<V>[];
  onChange: (value: V) => void;
  testId?: string;
  disabled?: boolean;
}) {
  return (
    <Field {...field}>
      {(control) => (
        <select
          {...control}
          data-testid={testId}
          value={value}
          disabled={disabled}
          onChange={(event) => {
            const choice = choices.find((c) => c.value === event.target.value);
            if (choice) onChange(choice.value);
          }}
        >
          {choices.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** One of a few values side by side, as radio buttons. */
export function RadioField<V extends string>({
  label,
  name,
  value,
  choices,
  onChange,
  issues = [],
  hint,
  testId,
}: {
  label: string;
  name: string;
  value: V;
  choices: readonly Choice<V>[];
  onChange: (value: V) => void;
  issues?: readonly ValidationIssue[];
  hint?: string;
  testId?: string;
}) {
  return (
    <fieldset className="field radio-field" data-testid={testId}>
      <legend className="label">{label}</legend>
      <div className="radio-choices">
        {choices.map((choice) => (
          <label key={choice.value} className="check">
            <input
              type="radio"
              name={name}
              value={choice.value}
              checked={value === choice.value}
              onChange={() => onChange(choice.value)}
            />
            {choice.label}
          </label>
        ))}
      </div>
      {hint && <p className="hint">{hint}</p>}
      <IssueList issues={issues} />
    </fieldset>
  );
}

/** A yes/no setting with its label beside the box. */
export function CheckField({
  label,
  checked,
  onChange,
  issues = [],
  hint,
  testId,
  disabled,
}: {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  issues?: readonly ValidationIssue[];
  hint?: string;
  testId?: string;
  disabled?: boolean;
}) {
  return (
    <div className="field">
      <label className="check">
        <input
          type="checkbox"
          data-testid={testId}
          checked={checked}
          disabled={disabled}
          onChange={(event) => onChange(event.target.checked)}
        />
        {label}
      </label>
      {hint && <p className="hint">{hint}</p>}
      <IssueList issues={issues} />
    </div>
  );
}
