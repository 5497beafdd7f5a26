import { describe, expect, it } from 'vitest';

import { sanitiseUploadName } from '../../../main/server/upload-name';

describe('uploaded file names', () => {
  it('keeps ordinary image names as they are', () => {
    expect(sanitiseUploadName('2024-11-19-raspios-bookworm-arm64-lite.img.xz')).toBe(
      '2024-11-19-raspios-bookworm-arm64-lite.img.xz',
    );
    expect(sanitiseUploadName('ubuntu+server_24.04.img')).toBe('ubuntu+server_24.04.img');
    expect(sanitiseUploadName('镜像.img')).toBe('镜像.img');
  });

  it('keeps only the last part of a path, and no leading dots', () => {
    expect(sanitiseUploadName('../../etc/passwd')).toBe('passwd');
    expect(sanitiseUploadName('C:\\Users\\me\\card.img')).toBe('card.img');
    expect(sanitiseUploadName('..hidden.img')).toBe('hidden.img');
    expect(sanitiseUploadName('a/..')).toBeNull();
  });

  it('replaces spaces, control characters and shell characters', () => {
    expect(sanitiseUploadName('my image;rm -rf $HOME\u0000.img')).toBe(
      'my_image_rm_-rf__HOME_.img',
    );
  });

  it('refuses what leaves nothing usable', () => {
    expect(sanitiseUploadName(null)).toBeNull();
    expect(sanitiseUploadName('')).toBeNull();
    expect(sanitiseUploadName('...')).toBeNull();
    expect(sanitiseUploadName('???')).toBeNull();
  });

  it('shortens a long name, keeping its ending', () => {
    const name = sanitiseUploadName(`${'x'.repeat(300)}.img.xz`)!;
    expect(name.length).toBe(120);
    expect(name.endsWith('.img.xz')).toBe(true);
  });
});
