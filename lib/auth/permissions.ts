export const PERMISSIONS = ["proxy", "keys:read", "keys:write", "usage:read"] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** What a key gets when created without a say: it may call providers and nothing else. */
export const DEFAULT_PERMISSIONS: Permission[] = ["proxy"];

/** The Clerk organisation role that manages keys; every other role, custom ones included, is a member. */
export const ORG_ADMIN_ROLE = "org:admin";

/** What an organisation member may do unless CLERK_MEMBER_CAN_MANAGE_KEYS: look, not change. */
export const MEMBER_PERMISSIONS: readonly Permission[] = ["keys:read", "usage:read"];
