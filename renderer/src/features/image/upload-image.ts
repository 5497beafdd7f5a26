import {
  imageUploadPath,
  UploadedImage,
  UploadLimits,
  uploadTooLarge,
} from '../../../../common/flash';

/** Why an upload did not land: the server said why, the connection went, or the user stopped it. */
export type UploadFailure =
  { kind: 'refused'; message: string } | { kind: 'connection-lost' } | { kind: 'aborted' };

export class UploadError extends Error {
  constructor(readonly failure: UploadFailure) {
    super(failure.kind === 'refused' ? failure.message : failure.kind);
  }
}

export interface RunningUpload {
  done: Promise<UploadedImage>;
  abort(): void;
}

/**
 * Send a dropped file to the web server's image uploads (a browser gives no path the server
 * could read). XMLHttpRequest, not fetch: it reports upload progress. The session cookie
 * authenticates it, as it does the WebSocket. A file over the server's limit is refused here,
 * before a byte is sent (a browser still sending when the server refuses sees a network error).
 */
export function uploadImage(
  file: File,
  onProgress: (sent: number, total: number) => void,
): RunningUpload {
  const xhr = new XMLHttpRequest();
  let aborted = false;
  const done = fetchUploadLimits().then((limits) => {
    if (aborted) throw new UploadError({ kind: 'aborted' });
    const tooLarge = limitProblem(file.size, limits);
    if (tooLarge) throw new UploadError({ kind: 'refused', message: tooLarge });
    return send(xhr, file, onProgress);
  });
  return {
    done,
    abort: () => {
      aborted = true;
      xhr.abort();
    },
  };
}

function send(
  xhr: XMLHttpRequest,
  file: File,
  onProgress: (sent: number, total: number) => void,
): Promise<UploadedImage> {
  const sent = new Promise<UploadedImage>((resolve, reject) => {
    xhr.upload.onprogress = (event) => onProgress(event.loaded, event.total || file.size);
    xhr.onload = () => {
      const outcome = uploadOutcome(xhr.status, xhr.responseText);
      if (outcome.ok) resolve(outcome.uploaded);
      else reject(new UploadError(outcome.failure));
    };
    xhr.onerror = () => reject(new UploadError({ kind: 'connection-lost' }));
    xhr.onabort = () => reject(new UploadError({ kind: 'aborted' }));
  });
  xhr.open('POST', `${imageUploadPath}?name=${encodeURIComponent(file.name)}`);
  xhr.setRequestHeader('Content-Type', 'application/octet-stream');
  xhr.send(file);
  return sent;
}

/** The server's upload limit; null when it does not say (the upload itself then finds out). */
async function fetchUploadLimits(): Promise<UploadLimits | null> {
  try {
    const response = await fetch(imageUploadPath, { credentials: 'same-origin' });
    if (!response.ok) return null;
    const limits = UploadLimits.safeParse(await response.json());
    return limits.success ? limits.data : null;
  } catch {
    return null;
  }
}

/** Why a file of `size` bytes cannot be uploaded under `limits`, or null when it can. */
export function limitProblem(size: number, limits: UploadLimits | null): string | null {
  return limits && size > limits.maxBytes ? uploadTooLarge(size, limits.maxBytes) : null;
}

/** What the server's answer means: where the image landed, or the server's own reason. */
export function uploadOutcome(
  status: number,
  body: string,
): { ok: true; uploaded: UploadedImage } | { ok: false; failure: UploadFailure } {
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(body);
  } catch {
    // Not JSON: a refusal before the upload handler (authentication) answers in plain text.
  }
  if (status === 201) {
    const uploaded = UploadedImage.safeParse(parsed);
    if (uploaded.success) return { ok: true, uploaded: uploaded.data };
    return { ok: false, failure: { kind: 'refused', message: 'the server gave no file path' } };
  }
  const reason =
    parsed !== null && typeof parsed === 'object' && 'error' in parsed
      ? String(parsed.error)
      : body.trim() || `HTTP ${status}`;
  return { ok: false, failure: { kind: 'refused', message: reason } };
}
