// Plain JavaScript, not next.config.ts: Next compiles a TypeScript config with its native SWC
// binding at every start, and that binding stays loaded (tens of MB) for the server's life.

/** @type {import("next").NextConfig} */
const config = {
  // PGlite ships WASM and data files, pg and bcryptjs are plain Node modules:
  // load them from node_modules at run time instead of bundling them.
  serverExternalPackages: ["@electric-sql/pglite", "pg", "bcryptjs", "undici"],
  // bcrypt runs on a worker thread whose source requires bcryptjs at run time (lib/keys/hash.ts),
  // where file tracing cannot see it: ship it with every route.
  outputFileTracingIncludes: { "/**": ["./node_modules/bcryptjs/**/*"] },
  // Clerk's SDKs report telemetry to Clerk from development instances: a gateway never phones
  // home, and offline every report would be a failed request. Inlined into both bundles.
  env: { NEXT_PUBLIC_CLERK_TELEMETRY_DISABLED: "1" },
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;
