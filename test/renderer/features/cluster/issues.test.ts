import { describe, expect, it } from 'vitest';

import type { ValidationIssue } from '../../../../common/cluster';
import {
  countIssues,
  issuesAt,
  nodeIssues,
  nodeTableIssues,
} from '../../../../renderer/src/features/cluster/issues';

const issue = (path: string, severity: ValidationIssue['severity'] = 'error', message = path) => ({
  severity,
  path,
  message,
});

const issues = [
  issue('spec.nodes'),
  issue('spec.nodes.1.ip'),
  issue('spec.nodes.1.hostname'),
  issue('spec.nodes.10.ip'),
  issue('spec.network.dns.0'),
  issue('spec.network.dns', 'warning'),
  issue('spec.controlPlane.virtualIP'),
  issue('spec.controlPlane.virtualIP.address'),
];

describe('issues beside fields', () => {
  it('gives a field the issues at and below its path', () => {
    expect(issuesAt(issues, 'spec.network.dns').map((i) => i.path)).toEqual([
      'spec.network.dns.0',
      'spec.network.dns',
    ]);
    expect(issuesAt(issues, 'spec.controlPlane.virtualIP', { exact: true })).toHaveLength(1);
  });

  it('gives node 1 its own issues, not node 10’s', () => {
    expect(nodeIssues(issues, 1).map((i) => i.path)).toEqual([
      'spec.nodes.1.ip',
      'spec.nodes.1.hostname',
    ]);
    expect(nodeTableIssues(issues).map((i) => i.path)).toEqual(['spec.nodes']);
  });

  it('counts errors and warnings', () => {
    expect(countIssues(issues)).toEqual({ errors: 7, warnings: 1 });
  });
});
