/** What the sign-in page says for each failure code a single-sign-on callback sends (/login?error=<code>). */
const MESSAGES: Record<string, string> = {
  sso_unavailable: 'This single sign-on provider is not available (unknown or disabled). Ask an administrator.',
  sso_idp_unreachable: 'The identity provider could not be reached. Try again later, or sign in with your password.',
  sso_state: 'The sign-in attempt expired or was started in another browser or tab. Start again.',
  sso_denied: 'The identity provider did not sign you in (cancelled or refused).',
  sso_failed: 'The identity provider’s answer could not be verified. Start again; if it keeps failing, ask an administrator to check the console log.',
  sso_no_access: 'Your account at the identity provider has no access to Vigil: none of your groups is mapped to a role. Ask an administrator.',
  sso_account_conflict: 'This e-mail address already belongs to another Vigil account (a local account, or one of another provider). Ask an administrator.',
  sso_account_disabled: 'Your Vigil account is disabled. Ask an administrator.',
};

export function ssoErrorMessage(code: string): string {
  return MESSAGES[code] ?? 'Single sign-on did not succeed. Start again, or sign in with your password.';
}
