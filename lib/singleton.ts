// Next's bundled route handlers and server.ts run in one process but load separate copies of
// every module: state that must be one per process (caches, pools, the database) lives on
// globalThis under a well-known symbol instead of in a module variable.
export function processSingleton<T>(name: string, init: () => T): T {
  const slot = Symbol.for(`neuronedge.${name}`);
  const holder = globalThis as Record<symbol, T | undefined>;
  return (holder[slot] ??= init());
}
