import {
  budgetMessage,
  ENVIRONMENT_INVALID,
  EXPIRY_MISSING,
  EXPIRY_PAST,
  FIELD_LABELS,
  type KeyFormField,
  limitMessage,
  MODEL_TOO_LONG,
  MODELS_RULE,
  MODELS_TOO_MANY,
  NAME_EMPTY,
  NAME_TOO_LONG,
  PERMISSIONS_EMPTY,
  PROVIDERS_RULE,
} from "./key-form-messages";
import { policyFieldOf } from "./policy-form";

// The API's 400s name the field at fault (`param`) in the API's words; the forms check first, so
// one that still arrives (a clock that disagrees, a rule the form does not know) is shown on its
// field in the form's words.

/** Which form field an API `param` names: `name`, `limits.tokens_per_minute`, `allowed_models.2`, … */
export function formFieldOf(param: string | undefined): KeyFormField | null {
  return param === "name" || param === "environment" ? param : policyFieldOf(param);
}

function plainMessage(field: KeyFormField, api: string): string {
  if (/NUL|surrogate/.test(api)) return `${FIELD_LABELS[field]} contains characters that can't be saved. Remove them and try again.`;
  switch (field) {
    case "name":
      return /at most/.test(api) ? NAME_TOO_LONG : NAME_EMPTY;
    case "environment":
      return ENVIRONMENT_INVALID;
    case "requests_per_minute":
    case "tokens_per_minute":
      return limitMessage(field, /at most/.test(api) ? "max" : /whole number/.test(api) ? "fraction" : "format");
    case "monthly_budget_usd":
      return budgetMessage(/at most/.test(api) ? "max" : /at least/.test(api) ? "min" : /more than 0/.test(api) ? "zero" : "format");
    case "expires_at":
      return /future/.test(api) ? EXPIRY_PAST : EXPIRY_MISSING;
    case "allowed_providers": {
      const unknown = /unknown providers: ([^.]+)\./.exec(api)?.[1];
      return unknown
        ? `Allowed providers: ${unknown} ${unknown.includes(",") ? "aren't" : "isn't"} available on this gateway.`
        : PROVIDERS_RULE;
    }
    case "allowed_models":
      return /characters/.test(api) ? MODEL_TOO_LONG : /at most/.test(api) ? MODELS_TOO_MANY : MODELS_RULE;
    case "permissions":
      return PERMISSIONS_EMPTY;
  }
}

/** An API error as the form shows it: on a field when it names one, else in the summary as is. */
export function formErrorOf(
  param: string | undefined,
  message: string,
): { field: KeyFormField; message: string } | { field: null; message: string } {
  const field = formFieldOf(param);
  return field ? { field, message: plainMessage(field, message) } : { field: null, message };
}
