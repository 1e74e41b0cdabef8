// Ctrl-C for the long commands: the first one stops the operation through its AbortSignal (the index
// keeps what is done), the second ends the process.

/** Stops the operation on Ctrl-C; a second Ctrl-C exits at once. */
export function interruptible(): AbortSignal {
  const controller = new AbortController();
  process.once('SIGINT', () => {
    process.stderr.write('\nsemsearch: stopping (the index keeps what is done; run again to continue)\n');
    controller.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  return controller.signal;
}
