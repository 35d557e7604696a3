"use client";

import { useLayoutEffect, useRef, useState, type FormEvent } from "react";
import { ApiRequestError, errorMessage } from "./keys-api";
import { type FieldErrors, type KeyFormField, summaryText } from "./key-form-messages";
import { formErrorOf } from "./key-form-server-error";
import { fieldControl, firstField } from "./policy-form";

/** The form field a control belongs to, by the control's name. */
function fieldOfControl(name: string): KeyFormField | null {
  if (name === "expires_in" || name === "expires_on") return "expires_at";
  const fields: readonly string[] = [
    "name",
    "environment",
    "requests_per_minute",
    "tokens_per_minute",
    "monthly_budget_usd",
    "allowed_providers",
    "allowed_models",
    "permissions",
  ];
  return fields.includes(name) ? (name as KeyFormField) : null;
}

export interface FormCheck {
  formRef: React.RefObject<HTMLFormElement | null>;
  /** Every field at fault now: the form's own checks, then what the server refused. */
  errors: FieldErrors;
  /** The text of the summary at the top, or null. */
  summary: string | null;
  /** For the form's onChange: once submitted, errors follow the fields as they are fixed. */
  onChange: (e: FormEvent<HTMLFormElement>) => void;
  /** On submit: checks every field and returns those at fault (focusing the first); none: send it. */
  submit: () => FieldErrors;
  /** A refused request: its error shown on the field it names, else in the summary. */
  refused: (err: unknown) => FieldErrors;
}

/**
 * The error state of a key form. Values live in the uncontrolled inputs, so nothing a person typed
 * is lost to an error; `check` reads every field at once from the form's data.
 */
export function useFormCheck(check: (form: FormData) => FieldErrors): FormCheck {
  const formRef = useRef<HTMLFormElement>(null);
  const [submitted, setSubmitted] = useState(false);
  const [own, setOwn] = useState<FieldErrors>({});
  const [server, setServer] = useState<FieldErrors>({});
  const [unplaced, setUnplaced] = useState<string | null>(null);
  const [focusRequest, setFocusRequest] = useState(0);
  const errors: FieldErrors = { ...server, ...own };

  const focusField = useRef<KeyFormField | null>(null);
  // After the render that shows the errors (and opens a folded section): focus the first at fault.
  useLayoutEffect(() => {
    if (focusRequest === 0 || !focusField.current || !formRef.current) return;
    fieldControl(formRef.current, focusField.current)?.focus();
  }, [focusRequest]);

  const count = Object.keys(errors).length;
  const summary = [count > 0 ? summaryText(count) : null, unplaced].filter(Boolean).join(" ") || null;

  return {
    formRef,
    errors,
    summary,
    onChange(e) {
      if (!submitted || !formRef.current) return;
      setOwn(check(new FormData(formRef.current)));
      const field = fieldOfControl((e.target as HTMLInputElement).name ?? "");
      if (field && server[field]) {
        const { [field]: _, ...rest } = server;
        setServer(rest);
      }
    },
    submit() {
      const found = formRef.current ? check(new FormData(formRef.current)) : {};
      setSubmitted(true);
      setOwn(found);
      setServer({});
      setUnplaced(null);
      focusField.current = firstField(found);
      if (focusField.current) setFocusRequest((n) => n + 1);
      return found;
    },
    refused(err) {
      const placed = formErrorOf(err instanceof ApiRequestError ? err.param : undefined, errorMessage(err));
      if (placed.field === null) {
        setUnplaced(placed.message);
        return {};
      }
      const found = { [placed.field]: placed.message };
      setServer(found);
      focusField.current = placed.field;
      setFocusRequest((n) => n + 1);
      return found;
    },
  };
}
