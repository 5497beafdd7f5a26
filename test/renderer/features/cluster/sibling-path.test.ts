import { describe, expect, it } from 'vitest';

import { siblingPath } from '../../../../renderer/src/features/cluster/sibling-path';

describe('siblingPath', () => {
  it('puts a file beside another, keeping the separator', () => {
    expect(siblingPath('/home/me/lab.yaml', 'lab.kubeconfig')).toBe('/home/me/lab.kubeconfig');
    expect(siblingPath('C:\\Users\\me\\lab.yaml', 'lab.kubeconfig')).toBe(
      'C:\\Users\\me\\lab.kubeconfig',
    );
    expect(siblingPath('lab.yaml', 'x')).toBe('x');
  });
});
