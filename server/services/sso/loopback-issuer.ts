/**
 * Plain-http issuers are accepted only on the loopback interface: an IdP started on this machine
 * (the end-to-end tests, a local lab). Anything that crosses a network must use https, and
 * openid-client refuses http unless `allowInsecureRequests` is set for such an issuer.
 */
export function isLoopbackHttpUrl(url: URL): boolean {
  if (url.protocol !== 'http:') return false;
  const host = url.hostname;
  return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}
