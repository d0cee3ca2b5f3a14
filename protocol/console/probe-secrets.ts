/**
 * Which probe header and query values are secrets whatever the user says: credentials, cookies and
 * keys go to the secret store, never to sessions.json, the renderer, logs or (unless asked) exports.
 * The user can mark any other entry secret too. One rule, used by the core and the connect form.
 */

const SENSITIVE_HEADER = /^(authorization|proxy-authorization|cookie)$|token|secret|passw(or)?d|api[-_]?key|session|credential|auth/i;
const SENSITIVE_QUERY = /^(key|sig|signature|code)$|token|secret|passw(or)?d|api[-_]?key|session|credential|auth/i;

export const isSensitiveHeader = (name: string): boolean => SENSITIVE_HEADER.test(name);
export const isSensitiveQuery = (name: string): boolean => SENSITIVE_QUERY.test(name);

/** What a redacted value reads as in logs, views and exports. */
export const REDACTED = '••••';

/**
 * A header value as the log may show it: schemes are kept (`Bearer ••••`) so the entry still says
 * what kind of credential went out.
 */
export function redactHeaderValue(value: string): string {
  const m = /^(Basic|Bearer|Digest|Negotiate|NTLM|AWS4-HMAC-SHA256|Token)\s+\S/i.exec(value);
  return m ? `${m[1]} ${REDACTED}` : REDACTED;
}
