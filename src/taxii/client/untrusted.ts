/**
 * A partner's TAXII server is another country's machine: what it sends is untrusted. Helpers to
 * put its text into our messages safely (no terminal control sequences, bounded length) and to
 * tell a loopback host (where plain http is harmless) from any other. Pure.
 */

/** C0/C1 control characters (terminal escapes, CR/LF) and bidirectional overrides. */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Server-sent text made safe to print: control characters become "?", at most `max` characters. */
export function printable(text: string, max = 200): string {
  const t = text.replace(UNPRINTABLE, '?');
  return t.length > max ? `${t.slice(0, max)}… (${t.length} characters)` : t;
}

/** Whether a URL hostname is this machine: localhost, 127.0.0.0/8 or ::1. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return (
    h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)
  );
}
