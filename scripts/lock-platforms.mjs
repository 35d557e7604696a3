// The registry mirror this project is built against serves only Linux builds of native packages,
// so `npm install` leaves the other platforms' optional binaries out of package-lock.json and
// `npm ci` then refuses the lock as "out of sync". This adds a platform-tagged entry for each
// missing optional dependency; npm skips them on a mismatched platform and fetches them where
// they apply. Run it after changing dependencies: `node scripts/lock-platforms.mjs`.
import { readFileSync, writeFileSync } from "node:fs";

const file = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(file, "utf8"));

const platformOf = (name) => {
  const tag = name.split("/").pop();
  const os = ["darwin", "win32", "android", "freebsd", "openbsd", "sunos", "aix", "netbsd", "linux"].find((o) => tag.includes(o));
  const cpu = ["arm64", "x64", "ia32", "arm", "wasm32", "ppc64", "s390x", "riscv64", "loong64"].find((c) => tag.includes(c));
  return { ...(os ? { os: [os] } : {}), ...(cpu ? { cpu: [cpu] } : {}) };
};

let added = 0;
for (const [path, meta] of Object.entries(lock.packages)) {
  for (const [dep, version] of Object.entries(meta.optionalDependencies ?? {})) {
    const base = path === "" ? "node_modules/" : `${path}/node_modules/`;
    // npm resolves from the nearest node_modules upwards; the hoisted location is the usual one.
    if (lock.packages[`${base}${dep}`] || lock.packages[`node_modules/${dep}`]) continue;
    const platform = platformOf(dep);
    if (!platform.os && !platform.cpu) continue; // not a platform binary: leave npm's view alone
    lock.packages[`node_modules/${dep}`] = {
      version,
      ...(meta.dev ? { dev: true } : {}),
      optional: true,
      ...platform,
    };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : 1)));
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lock-platforms: added ${added} platform entries`);
