// Which lines of code or prose say something. No imports: the core, the host and the panel (a browser) share it.

/** Whether a line carries no code or prose: blank, or punctuation and `...` only (`(`, `});`, `]`). */
export function carriesNothing(line: string): boolean {
  return !/[\p{L}\p{N}_]/u.test(line);
}
