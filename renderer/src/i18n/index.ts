// i18next setup: Simplified Chinese by default, English on `?lang=en` or the header toggle.
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en';
import { zhCN } from './zh-CN';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export function normaliseLanguage(v: string | null | undefined): Language | null {
  if (!v) return null;
  const l = v.toLowerCase();
  if (l === 'en' || l.startsWith('en-')) return 'en';
  if (l === 'zh' || l.startsWith('zh')) return 'zh-CN';
  return null;
}

/** `?lang=` wins; otherwise the default (the configured locale once known). */
export function initialLanguage(search: string, fallback: Language = 'zh-CN'): Language {
  return normaliseLanguage(new URLSearchParams(search).get('lang')) ?? fallback;
}

export const i18n = i18next.createInstance();

export function initI18n(lng: Language): typeof i18n {
  void i18n.use(initReactI18next).init({
    lng,
    fallbackLng: 'zh-CN',
    resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
    interpolation: { escapeValue: false },
    initAsync: false,
  });
  document.documentElement.lang = lng;
  return i18n;
}

export function setLanguage(lng: Language): void {
  void i18n.changeLanguage(lng);
  document.documentElement.lang = lng;
}

export function toggleLanguage(): void {
  setLanguage(i18n.language === 'en' ? 'zh-CN' : 'en');
}
