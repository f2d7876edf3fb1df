/**
 * A finding's id (`<assetId>|<vulnId> <ecosystem> <package>`) holds `|`, spaces and, for some ecosystems, `/`,
 * none of which survives a URL path segment cleanly. Routes name a finding by its id in base64url (RFC 4648 §5,
 * no padding): `GET /api/v1/findings/{ref}` and the console's `/findings/{ref}`. Pure: runs in Node and browsers.
 */
export function findingRef(id: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(id)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The finding id a ref names, or null when it is not base64url of a finding id. */
export function parseFindingRef(ref: string): string | null {
  if (!/^[A-Za-z0-9_-]+$/.test(ref)) return null;
  try {
    const binary = atob(ref.replace(/-/g, '+').replace(/_/g, '/'));
    const id = new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
    return id.includes('|') && !/\p{Cc}/u.test(id) ? id : null;
  } catch {
    return null;
  }
}
