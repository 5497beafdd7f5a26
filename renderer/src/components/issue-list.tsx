import type { ValidationIssue } from '../../../common/cluster';

/** Validation messages beside what they concern; errors and warnings look different. */
export function IssueList({
  issues,
  id,
  testId,
}: {
  issues: readonly ValidationIssue[];
  id?: string;
  testId?: string;
}) {
  if (issues.length === 0) return null;
  return (
    <ul className="issues" id={id} data-testid={testId}>
      {issues.map((issue, i) => (
        <li key={i} className={`issue issue-${issue.severity}`} data-severity={issue.severity}>
          {issue.message}
        </li>
      ))}
    </ul>
  );
}
