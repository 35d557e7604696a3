// Next calls register() once per server process before it serves anything: the route-handler
// door's runtimes start here, as server.ts starts them for `npm start` (the two share a process
// there, and processSingleton keeps it one runtime).
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { policyRuntime } = await import("@/lib/limits/runtime");
  policyRuntime();
}
