/** Polls `probe` until `done` holds or `timeoutMs` passes; returns the last value (the assertion after it says what was wrong). */
export async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const started = Date.now()
  for (;;) {
    const value = await probe()
    if (done(value) || Date.now() - started > timeoutMs) return value
    await new Promise((r) => setTimeout(r, 50))
  }
}
