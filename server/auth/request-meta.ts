/** What a transport knows about the caller's connection, for sessions and audit entries. */
export interface RequestMeta {
  ip: string | null;
  userAgent: string;
}

/**
 * The console server overwrites this header with the socket's address, so a client cannot
 * choose the address that throttling and the audit log see.
 */
export const CLIENT_IP_HEADER = 'x-vigil-client-ip';

export function requestMetaOf(headers: Headers): RequestMeta {
  return { ip: headers.get(CLIENT_IP_HEADER) || null, userAgent: (headers.get('user-agent') ?? '').slice(0, 300) };
}
