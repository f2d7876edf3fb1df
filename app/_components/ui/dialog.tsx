'use client';

import { useEffect, useRef, type ReactNode } from 'react';

/**
 * A modal dialog on the native <dialog> element: the browser traps the focus, Escape closes it and
 * the rest of the page is inert while it is open. Rendered only while open.
 */
export function Dialog(props: {
  title: string;
  description?: ReactNode;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
  wide?: boolean;
  testId?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const { onClose } = props;
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (!dialog.open) dialog.showModal();
    const cancel = (event: Event) => {
      event.preventDefault();
      onClose();
    };
    dialog.addEventListener('cancel', cancel);
    return () => dialog.removeEventListener('cancel', cancel);
  }, [onClose]);
  const titleId = `${props.testId ?? 'dialog'}-title`;
  return (
    <dialog ref={ref} className={props.wide ? 'ui-dialog ui-dialog-wide' : 'ui-dialog'} aria-labelledby={titleId} data-testid={props.testId}>
      <header className="ui-dialog-header">
        <h2 id={titleId}>{props.title}</h2>
        {props.description ? <p>{props.description}</p> : null}
      </header>
      <div className="ui-dialog-body">{props.children}</div>
      {props.footer ? <footer className="ui-dialog-footer">{props.footer}</footer> : null}
    </dialog>
  );
}
