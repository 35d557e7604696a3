import { randomInt } from "node:crypto";
import { crc32 } from "node:zlib";

// What any attacker can make: the key format and its checksum are public (lib/keys/format.ts),
// so a well-formed key for a known id with a random secret costs nothing to produce.

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const random62 = (n: number) => Array.from({ length: n }, () => ALPHABET[randomInt(62)]).join("");

function base62(n: number, width: number): string {
  let out = "";
  for (let i = 0; i < width; i++, n = Math.floor(n / 62)) out = ALPHABET[n % 62] + out;
  return out;
}

/** A key with a valid checksum for the 12-character id part given (random when omitted). */
export function forgeKey(idPart = random62(12), environment: "live" | "test" = "live"): string {
  const head = `ne_${environment}_${idPart}${random62(22)}`;
  return head + base62(crc32(head) >>> 0, 6);
}

/** The id part of a key id (`key_<12>`). */
export const idPartOf = (keyId: string) => keyId.slice("key_".length);
