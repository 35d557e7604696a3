import bcrypt from "bcryptjs";
import { getEnv } from "@/lib/env";

// bcryptjs's async API works in small slices between event-loop turns, so a
// ~100 ms comparison never freezes other requests.

export function hashKey(key: string, cost = getEnv().BCRYPT_COST): Promise<string> {
  return bcrypt.hash(key, cost);
}

export function compareKey(key: string, hash: string): Promise<boolean> {
  return bcrypt.compare(key, hash);
}
