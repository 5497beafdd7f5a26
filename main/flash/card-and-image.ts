import type { FlashResult } from './writer/protocol';

/**
 * The card's result, once the image it was written from is checked too: an image still being
 * decompressed or hashed (against a published checksum) while the card is written can still
 * fail. Then the write is cancelled and the image's error is the outcome, even if the card
 * finished first; otherwise the card's own outcome stands.
 */
export async function cardResultOnceImageChecked(
  job: { jobId: string; result: Promise<FlashResult> },
  imageChecked: Promise<unknown>,
  cancel: (jobId: string) => void,
): Promise<FlashResult> {
  let imageProblem: { error: unknown } | null = null;
  const checked = imageChecked.then(
    () => {},
    (error: unknown) => {
      imageProblem = { error };
      cancel(job.jobId);
    },
  );
  const card = await job.result.then(
    (result) => ({ result }),
    (error: unknown) => ({ error }),
  );
  await checked;
  if (imageProblem) throw (imageProblem as { error: unknown }).error;
  if ('error' in card) throw card.error;
  return card.result;
}
