import type { ProviderOption } from "@/components/keys/policy-format";
import { listProviders } from "@/lib/gateway/providers";

/** The providers a key can be limited to, as plain data for the key dialogs (client components). */
export function providerOptions(): ProviderOption[] {
  return listProviders().map(({ id, name }) => ({ id, name }));
}
