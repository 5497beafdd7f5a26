import 'i18next';

import type { Messages } from './en';

// Translation keys are checked at compile time: a key missing from en.ts does not build.
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: Messages };
  }
}
