import { KubeflashError } from '../../../common/errors';

/** A payload cannot be made from this plan/secrets combination: say which input is wrong. */
export function payloadError(message: string, subject?: string): KubeflashError {
  return new KubeflashError('invalid-request', message, subject);
}
