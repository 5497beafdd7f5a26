import { z } from 'zod';

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  /** Which host answers the contract: the Electron shell or the loopback web server. */
  mode: z.enum(['electron', 'web']),
  platform: z.string(),
  /** Whether native file dialogs exist (Electron) or paths are typed in (web). */
  fileDialogs: z.boolean(),
  /** Whether a secrets passphrase can be kept in the OS keychain (desktop app). */
  passphraseKeychain: z.boolean(),
});
export type AppInfo = z.infer<typeof AppInfo>;
