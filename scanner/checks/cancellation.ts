/**
 * A controller that aborts when `parent` does, or after `timeoutMs`; `dispose` detaches it from the
 * parent so a long-lived job signal does not collect a listener per host or per port.
 */
export function createChildAbort(options: { parent?: AbortSignal; timeoutMs?: number }): { signal: AbortSignal; dispose: () => void } {
  const { parent, timeoutMs } = options;
  const controller = new AbortController();
  const onParentAbort = () => controller.abort(parent?.reason);
  const timer = timeoutMs === undefined ? undefined : setTimeout(() => controller.abort(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  if (parent?.aborted) onParentAbort();
  else parent?.addEventListener('abort', onParentAbort, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParentAbort);
    },
  };
}
