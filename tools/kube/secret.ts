/**
 * Secrets as the tools see them, in one place: the captured wrapper (what Pulumi marked secret), how
 * to unwrap it in memory, and how it is written out (a fixed placeholder, or a keyed digest so two
 * renders can tell a rotation without anything reversible leaving the process).
 */
import { createHmac } from "node:crypto";
import { isRecord } from "./object";

/** A value Pulumi marks secret, as captured offline. Renders never print `value`. */
export class SecretValue {
  constructor(readonly value: unknown) {}
}

export type Captured = null | boolean | number | string | SecretValue | Captured[] | { [k: string]: Captured };

/** What every secret value renders as. */
export const SECRET_PLACEHOLDER = "[secret]";

/** How one secret value is written out: the placeholder (default) or a keyed digest ({@link secretDigests}). */
export type SecretRenderer = (value: unknown) => string;

const placeholder: SecretRenderer = () => SECRET_PLACEHOLDER;

/** Prefix of a keyed secret digest: `[secret:hmac:<hex>]`. */
const DIGEST_PREFIX = "[secret:hmac:";

/**
 * Renders each secret as `[secret:hmac:<hex>]`, an HMAC-SHA256 of the value under `key`. With a key
 * that is random per run and never written anywhere, two renders can tell "this secret changed"
 * without anything reversible leaving the process (a plain hash of a short password could be guessed).
 */
export function secretDigests(key: Buffer): SecretRenderer {
  if (key.length < 16) throw new Error("secretDigests: the key must be at least 16 random bytes");
  return (value) =>
    `${DIGEST_PREFIX}${createHmac("sha256", key)
      .update(JSON.stringify(value) ?? "null")
      .digest("hex")}]`;
}

/** True for a rendered secret: the placeholder or a keyed digest. */
export function isRenderedSecret(value: unknown): value is string {
  return value === SECRET_PLACEHOLDER || (typeof value === "string" && value.startsWith(DIGEST_PREFIX) && value.endsWith("]"));
}

/** Replaces every secret by `secret(value)` (keys of a Secret stay visible; values never). */
export function redact(value: Captured, secret: SecretRenderer = placeholder): unknown {
  if (value instanceof SecretValue) {
    const inner = value.value;
    if (isRecord(inner)) {
      return Object.fromEntries(Object.entries(inner).map(([k, v]) => [k, secret(v)]));
    }
    return secret(inner);
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, secret));
  if (isRecord(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, secret)]));
  }
  return value;
}

/** True when a captured value holds a secret anywhere inside. */
export function containsSecret(v: unknown): boolean {
  if (v instanceof SecretValue) return true;
  if (Array.isArray(v)) return v.some(containsSecret);
  if (isRecord(v)) return Object.values(v).some(containsSecret);
  return false;
}

/** Secret wrappers removed (in memory only: the result never reaches a report). */
export function reveal(v: unknown): unknown {
  if (v instanceof SecretValue) return reveal(v.value);
  if (Array.isArray(v)) return v.map(reveal);
  if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, reveal(x)]));
  return v;
}

/** Any rendered secret (digest or placeholder) → the placeholder, for printing. */
export function hideSecrets(v: unknown): unknown {
  if (isRenderedSecret(v)) return SECRET_PLACEHOLDER;
  if (Array.isArray(v)) return v.map(hideSecrets);
  if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, hideSecrets(x)]));
  return v;
}
