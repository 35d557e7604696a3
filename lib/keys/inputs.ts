import { z } from "zod";
import { PERMISSIONS } from "@/lib/auth/permissions";
import { NAME_MAX_LENGTH } from "./bounds";
import { KEY_ENVIRONMENTS } from "./format";
import { allowedModelsInput, allowedProvidersInput, expiresAtInput, limitsInput } from "./policy";

// The bodies of the key routes, validated at the boundary (lib/api/body.ts reads them).

// The bounds live in a dependency-free module so the dashboard checks the same numbers in the browser.
export * from "./bounds";

const name = z
  .string({ error: (i) => (i.input === undefined ? "name is required." : "name must be a string.") })
  .trim()
  .min(1, "name must not be empty.")
  .max(NAME_MAX_LENGTH, `name must be at most ${NAME_MAX_LENGTH} characters.`);

const permissionsInput = z
  .array(z.enum(PERMISSIONS, { error: `permissions may contain only: ${PERMISSIONS.join(", ")}.` }), {
    error: "permissions must be an array.",
  })
  .min(1, "permissions must not be empty.");

const policyFields = {
  limits: limitsInput.optional(),
  allowed_providers: allowedProvidersInput,
  allowed_models: allowedModelsInput,
  expires_at: expiresAtInput,
};

export const createKeyInput = z.object({
  name,
  environment: z.enum(KEY_ENVIRONMENTS, { error: "environment must be 'live' or 'test'." }).default("live"),
  permissions: permissionsInput.optional(),
  ...policyFields,
});

/** Whether a body names anything to change; `limits: {}` names nothing. */
function changesSomething(v: Record<string, unknown>): boolean {
  return Object.entries(v).some(([k, x]) =>
    k === "limits" && x ? Object.values(x as object).some((l) => l !== undefined) : x !== undefined,
  );
}

export const updateKeyInput = z
  .object({ name: name.optional(), permissions: permissionsInput.optional(), ...policyFields })
  .refine(changesSomething, {
    message: "Nothing to change: send name, permissions, limits, allowed_providers, allowed_models or expires_at.",
  });

export const MAX_GRACE_SECONDS = 7 * 24 * 3600;

export const rollKeyInput = z.object({
  grace_seconds: z
    .number({ error: "grace_seconds must be a number of seconds." })
    .int("grace_seconds must be a whole number of seconds.")
    .min(0, "grace_seconds must be at least 0.")
    .max(MAX_GRACE_SECONDS, `grace_seconds must be at most ${MAX_GRACE_SECONDS} (7 days).`)
    .default(0),
});

/** GET /api/audit?key_id=&before=&limit= */
export const auditQueryInput = z.object({
  key_id: z.string().min(1).max(100).optional(),
  before: z.coerce.number({ error: "before must be an event id." }).int().positive().optional(),
  limit: z.coerce
    .number({ error: "limit must be a number." })
    .int()
    .min(1, "limit must be at least 1.")
    .max(500, "limit must be at most 500.")
    .default(100),
});
