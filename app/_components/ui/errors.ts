/** A failed tRPC call as the console shows it. */
export interface UiError {
  /** Domain code (RATE_LIMITED, REAUTH_REQUIRED…), else the tRPC code, or NETWORK. */
  code: string;
  message: string;
  /** Per input field, when the input did not validate. */
  fieldErrors: Record<string, string[] | undefined> | null;
}

interface ErrorData {
  code?: string;
  appCode?: string | null;
  fieldErrors?: Record<string, string[] | undefined> | null;
}

/** Server messages are written as clauses ("wrong e-mail or password"); shown as sentences. */
export function sentence(message: string): string {
  const text = message.trim();
  if (!text) return text;
  const capital = text[0]!.toUpperCase() + text.slice(1);
  return /[.!?)]$/.test(capital) ? capital : `${capital}.`;
}

export function toUiError(error: unknown): UiError {
  const data = (error as { data?: ErrorData | null } | null)?.data;
  if (!data) {
    const detail = error instanceof Error && error.message ? ` (${error.message})` : '';
    return { code: 'NETWORK', message: `The console did not answer${detail}. Check the connection and try again.`, fieldErrors: null };
  }
  const message = error instanceof Error ? error.message : 'The request failed.';
  const fieldErrors = data.fieldErrors ?? null;
  if (data.code === 'BAD_REQUEST' && !data.appCode && fieldErrors) {
    const fields = Object.entries(fieldErrors)
      .filter(([, messages]) => messages && messages.length > 0)
      .map(([field, messages]) => `${field} ${messages!.join(', ')}`);
    return { code: 'BAD_INPUT', message: sentence(fields.join('; ') || 'the input is not valid'), fieldErrors };
  }
  return { code: data.appCode ?? data.code ?? 'ERROR', message: sentence(message), fieldErrors };
}

export function isReauthRequired(error: unknown): boolean {
  return (error as { data?: ErrorData | null } | null)?.data?.appCode === 'REAUTH_REQUIRED';
}

/** The first message for one input field, if the server named it. */
export function fieldError(error: UiError | null, field: string): string | undefined {
  return error?.fieldErrors?.[field]?.[0];
}
