'use client';

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <section className="card empty-state" role="alert" data-testid="page-error">
      <h2>Something went wrong</h2>
      <p>
        The page could not be shown.
        {error.digest ? (
          <>
            {' '}
            Reference <code>{error.digest}</code> in the console log.
          </>
        ) : null}
      </p>
      <button type="button" className="button" onClick={reset}>
        Try again
      </button>
    </section>
  );
}
