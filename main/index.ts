// Electron entry: thin on purpose; the shell lives in main/shell/, the domains beside it.
import { runDesktopApp } from './shell/app';

runDesktopApp();
