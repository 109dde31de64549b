/**
 * Where an error nobody can be told of is logged, once: the last line of defence of every
 * listener (HTTP request, upgrade, socket message, stream: that one client's answer fails, the
 * process lives on) and a bus publish that failed after its change was committed. Until
 * structured logging arrives, one JSON line on stderr.
 */
export function reportError(where: string, error: unknown): void {
  const entry = {
    level: 'error',
    time: new Date().toISOString(),
    msg: `unexpected error in ${where}`,
    err:
      error instanceof Error
        ? { type: error.name, message: error.message, stack: error.stack }
        : { message: String(error) },
  };
  try {
    process.stderr.write(`${JSON.stringify(entry)}\n`);
  } catch {
    // Nothing left to tell.
  }
}
