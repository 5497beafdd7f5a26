import type { FlashResult } from './writer/protocol';

/**
 * The card's result, once what the app still owes the job holds too: an image still being
 * decompressed or hashed (against a published checksum) while the card is written, and a
 * payload still being made (the secrets unlock as the card starts), can each still fail. Then
 * the write is cancelled and that failure is the outcome, even if the card finished first;
 * otherwise the card's own outcome stands.
 */
export async function cardResultOnceInputsHold(
  job: { jobId: string; result: Promise<FlashResult> },
  inputs: Promise<unknown>,
  cancel: (jobId: string) => void,
): Promise<FlashResult> {
  let inputProblem: { error: unknown } | null = null;
  const held = inputs.then(
    () => {},
    (error: unknown) => {
      inputProblem = { error };
      cancel(job.jobId);
    },
  );
  const card = await job.result.then(
    (result) => ({ result }),
    (error: unknown) => ({ error }),
  );
  await held;
  if (inputProblem) throw (inputProblem as { error: unknown }).error;
  if ('error' in card) throw card.error;
  return card.result;
}
