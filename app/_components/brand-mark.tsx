/** Vigil's shield, drawn inline (the console loads nothing external). */
export function BrandMark({ size = 22 }: { size?: number }) {
  return (
    <svg className="brand-mark" viewBox="0 0 24 24" width={size} height={size} aria-hidden="true" focusable="false">
      <path d="M12 2.5 20 5.7v6c0 5-3.4 8.8-8 10.3-4.6-1.5-8-5.3-8-10.3v-6z" fill="currentColor" />
      <path d="M8.2 11.8 11 14.6l5-5.2" fill="none" stroke="#0e1621" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

/** The frame of pages shown without the console's shell: sign-in, not found. */
export function AuthFrame({ children, footer }: { children: React.ReactNode; footer?: React.ReactNode }) {
  return (
    <main className="auth-frame">
      <div className="auth-brand" aria-label="Vigil">
        <BrandMark size={30} />
        <span className="auth-brand-name">Vigil</span>
      </div>
      {children}
      <p className="auth-footer">{footer ?? 'Self-hosted vulnerability management'}</p>
    </main>
  );
}
