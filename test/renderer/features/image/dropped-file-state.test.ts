import { describe, expect, it } from 'vitest';

import {
  type DroppedFile,
  type DroppedFileAction,
  droppedFileReducer,
} from '../../../../renderer/src/features/image/dropped-file-state';

const run = (actions: DroppedFileAction[], state: DroppedFile | null = null) =>
  actions.reduce(droppedFileReducer, state);

const drop = (id: number, path: string | null, upload: boolean): DroppedFileAction => ({
  type: 'dropped',
  id,
  name: 'card.img.xz',
  size: 1000,
  path,
  upload,
});

describe('a dropped file', () => {
  it('is ready at once where the desktop shell gives its path', () => {
    expect(run([drop(1, '/home/me/card.img.xz', false)])).toEqual({
      id: 1,
      name: 'card.img.xz',
      size: 1000,
      status: 'ready',
      path: '/home/me/card.img.xz',
      uploaded: false,
    });
  });

  it('says when a desktop drop has no path (dragged out of another app)', () => {
    expect(run([drop(1, null, false)])?.status).toBe('no-path');
  });

  it('uploads in a browser with progress, then is ready at the server’s path', () => {
    const uploading = run([drop(1, null, true), { type: 'upload-progress', id: 1, sent: 400 }]);
    expect(uploading).toMatchObject({ status: 'uploading', sent: 400 });
    const ready = run(
      [{ type: 'uploaded', id: 1, path: '/srv/cache/uploads/ab/card.img.xz' }],
      uploading,
    );
    expect(ready).toMatchObject({
      status: 'ready',
      path: '/srv/cache/uploads/ab/card.img.xz',
      uploaded: true,
    });
  });

  it('keeps the server’s reason when the upload fails', () => {
    const failed = run([
      drop(1, null, true),
      {
        type: 'upload-failed',
        id: 1,
        reason: { kind: 'refused', message: 'larger than the upload limit' },
      },
    ]);
    expect(failed).toMatchObject({ status: 'failed', reason: { kind: 'refused' } });
  });

  it('follows only the latest drop: a late answer for an earlier one changes nothing', () => {
    const second = run([drop(1, null, true), drop(2, null, true)]);
    const after = run(
      [
        { type: 'uploaded', id: 1, path: '/old' },
        { type: 'upload-progress', id: 1, sent: 999 },
      ],
      second,
    );
    expect(after).toEqual(second);
  });

  it('is forgotten on request', () => {
    expect(run([drop(1, null, true), { type: 'forget' }])).toBeNull();
  });
});
