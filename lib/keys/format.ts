import { randomInt } from "node:crypto";
import { crc32 } from "node:zlib";

// A gateway key is `ne_<env>_<id:12><secret:22><checksum:6>`, 48 ASCII characters:
// - id: the record's public id (`key_<id>`), so verification is one indexed lookup;
// - secret: 22 base62 characters, ~131 bits of randomness;
// - checksum: CRC32 of everything before it, base62, so typos and random strings are
//   refused before any database or bcrypt work, and secret scanners can tell real keys.
// The whole key stays far below bcrypt's 72-byte input limit.

export const KEY_ENVIRONMENTS = ["live", "test"] as const;
export type KeyEnvironment = (typeof KEY_ENVIRONMENTS)[number];

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const ID_LEN = 12;
const SECRET_LEN = 22;
const CHECKSUM_LEN = 6;
const BODY_LEN = ID_LEN + SECRET_LEN + CHECKSUM_LEN;
const PREFIX_SHOWN = 6;
const KEY_RE = new RegExp(`^ne_(live|test)_([0-9A-Za-z]{${BODY_LEN}})$`);

export interface ParsedKey {
  environment: KeyEnvironment;
  /** The record id, `key_…`. */
  id: string;
}

export interface GeneratedKey extends ParsedKey {
  key: string;
  prefix: string;
}

function randomBase62(length: number): string {
  let out = "";
  // randomInt draws uniformly, so no modulo bias.
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(62)];
  return out;
}

function base62(n: number, width: number): string {
  let out = "";
  for (let i = 0; i < width; i++) {
    out = ALPHABET[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

function checksum(text: string): string {
  return base62(crc32(text) >>> 0, CHECKSUM_LEN);
}

export function generateKey(environment: KeyEnvironment = "live"): GeneratedKey {
  const idPart = randomBase62(ID_LEN);
  const head = `ne_${environment}_${idPart}${randomBase62(SECRET_LEN)}`;
  return {
    key: head + checksum(head),
    id: `key_${idPart}`,
    environment,
    prefix: keyPrefix(environment, `key_${idPart}`),
  };
}

/** What the list shows: enough to recognise a key, nothing of its secret. */
export function keyPrefix(environment: KeyEnvironment, id: string): string {
  return `ne_${environment}_${id.slice(4, 4 + PREFIX_SHOWN)}`;
}

/** Structure and checksum only; says nothing about whether the key exists. */
export function parseKey(key: string): ParsedKey | null {
  const m = KEY_RE.exec(key);
  if (!m) return null;
  const body = m[2];
  const head = key.slice(0, key.length - CHECKSUM_LEN);
  if (checksum(head) !== body.slice(-CHECKSUM_LEN)) return null;
  return { environment: m[1] as KeyEnvironment, id: `key_${body.slice(0, ID_LEN)}` };
}

/** Cheap test for "this looks like one of ours" (used to route Bearer tokens). */
export function looksLikeGatewayKey(token: string): boolean {
  return token.startsWith("ne_live_") || token.startsWith("ne_test_");
}
