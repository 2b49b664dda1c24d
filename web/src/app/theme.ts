/** Light or dark, following the system unless the person chose; the choice is remembered in this browser. */
import { webDarkTheme, webLightTheme, type Theme } from '@fluentui/react-components';
import { createContext, useContext, useEffect, useState } from 'react';

export type ThemeChoice = 'system' | 'light' | 'dark';
const KEY = 'openpim.theme';

const systemDark = () => window.matchMedia('(prefers-color-scheme: dark)').matches;

export function useThemeChoice(): { theme: Theme; dark: boolean; choice: ThemeChoice; setChoice(c: ThemeChoice): void } {
  const [choice, setChoiceState] = useState<ThemeChoice>(() => (localStorage.getItem(KEY) as ThemeChoice | null) ?? 'system');
  const [dark, setDark] = useState(() => (choice === 'system' ? systemDark() : choice === 'dark'));
  useEffect(() => {
    if (choice !== 'system') {
      setDark(choice === 'dark');
      return undefined;
    }
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    const update = () => setDark(media.matches);
    update();
    media.addEventListener('change', update);
    return () => media.removeEventListener('change', update);
  }, [choice]);
  const setChoice = (c: ThemeChoice) => {
    localStorage.setItem(KEY, c);
    setChoiceState(c);
  };
  return { theme: dark ? webDarkTheme : webLightTheme, dark, choice, setChoice };
}

export interface ThemeControl {
  readonly choice: ThemeChoice;
  setChoice(c: ThemeChoice): void;
}

export const ThemeControlContext = createContext<ThemeControl>({ choice: 'system', setChoice: () => {} });
export const useThemeControl = (): ThemeControl => useContext(ThemeControlContext);
