/** A node's role. No imports: the CLI lists the roles in its help without loading the schema. */
export const roles = ['control-plane', 'worker'] as const;
export type Role = (typeof roles)[number];
