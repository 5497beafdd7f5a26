import { describe, expect, it } from 'vitest';

import { parseOsRelease } from '../../../../main/provision/detect';

describe('parseOsRelease', () => {
  it('reads quoted and unquoted values, skipping comments and blank lines', () => {
    const text = [
      '# comment',
      'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"',
      '',
      'ID=debian',
      "VERSION_CODENAME='bookworm'",
      'HOME_URL="https://www.debian.org/"\r',
      'not a field',
      '  ID_LIKE="ubuntu debian"  ',
    ].join('\n');
    expect(parseOsRelease(text)).toEqual({
      PRETTY_NAME: 'Debian GNU/Linux 12 (bookworm)',
      ID: 'debian',
      VERSION_CODENAME: 'bookworm',
      HOME_URL: 'https://www.debian.org/',
      ID_LIKE: 'ubuntu debian',
    });
  });

  it('undoes shell escapes inside double quotes only', () => {
    expect(parseOsRelease('A="say \\"hi\\" \\$HOME"\nB=\'x\\"y\'')).toEqual({
      A: 'say "hi" $HOME',
      B: 'x\\"y',
    });
  });

  it('returns nothing for empty input', () => {
    expect(parseOsRelease('')).toEqual({});
  });
});
