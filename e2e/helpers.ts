import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { APIRequestContext, Page } from "@playwright/test";
import { expect } from "@playwright/test";

// Screenshots that people look at (not failure artifacts) go to a fixed, gitignored folder.
export const ARTIFACTS = join(import.meta.dirname, "artifacts");
mkdirSync(ARTIFACTS, { recursive: true });

/** The main server's port; the specs that start their own servers take the next ones, so two
 * checkouts can run their browser tests side by side with different E2E_PORT values. */
export const E2E_PORT = Number(process.env.E2E_PORT ?? 3100);

export const screenshotPath = (name: string) => join(ARTIFACTS, `${name}.png`);

/** Names unique per run, so tests sharing one database never see each other's keys by accident. */
export function uniqueName(label: string): string {
  return `${label} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  environment: "live" | "test";
  status: "active" | "disabled" | "revoked" | "expired";
  last_used_at: string | null;
}

export async function listKeys(request: APIRequestContext, includeRevoked = false): Promise<ApiKey[]> {
  const res = await request.get(`/api/keys${includeRevoked ? "?include_revoked=true" : ""}`);
  expect(res.status()).toBe(200);
  return ((await res.json()) as { keys: ApiKey[] }).keys;
}

export async function createKeyViaApi(
  request: APIRequestContext,
  name: string,
  environment: "live" | "test" = "live",
): Promise<ApiKey & { key: string }> {
  const res = await request.post("/api/keys", { data: { name, environment } });
  expect(res.status()).toBe(201);
  return res.json();
}

export async function revokeAllKeys(request: APIRequestContext): Promise<void> {
  for (const k of await listKeys(request)) {
    const res = await request.delete(`/api/keys/${k.id}`);
    expect(res.status()).toBe(200);
  }
}

/** The page's own Create key button (the header one; the empty state may show a second). */
export function headerCreateButton(page: Page) {
  return page.getByRole("main").getByRole("button", { name: "Create key" }).first();
}

/** A key's table row (sm and up) or its card (phones): whichever the width shows. */
export function keyRow(page: Page, name: string) {
  return page.locator("[data-key-row]").filter({ visible: true }).filter({ hasText: name });
}

/** Opens the row's actions menu and picks one of its items. */
export async function openRowAction(
  page: Page,
  keyName: string,
  action: "Rename" | "Edit policy" | "Roll" | "Disable" | "Enable" | "Revoke",
) {
  await keyRow(page, keyName)
    .getByRole("button", { name: `Actions for “${keyName}”` })
    .click();
  await page
    .getByRole("menu", { name: `Actions for “${keyName}”` })
    .getByRole("menuitem", { name: action, exact: true })
    .click();
}
