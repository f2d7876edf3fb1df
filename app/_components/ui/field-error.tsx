import { fieldError, sentence, type UiError } from './errors';

/** The server's message for one input field, under that field (link it with the input's aria-describedby). */
export function FieldError({ error, field, id }: { error: UiError | null; field: string; id: string }) {
  const message = fieldError(error, field);
  return message ? (
    <span id={id} className="ui-field-error" data-testid={id}>
      {sentence(message)}
    </span>
  ) : null;
}
