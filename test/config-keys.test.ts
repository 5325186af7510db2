import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../config";
import { CONFIG_KEYS, envSchema, keyLeaves, toolsSchema } from "../config/keys";
import { PROJECT_DIR } from "../tools/cli/project";
import { parseStack } from "./harness";

type Declaration = { type?: string; description?: string; default?: unknown };
const declared = (parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8")) as { config: Record<string, Declaration> }).config;

const plainKeys = [...CONFIG_KEYS.values()].filter((k) => !k.secret).map((k) => k.key);
const secretKeys = [...CONFIG_KEYS.values()].filter((k) => k.secret).map((k) => k.key);
const leaves = [...keyLeaves(envSchema), ...keyLeaves(toolsSchema)];

/** The Pulumi.yaml type of a value as the schema parses it (Pulumi hands every value over as a string). */
function pulumiType(parsed: unknown): string {
  return typeof parsed === "boolean" ? "boolean" : typeof parsed === "number" ? "integer" : "string";
}

describe("Pulumi.yaml declares exactly the schema's keys", () => {
  it("with a type and a description, and nothing the program does not read", () => {
    expect(Object.keys(declared).sort()).toEqual([...plainKeys].sort());
    for (const [key, d] of Object.entries(declared)) {
      expect(["string", "integer", "boolean"], key).toContain(d.type);
      expect(d.description, key).toMatch(/\S/);
    }
  });

  it("every declared key has a default, since the Pulumi CLI demands a declared key without one from every stack", () => {
    for (const [key, d] of Object.entries(declared)) expect(d, key).toHaveProperty("default");
  });

  it("each default passes the key's validator and has the type the schema parses it to", () => {
    for (const leaf of leaves.filter((l) => !l.secret)) {
      const d = declared[leaf.key];
      // "" declares "set it in each stack file" for keys where empty means unset: nothing to parse.
      if (d.default === "" && leaf.emptyIsUnset) {
        expect(d.type, leaf.key).toBe("string");
        continue;
      }
      const parsed = leaf.field.safeParse(String(d.default));
      expect(parsed.success, `${leaf.key}: ${JSON.stringify(d.default)}`).toBe(true);
      expect(d.type, leaf.key).toBe(pulumiType(parsed.data));
    }
  });

  it("secrets are never given defaults in Pulumi.yaml", () => {
    expect(secretKeys).toEqual(expect.arrayContaining(["keycloakApiSecret", "patroniAppPassword"]));
    for (const key of secretKeys) expect(declared[key]).toBeUndefined();
  });
});

describe("the key table derived from the schema", () => {
  it("gives each key the stacks that read it", () => {
    expect(CONFIG_KEYS.get("appName")?.scope).toBe("all");
    expect(CONFIG_KEYS.get("serverHost")?.scope).toBe("env");
    expect(CONFIG_KEYS.get("gitRef")?.scope).toBe("tools");
    expect(CONFIG_KEYS.get("kubeContext")?.optional).toBe(true);
    expect(CONFIG_KEYS.get("patroniAppPassword")?.optional).toBe(true);
    expect(CONFIG_KEYS.get("keycloakApiSecret")?.optional).toBe(false);
  });

  it("names every key once", () => {
    for (const schema of [envSchema, toolsSchema]) {
      const names = keyLeaves(schema).map((l) => l.key);
      expect(new Set(names).size).toBe(names.length);
    }
  });
});

describe("a real pulumi up without a required secret", () => {
  it("fails naming the exact command to run", () => {
    const run = () => parseStack("prod");
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(
      "Pulumi.prod.yaml: hcap-infra:keycloakApiSecret: the Keycloak API client secret is required but not set: pulumi config set --secret hcap-infra:keycloakApiSecret <value> -s prod",
    );
  });
});
