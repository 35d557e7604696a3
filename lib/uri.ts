/** decodeURIComponent that answers null for text that is not valid percent-encoding (it throws). */
export function decodeComponent(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}
