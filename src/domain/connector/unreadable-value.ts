/**
 * A sensitive configuration value this server cannot decrypt: it was encrypted with a key that
 * is not in the keyring (a lost or unconfigured `TRIBUTARY_SECRET_KEY_PREVIOUS`, another
 * server's `secret.key`). Reading the connector must still work — for the API, the worker's
 * connector loop (which lists every connector) and updates of other fields — and the stored
 * ciphertext must survive untouched until the value is entered again or the key restored
 * (docs/security.md "Connector secrets").
 *
 * So opening such a value yields this marker instead of throwing: it is written back as the
 * ciphertext it came from (security/sensitive-config.ts) and serialises as `null` in every
 * response (no readable value; the configuration form shows it empty to be entered again).
 */
export class UnreadableValue {
  constructor(
    /** The stored ciphertext, written back unchanged. */
    readonly stored: string,
    /** Why it cannot be read (which key is missing); never the value. */
    readonly reason: string,
  ) {}

  toJSON(): null {
    return null;
  }
}
