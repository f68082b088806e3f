/** A flag value this shim cannot honour with tlskit (the test is then unimplemented). */
export class Unsupported extends Error {
  override name = 'Unsupported';
}
