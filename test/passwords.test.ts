/**
 * The database's passwords never change because the config changed: the source is recorded
 * (`patroniPasswords`), config refuses what would write other passwords, and the live Secret's
 * values are written once (ignoreChanges), whatever a later `pulumi up` is given.
 */
import { describe, expect, it } from "vitest";
import { ConfigError } from "../config";
import { parseStack, planEntry, render } from "./harness";

const KEYCLOAK = { keycloakApiSecret: "k", keycloakSaUsername: "u", keycloakSaPassword: "p" };
const LIVE = { patroniSuperuserPassword: "live-su", patroniReplicationPassword: "live-repl", patroniAppPassword: "live-app" };

/** Prod's real config with `extra` plain values and only the given secrets set; the error if refused. */
function parseProd(extra: Record<string, string>, secrets: Record<string, string>): unknown {
  try {
    return parseStack("prod", extra, secrets);
  } catch (e) {
    return e;
  }
}

describe("database passwords: config refuses what would write different passwords", () => {
  it("after adoption (patroniPasswords: supplied), removing the password secrets is refused, saying why", () => {
    const e = parseProd({ patroniPasswords: "supplied" }, KEYCLOAK);
    expect(e).toBeInstanceOf(ConfigError);
    const message = (e as ConfigError).message;
    for (const key of Object.keys(LIVE)) {
      expect(message).toContain(`Pulumi.prod.yaml: hcap-infra:${key}: `);
    }
    expect(message).toContain("Patroni reads them only at bootstrap");
    expect(message).toContain("pulumi config set --secret hcap-infra:patroniAppPassword <value> -s prod");
  });

  it("supplied passwords with patroniPasswords: generated (not adopting) are refused: they would overwrite the generated ones", () => {
    const e = parseProd({}, { ...KEYCLOAK, ...LIVE });
    expect(e).toBeInstanceOf(ConfigError);
    const message = (e as ConfigError).message;
    expect(message).toContain(
      "Pulumi.prod.yaml: hcap-infra:patroniSuperuserPassword: is set, but hcap-infra:patroniPasswords is generated",
    );
    expect(message).toContain("Patroni reads passwords only at bootstrap");
    expect(message).toContain("set hcap-infra:patroniPasswords: supplied");
  });

  it("accepts the two consistent states, and supplied values while adopting", () => {
    expect(parseProd({}, KEYCLOAK)).not.toBeInstanceOf(Error);
    expect(parseProd({ patroniPasswords: "supplied" }, { ...KEYCLOAK, ...LIVE })).not.toBeInstanceOf(Error);
    expect(parseProd({ adopt: "true", appWorkload: "DeploymentConfig" }, { ...KEYCLOAK, ...LIVE })).not.toBeInstanceOf(Error);
  });

  it("an unknown source is refused", () => {
    const e = parseProd({ patroniPasswords: "random" }, KEYCLOAK);
    expect((e as ConfigError).message).toContain("Pulumi.prod.yaml: hcap-infra:patroniPasswords: must be generated or supplied");
  });
});

describe("database passwords: the live Secret is written once", () => {
  it.each(["dev", "test", "prod"])("%s: pulumi up never rewrites hcap-patroni's values (ignoreChanges on stringData)", async (stack) => {
    const { plan } = await render(stack);
    expect(planEntry(plan, "kubernetes:core/v1:Secret", "hcap-patroni").ignoreChanges).toEqual(["stringData"]);
  });

  it("the Keycloak Secret is not frozen (it is rebuilt from config on purpose)", async () => {
    const { plan } = await render("prod");
    expect(planEntry(plan, "kubernetes:core/v1:Secret", "hcap-keycloak").ignoreChanges).toEqual([]);
  });
});
