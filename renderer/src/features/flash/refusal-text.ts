import { useTranslation } from 'react-i18next';

import type { Drive } from '../../../../common/drives';
import { formatBytes } from '../../../../common/format-bytes';
import type { Refusal } from './flash-targets';

const knownCodes = ['system', 'source', 'read-only', 'loop', 'unknown-size', 'too-small'] as const;
type KnownCode = (typeof knownCodes)[number];

function isKnown(code: string): code is KnownCode {
  return (knownCodes as readonly string[]).includes(code);
}

/**
 * Why a drive is refused, in the user's language. The Node side sends a code and an English
 * message; known codes are said again from what the UI knows (the drive, the image's size),
 * anything else keeps the Node side's words.
 */
export function useRefusalText(
  imageSize: number | undefined,
): (refusal: Refusal, drive: Drive) => string {
  const { t } = useTranslation();
  return (refusal, drive) => {
    if (!isKnown(refusal.code)) return refusal.message;
    if (refusal.code === 'too-small') {
      if (imageSize === undefined || drive.size === null) return refusal.message;
      return t('flash.refusals.too-small', {
        device: drive.device,
        size: formatBytes(drive.size),
        imageSize: formatBytes(imageSize),
      });
    }
    return t(`flash.refusals.${refusal.code}`, { device: drive.device });
  };
}
