/** Runs `run` over `items` with at most `concurrency` in flight; stops taking items once `signal` aborts. */
export async function runPool<T>(options: { items: readonly T[]; concurrency: number; signal: AbortSignal; run: (item: T) => Promise<void> }): Promise<void> {
  const { items, signal, run } = options;
  let next = 0;
  const worker = async () => {
    while (!signal.aborted && next < items.length) await run(items[next++]!);
  };
  const settled = await Promise.allSettled(Array.from({ length: Math.min(options.concurrency, items.length) }, worker));
  signal.throwIfAborted();
  const failure = settled.find((result) => result.status === 'rejected');
  if (failure) throw (failure as PromiseRejectedResult).reason;
}
