/**
 * Gives the terminal back (cursor, echo, main screen) before the process dies of an uncaught error
 * or exits some other way while the dashboard is up. Uses the *monitor* event, so Node's own
 * handling (print the error, exit 1) is unchanged; blessed's own handlers stay as they are.
 */
export function guardTerminal(restore: () => void): () => void {
  const once = () => {
    try {
      restore()
    } catch {
      // Nothing more can be done for the terminal here.
    }
  }
  process.on('uncaughtExceptionMonitor', once)
  process.on('exit', once)
  return () => {
    process.off('uncaughtExceptionMonitor', once)
    process.off('exit', once)
  }
}
