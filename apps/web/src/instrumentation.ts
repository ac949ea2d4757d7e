// Runs once when the Next server boots: a bad environment stops it with the variable's name, before any request.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === 'nodejs') await import('./instrumentation.node');
}
