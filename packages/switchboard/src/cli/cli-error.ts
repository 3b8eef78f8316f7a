/** Exit codes of the CLI: 0 ok, 1 runtime failure, 2 usage or configuration error. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A mistake in how the command was called or configured: the message says how to fix it. */
export class UsageError extends Error {
  readonly exitCode = EXIT_USAGE;
}
