import { type FocusEvent, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { ValidationIssue } from '../../../../common/cluster';
import {
  defaultNewClusterForm,
  formProblems,
  type NewClusterField,
  type NewClusterForm,
  type NewClusterPreview,
  previewNewCluster,
} from './new-cluster-model';

/** What each part of the new-cluster form needs: the values, a setter and the messages. */
export interface NewClusterBinding {
  form: NewClusterForm;
  set<F extends NewClusterField>(field: F, value: NewClusterForm[F]): void;
  issues(field: NewClusterField): ValidationIssue[];
  problem(field: NewClusterField): string | null;
}

function isField(name: string, form: NewClusterForm): name is NewClusterField {
  return Object.prototype.hasOwnProperty.call(form, name);
}

/**
 * The form's state and its live check. A field's messages appear once the user has left it
 * (or tried to create), not while the form is still blank.
 */
export function useNewClusterBinding(timezone: string) {
  const { t } = useTranslation();
  const [form, setForm] = useState(() => defaultNewClusterForm(timezone));
  const [touched, setTouched] = useState<ReadonlySet<NewClusterField>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const preview: NewClusterPreview = useMemo(() => previewNewCluster(form), [form]);
  const problems = useMemo(() => formProblems(form), [form]);
  const shown = (field: NewClusterField) => submitted || touched.has(field);

  const binding: NewClusterBinding = {
    form,
    set: (field, value) => setForm((previous) => ({ ...previous, [field]: value })),
    issues: (field) => (shown(field) ? (preview.issues[field] ?? []) : []),
    problem: (field) => {
      const problem = problems[field];
      if (!shown(field) || !problem) return null;
      return problem === 'required' ? t('newCluster.required') : t('newCluster.mismatch');
    },
  };
  const errorCount =
    Object.keys(problems).length +
    Object.values(preview.issues)
      .flat()
      .filter((issue) => issue.severity === 'error').length +
    preview.general.filter((issue) => issue.severity === 'error').length;

  return {
    binding,
    preview,
    errorCount,
    submitted,
    markSubmitted: () => setSubmitted(true),
    /** For the form's onBlur: a control named like a field marks the field touched. */
    onBlur: (event: FocusEvent<HTMLFormElement>) => {
      const name = (event.target as { name?: unknown }).name;
      if (typeof name === 'string' && isField(name, form) && !touched.has(name))
        setTouched((previous) => new Set(previous).add(name));
    },
  };
}
