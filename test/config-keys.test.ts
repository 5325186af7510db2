import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../config";
import { PLAIN_KEYS, SECRET_KEYS } from "../config/keys";
import { PROJECT_DIR } from "../lib/project";
import { parseStack } from "./harness";

type Declaration = { type?: string; description?: string; default?: unknown };
const declared = (parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8")) as { config: Record<string, Declaration> }).config;

describe("Pulumi.yaml declares every key the program reads", () => {
  it("with a type and a description, and nothing the program does not read", () => {
    expect(Object.keys(declared).sort()).toEqual(Object.keys(PLAIN_KEYS).sort());
    for (const [key, d] of Object.entries(declared)) {
      expect(["string", "integer", "boolean"], key).toContain(d.type);
      expect(d.description, key).toMatch(/\S/);
    }
  });

  it("every declared key has a default, since the Pulumi CLI demands a declared key without one from every stack", () => {
    for (const [key, d] of Object.entries(declared)) expect(d, key).toHaveProperty("default");
  });

  it("secrets are never given defaults in Pulumi.yaml", () => {
    for (const key of Object.keys(SECRET_KEYS)) expect(declared[key]).toBeUndefined();
  });
});

describe("a real pulumi up without a required secret", () => {
  it("fails naming the exact command to run", () => {
    const run = () => parseStack("prod");
    expect(run).toThrow(ConfigError);
    expect(run).toThrow("Pulumi.prod.yaml: hcap-infra:keycloakApiSecret: the Keycloak API client secret is required but not set: pulumi config set --secret hcap-infra:keycloakApiSecret <value> -s prod");
  });
});
