/**
 * Kubernetes resource quantities: the one grammar that config validation, the offline check, the plan
 * diff and the adoption check share. It follows apimachinery's pkg/api/resource/quantity.go
 * (`<signed number><binary SI | decimal SI | decimal exponent>`) and the canonical form the API server
 * stores (CanonicalizeBytes/String there: the largest whole unit, `500m` not `0.5`).
 */

/** A quantity as resource.ParseQuantity accepts it (`500m`, `1Gi`, `1e3`, `.5`). */
export const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

const SUFFIX: Readonly<Record<string, number>> = {
  "": 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** The value of a quantity (`"500m"` → 0.5, `"1Gi"` → 1073741824, `2` → 2); undefined if it is not one. */
export function quantityValue(q: unknown): number | undefined {
  if (typeof q === "number") return Number.isFinite(q) ? q : undefined;
  if (typeof q !== "string") return undefined;
  const m = QUANTITY.exec(q);
  if (!m) return undefined;
  const suffix = m[2] ?? "";
  const factor = /^[eE]/.test(suffix) ? 10 ** Number(suffix.slice(1)) : SUFFIX[suffix];
  return Number(m[1]) * factor;
}

/** True when both are quantities of the same value (up to floating-point rounding of milli-units). */
export function sameQuantity(a: unknown, b: unknown): boolean {
  const x = quantityValue(a);
  const y = quantityValue(b);
  if (x === undefined || y === undefined) return false;
  return x === y || Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y));
}

/** Whether a quantity names its unit (a bare number is bytes for memory, cores for CPU). */
export function hasUnit(q: string | number): boolean {
  return typeof q === "string" && /[A-Za-z]$/.test(q);
}

/** Bytes in a memory or storage quantity; NaN when it is not a quantity. */
export function quantityBytes(q: string): number {
  return quantityValue(q) ?? NaN;
}

/** Millicores in a CPU quantity; NaN when it is not a quantity. */
export function cpuMillis(q: string): number {
  const v = quantityValue(q);
  return v === undefined ? NaN : Math.round(v * 1000);
}

/** `0.5` → `500m`, `1000m` → `1`; undefined when `s` is not a positive CPU quantity in cores or millicores. */
export function canonicalCpu(s: string): string | undefined {
  if (!/^(?:\d+(?:\.\d+)?|\d+m)$/.test(s)) return undefined;
  const milli = s.endsWith("m") ? Number(s.slice(0, -1)) : Math.round(Number(s) * 1000);
  if (!Number.isFinite(milli) || milli <= 0) return undefined;
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

/** True for a CPU quantity in the form the API server stores (`250m`, `1`, `2`; never `1000m` or `0.5`). */
export function isCanonicalCpu(s: string): boolean {
  return canonicalCpu(s) === s;
}

const MEMORY = /^[1-9]\d*(?:Ki|Mi|Gi|Ti|k|M|G|T)$/;

/** `1024Mi` → `1Gi`: the server folds a binary quantity into the largest whole unit; undefined when already folded. */
export function foldedBinary(s: string): string | undefined {
  const m = /^([1-9]\d*)(Ki|Mi|Gi)$/.exec(s);
  if (!m) return undefined;
  const units = ["Ki", "Mi", "Gi", "Ti"];
  let n = Number(m[1]);
  let u = units.indexOf(m[2]);
  if (n % 1024 !== 0) return undefined;
  while (n % 1024 === 0 && u < units.length - 1) {
    n /= 1024;
    u += 1;
  }
  return `${n}${units[u]}`;
}

/** True for a memory/storage quantity with a unit, in the form the API server stores (`512Mi`, `1Gi`, `256M`). */
export function isCanonicalMemory(s: string): boolean {
  return MEMORY.test(s) && foldedBinary(s) === undefined;
}
