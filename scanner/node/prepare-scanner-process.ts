/**
 * Process settings of a scanner node. A connect scan's normal answers are errors (ECONNREFUSED for every closed
 * port): capturing a stack trace for each — formatted through tsx's source maps — costs about a third of a scan's
 * CPU. The node logs error messages, never stacks, so it captures none.
 */
export function prepareScannerProcess(): void {
  Error.stackTraceLimit = 0;
}
