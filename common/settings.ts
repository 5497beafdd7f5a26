import { z } from 'zod';

// Fields are declared once without defaults, so a patch that leaves a field out leaves it alone.
const fields = {
  /** Offer loop devices as drives (tests, image work). Off by default: snaps are loop devices. */
  includeLoopDevices: z.boolean(),
};

export const defaultSettings = { includeLoopDevices: false } as const;

export const Settings = z
  .object({
    includeLoopDevices: fields.includeLoopDevices.default(defaultSettings.includeLoopDevices),
  })
  .strict();
export type Settings = z.infer<typeof Settings>;

export const SettingsPatch = z.object(fields).partial().strict();
export type SettingsPatch = z.infer<typeof SettingsPatch>;
