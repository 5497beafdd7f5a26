import { z } from 'zod';

/** Stable error codes that cross the process boundary; the UI translates them. */
export const ErrorCode = z.enum([
  'invalid-request',
  'unknown-method',
  'not-found',
  'permission-denied',
  'invalid-file',
  'unavailable',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const SerializedError = z.object({
  code: ErrorCode,
  message: z.string(),
  /** Which input was wrong (a field path or a file path), when there is one. */
  subject: z.string().optional(),
});
export type SerializedError = z.infer<typeof SerializedError>;

/** An error meant for the user: says what is wrong and what to do. */
export class KubeflashError extends Error {
  override readonly name = 'KubeflashError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly subject?: string,
  ) {
    super(message);
  }

  toJSON(): SerializedError {
    return {
      code: this.code,
      message: this.message,
      ...(this.subject ? { subject: this.subject } : {}),
    };
  }

  static fromJSON(data: SerializedError): KubeflashError {
    return new KubeflashError(data.code, data.message, data.subject);
  }
}

/** Any thrown value as a serialisable error; unexpected errors keep their message only. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof KubeflashError) return error.toJSON();
  if (error instanceof z.ZodError) {
    const issue = error.issues[0];
    const subject = issue?.path.join('.') || undefined;
    return {
      code: 'invalid-request',
      message: issue ? `${subject ? `${subject}: ` : ''}${issue.message}` : 'Invalid input',
      ...(subject ? { subject } : {}),
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message };
}
