export const PERMISSIONS = ["proxy", "keys:read", "keys:write", "usage:read"] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** What a key gets when created without a say: it may call providers and nothing else. */
export const DEFAULT_PERMISSIONS: Permission[] = ["proxy"];
