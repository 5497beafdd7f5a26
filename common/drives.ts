import { z } from 'zod';

/** A block device as the UI and CLI see it. Sizes are bytes. */
export const Drive = z.object({
  device: z.string().min(1),
  description: z.string(),
  size: z.number().int().nonnegative().nullable(),
  removable: z.boolean(),
  system: z.boolean(),
  readOnly: z.boolean(),
  mountpoints: z.array(z.string()),
  /** A loop device: listed only when the user asked for loop devices. */
  loop: z.boolean(),
});
export type Drive = z.infer<typeof Drive>;

export const DriveDetached = z.object({ device: z.string().min(1) });
export type DriveDetached = z.infer<typeof DriveDetached>;
