import { describe, expect, it } from 'vitest';

import type { CatalogImageView } from '../../../../common/flash';
import {
  describeImage,
  imagePathProblem,
  looksLikeImagePath,
  nodesWithOwnImage,
  withDefaultImage,
} from '../../../../renderer/src/features/image/image-choice';
import { labCluster } from '../cluster/fixtures';

const ubuntu: CatalogImageView = {
  id: 'ubuntu-server-24.04.3-arm64',
  name: 'Ubuntu Server 24.04.3 LTS (64-bit)',
  description: 'Ubuntu for the Raspberry Pi',
  family: 'ubuntu',
  url: 'https://cdimage.ubuntu.com/x.img.xz',
  releaseDate: '2025-08-07',
  downloadSize: null,
  extractSize: null,
  checksum: 'sidecar',
};

describe('image references', () => {
  it('tells file paths from catalog ids as the Node side does', () => {
    expect(looksLikeImagePath('/home/me/ubuntu.img.xz')).toBe(true);
    expect(looksLikeImagePath('C:\\Images\\alpine.img.gz')).toBe(true);
    expect(looksLikeImagePath('images/raspios.zip')).toBe(true);
    expect(looksLikeImagePath('raspios.img')).toBe(true);
    expect(looksLikeImagePath('ubuntu-server-24.04.3-arm64')).toBe(false);
    expect(looksLikeImagePath('hypriotos-1.12.3')).toBe(false);
  });

  it('asks for a full path', () => {
    expect(imagePathProblem('  ')).toBe('empty');
    expect(imagePathProblem('Downloads/ubuntu.img')).toBe('not-absolute');
    expect(imagePathProblem('/home/me/ubuntu.img')).toBeNull();
    expect(imagePathProblem(' /home/me/ubuntu.img ')).toBeNull();
    expect(imagePathProblem('D:\\images\\ubuntu.img')).toBeNull();
  });

  it('describes catalog entries, unknown ids and files', () => {
    expect(describeImage(ubuntu.id, [ubuntu])).toEqual({ kind: 'catalog', entry: ubuntu });
    expect(describeImage('gone-1.0', [ubuntu])).toEqual({ kind: 'unknown-id', id: 'gone-1.0' });
    expect(describeImage('/images/alpine.img.gz', [ubuntu])).toEqual({
      kind: 'file',
      path: '/images/alpine.img.gz',
      fileName: 'alpine.img.gz',
    });
  });
});

describe('the default image', () => {
  it('is set, trimmed, and removed when blank, without touching the rest', () => {
    const cluster = labCluster();
    const chosen = withDefaultImage(cluster, ' /images/ubuntu.img ');
    expect(chosen.spec.image).toEqual({ default: '/images/ubuntu.img' });
    expect(chosen.spec.nodes).toBe(cluster.spec.nodes);
    expect(cluster.spec.image).not.toEqual(chosen.spec.image);
    expect(withDefaultImage(chosen, '').spec.image).toEqual({});
  });

  it('does not reach nodes with an image of their own', () => {
    const cluster = labCluster();
    const nodes = cluster.spec.nodes.map((node, i) =>
      i === 1 ? { ...node, image: '/images/alpine.img.gz' } : node,
    );
    expect(nodesWithOwnImage({ ...cluster, spec: { ...cluster.spec, nodes } })).toEqual([
      'rpi-kube-cp-02',
    ]);
    expect(nodesWithOwnImage(cluster)).toEqual([]);
  });
});
