import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';

import { en } from './en';
import { zhCN } from './zh-cn';

export const languages = [
  { code: 'en', label: 'English' },
  { code: 'zh-CN', label: '简体中文' },
] as const;
export type LanguageCode = (typeof languages)[number]['code'];

const storageKey = 'kubeflash.language';

function initialLanguage(): LanguageCode {
  const stored = localStorage.getItem(storageKey);
  if (stored && languages.some((l) => l.code === stored)) return stored as LanguageCode;
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export function setupI18n() {
  void i18next.use(initReactI18next).init({
    resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
    lng: initialLanguage(),
    fallbackLng: 'en',
    interpolation: { escapeValue: false }, // React escapes
  });
  document.documentElement.lang = i18next.language;
  return i18next;
}

export function changeLanguage(code: LanguageCode) {
  localStorage.setItem(storageKey, code);
  document.documentElement.lang = code;
  return i18next.changeLanguage(code);
}
