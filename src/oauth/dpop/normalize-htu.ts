// The `htu` comparison form of a URI (RFC 9449 §4.3 item 9): scheme and host lower-cased, default port
// dropped, dot segments removed, percent-encoding normalised (RFC 3986 §6.2.2), query and fragment removed.
const unreserved = /[A-Za-z0-9\-._~]/;

function normalizePercentEncoding(path: string): string {
  return path.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => {
    const ch = String.fromCharCode(Number.parseInt(hex, 16));
    return unreserved.test(ch) ? ch : `%${hex.toUpperCase()}`;
  });
}

/** The normalised URI without query and fragment, or undefined when `uri` is not an absolute http(s) URI. */
export function normalizeHtu(uri: string): string | undefined {
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return undefined;
  return `${u.protocol}//${u.host}${normalizePercentEncoding(u.pathname || '/')}`;
}
