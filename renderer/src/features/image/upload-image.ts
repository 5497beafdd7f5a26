import { imageUploadPath, UploadedImage } from '../../../../common/flash';

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
 * authenticates it, as it does the WebSocket.
 */
export function uploadImage(
  file: File,
  onProgress: (sent: number, total: number) => void,
): RunningUpload {
  const xhr = new XMLHttpRequest();
  const done = new Promise<UploadedImage>((resolve, reject) => {
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
  return { done, abort: () => xhr.abort() };
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
