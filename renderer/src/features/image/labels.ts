import { useTranslation } from 'react-i18next';

const families = ['raspios-bookworm', 'raspios-trixie', 'ubuntu', 'hypriot', 'alpine'] as const;
const imagePhases = ['downloading', 'hashing', 'decompressing', 'verifying'] as const;
const cardPhases = [
  'checking',
  'writing',
  'verifying',
  'configuring',
  'reading-back',
  'ejecting',
] as const;

function known<T extends string>(values: readonly T[], value: string | null): value is T {
  return value !== null && (values as readonly string[]).includes(value);
}

/** An OS family's name for people ("Ubuntu Server"); an unknown one as the Node side spells it. */
export function useFamilyLabel(): (family: string | null) => string {
  const { t } = useTranslation();
  return (family) => (known(families, family) ? t(`families.${family}`) : (family ?? '—'));
}

/** What a long task is doing, in words: an image's phases, or a card's. */
export function usePhaseLabel(): (step: 'image' | 'card', phase: string) => string {
  const { t } = useTranslation();
  return (step, phase) => {
    if (step === 'card' && known(cardPhases, phase)) return t(`phases.card.${phase}`);
    if (step === 'image' && known(imagePhases, phase)) return t(`phases.image.${phase}`);
    return phase;
  };
}
