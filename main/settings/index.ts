export { SettingsStore } from './settings-store';
