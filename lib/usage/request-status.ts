// What a recorded HTTP status meant, in words: usage events keep no error message, so the
// status (and whether the gateway itself refused the call) is all there is to explain it.

export interface StatusMeaning {
  /** "Budget reached", "OK", "Bad gateway". */
  label: string;
  /** Who answered and why, in one sentence. */
  detail: string;
}

const REFUSALS: Record<number, StatusMeaning> = {
  402: { label: "Budget reached", detail: "The gateway refused the call: this key's monthly budget is spent." },
  403: { label: "Not allowed", detail: "The gateway refused the call: this key's allow-list does not include this provider or model." },
  429: { label: "Rate limited", detail: "The gateway refused the call: this key's per-minute limit was reached." },
};

const ANSWERS: Record<number, StatusMeaning> = {
  200: { label: "OK", detail: "The call succeeded." },
  201: { label: "Created", detail: "The call succeeded." },
  400: { label: "Bad request", detail: "The request was rejected as invalid." },
  401: { label: "Unauthorized", detail: "The provider did not accept the credentials sent with the call." },
  402: { label: "Payment required", detail: "The provider refused the call for billing reasons." },
  403: { label: "Forbidden", detail: "The provider refused the call." },
  404: { label: "Not found", detail: "No such model or endpoint." },
  408: { label: "Request timeout", detail: "The request was not received in time." },
  413: { label: "Too large", detail: "The request body was larger than allowed." },
  422: { label: "Unprocessable", detail: "The request was well-formed but could not be processed." },
  429: { label: "Too many requests", detail: "The provider throttled the call." },
  500: { label: "Server error", detail: "The provider failed to answer the call." },
  502: { label: "Bad gateway", detail: "The provider could not be reached, or its answer was not valid." },
  503: { label: "Unavailable", detail: "The provider (or the gateway's database) was unavailable." },
  504: { label: "Gateway timeout", detail: "The provider did not answer in time." },
};

export function statusMeaning(status: number, refused: boolean): StatusMeaning {
  const known = (refused ? REFUSALS[status] : undefined) ?? ANSWERS[status];
  if (known) return known;
  if (status >= 200 && status < 300) return { label: "Success", detail: "The call succeeded." };
  if (status >= 400 && status < 500) return { label: "Client error", detail: "The request was refused." };
  if (status >= 500) return { label: "Server error", detail: "The call failed on the provider's side or in the gateway." };
  return { label: "Other", detail: "An unusual status for an API call." };
}
