import { describe, expect, it } from 'vitest';

import { limitProblem, uploadOutcome } from '../../../../renderer/src/features/image/upload-image';

describe('the upload endpoint’s answer', () => {
  it('gives where the image landed', () => {
    const body = JSON.stringify({ path: '/cache/uploads/ab/card.img', name: 'card.img', size: 3 });
    expect(uploadOutcome(201, body)).toEqual({
      ok: true,
      uploaded: { path: '/cache/uploads/ab/card.img', name: 'card.img', size: 3 },
    });
  });

  it('keeps the server’s reason for a refusal, JSON or plain text', () => {
    expect(uploadOutcome(413, JSON.stringify({ error: 'larger than the upload limit' }))).toEqual({
      ok: false,
      failure: { kind: 'refused', message: 'larger than the upload limit' },
    });
    expect(uploadOutcome(401, 'Missing or wrong token\n')).toEqual({
      ok: false,
      failure: { kind: 'refused', message: 'Missing or wrong token' },
    });
    expect(uploadOutcome(500, '')).toEqual({
      ok: false,
      failure: { kind: 'refused', message: 'HTTP 500' },
    });
  });

  it('does not take a success without a usable path', () => {
    const outcome = uploadOutcome(
      201,
      JSON.stringify({ path: 'relative/card.img', name: 'x', size: 1 }),
    );
    expect(outcome.ok).toBe(false);
  });
});

describe('the upload limit, checked before sending', () => {
  it('refuses a file over the limit in the server’s own words, and lets the rest go', () => {
    expect(limitProblem(101, { maxBytes: 100 })).toMatch(
      /larger than the upload limit of 100 bytes: copy it to the server and give its path/,
    );
    expect(limitProblem(100, { maxBytes: 100 })).toBeNull();
    // A server that does not say: the upload goes ahead and the server decides.
    expect(limitProblem(10 ** 12, null)).toBeNull();
  });
});
