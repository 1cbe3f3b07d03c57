/**
 * Raised when start-up fails after the settings were read: the database cannot be reached, the
 * port is taken, a directory cannot be used. The message is one line that names the variable;
 * main.ts prints it and exits non-zero.
 */
export class StartupError extends Error {
  override name = "StartupError";
  constructor(
    readonly variable: string,
    cause: string,
  ) {
    super(`${variable}: ${cause}`);
  }
}
