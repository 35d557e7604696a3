import type { NextConfig } from "next";

const config: NextConfig = {
  // PGlite ships WASM and data files, pg and bcryptjs are plain Node modules:
  // load them from node_modules at run time instead of bundling them.
  serverExternalPackages: ["@electric-sql/pglite", "pg", "bcryptjs", "undici"],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;
