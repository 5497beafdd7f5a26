import { describe, expect, it } from 'vitest';

import { AbortedError } from '../../../../main/flash/writer/flash-targets';
import { PendingPayload } from '../../../../main/flash/writer/pending-payload';
import type { BootPayloadMessage } from '../../../../main/flash/writer/protocol';

const payload: BootPayloadMessage = {
  family: 'raspios-bookworm',
  files: [{ path: 'firstrun.sh', contentBase64: 'IyEvYmluL2Jhc2gK' }],
  edits: [],
};

describe('PendingPayload', () => {
  it('hands the payload to a job waiting for it, and to one that asks after it came', async () => {
    const pending = new PendingPayload();
    const waiting = pending.wait(new AbortController().signal);
    pending.deliver(payload);
    await expect(waiting).resolves.toBe(payload);
    await expect(pending.wait(new AbortController().signal)).resolves.toBe(payload);
  });

  it('stops waiting when the job is cancelled', async () => {
    const pending = new PendingPayload();
    const cancel = new AbortController();
    const waiting = pending.wait(cancel.signal);
    cancel.abort();
    await expect(waiting).rejects.toBeInstanceOf(AbortedError);
    await expect(pending.wait(cancel.signal)).rejects.toBeInstanceOf(AbortedError);
  });

  it('a second payload before the job took one fails the job: app and writer disagree', async () => {
    const pending = new PendingPayload();
    pending.deliver(payload);
    pending.deliver({ ...payload, family: 'ubuntu' });
    await expect(pending.wait(new AbortController().signal)).rejects.toThrow(/payload twice/);
  });
});
