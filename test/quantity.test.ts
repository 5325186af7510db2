import { describe, expect, it } from "vitest";
import {
  canonicalCpu,
  cpuMillis,
  foldedBinary,
  isCanonicalCpu,
  isCanonicalMemory,
  quantityBytes,
  quantityValue,
  sameQuantity,
} from "../config/quantity";

describe("the one quantity grammar", () => {
  it("reads every suffix form resource.ParseQuantity accepts", () => {
    expect(quantityValue("250m")).toBe(0.25);
    expect(quantityValue("1Gi")).toBe(1073741824);
    expect(quantityValue("1e3")).toBe(1000);
    expect(quantityValue(".5")).toBe(0.5);
    expect(quantityValue("100u")).toBeCloseTo(0.0001);
    expect(quantityValue(3)).toBe(3);
    expect(quantityValue("2GB")).toBeUndefined();
    expect(quantityValue(" 1Gi")).toBeUndefined();
  });

  it("compares a declared value with what the server returned", () => {
    expect(sameQuantity("1Gi", "1024Mi")).toBe(true);
    expect(sameQuantity("0.5", "500m")).toBe(true);
    expect(sameQuantity("1k", "1e3")).toBe(true);
    expect(sameQuantity("1G", "1Gi")).toBe(false);
    expect(sameQuantity("1Gi", "big")).toBe(false);
  });

  it("converts to bytes and millicores", () => {
    expect(quantityBytes("512Mi")).toBe(536870912);
    expect(quantityBytes("256M")).toBe(256000000);
    expect(quantityBytes("lots")).toBeNaN();
    expect(cpuMillis("250m")).toBe(250);
    expect(cpuMillis("2")).toBe(2000);
    expect(cpuMillis("0.1")).toBe(100);
  });

  it("knows the canonical form the API server stores", () => {
    expect(canonicalCpu("0.5")).toBe("500m");
    expect(canonicalCpu("1000m")).toBe("1");
    expect(isCanonicalCpu("250m")).toBe(true);
    expect(isCanonicalCpu("1000m")).toBe(false);
    expect(isCanonicalCpu("0")).toBe(false);
    expect(foldedBinary("1024Mi")).toBe("1Gi");
    expect(foldedBinary("1536Mi")).toBeUndefined();
    expect(isCanonicalMemory("512Mi")).toBe(true);
    expect(isCanonicalMemory("2048Mi")).toBe(false);
    expect(isCanonicalMemory("512")).toBe(false);
  });
});
