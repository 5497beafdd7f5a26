import { name, version } from '../package.json';

export const appName = name;
export const appVersion = version;
