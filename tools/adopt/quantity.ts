/**
 * Kubernetes resource quantities as numbers, so `1Gi` equals `1024Mi` and `0.5` equals `500m`
 * when a declared value is compared with what the API server returned.
 */

const SUFFIX: Readonly<Record<string, number>> = {
  "": 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

const QUANTITY = /^([+-]?\d+(?:\.\d+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

/** The value of a quantity (`"500m"` → 0.5, `"1Gi"` → 1073741824, `2` → 2); undefined if it is not one. */
export function quantityValue(q: unknown): number | undefined {
  if (typeof q === "number" && Number.isFinite(q)) return q;
  if (typeof q !== "string") return undefined;
  const m = QUANTITY.exec(q.trim());
  if (!m) return undefined;
  return Number(m[1]) * SUFFIX[m[2] ?? ""];
}

/** True when both are quantities of the same value (up to floating-point rounding of milli-units). */
export function sameQuantity(a: unknown, b: unknown): boolean {
  const x = quantityValue(a);
  const y = quantityValue(b);
  if (x === undefined || y === undefined) return false;
  return x === y || Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y));
}
