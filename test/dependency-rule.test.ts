/**
 * The one-way dependency rule of the layout, as ESLint enforces it in `npm run lint`: the program never
 * imports the tools, config/ imports nothing above it. Each case lints a deliberate wrong-way import
 * as if it were a file of the project, so a rule that stopped firing fails here.
 */
import * as path from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..");
const eslint = new ESLint({ cwd: ROOT });

async function restrictedImports(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return result.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

describe("the program never imports the tools", () => {
  it("a component importing the checker fails lint", async () => {
    const messages = await restrictedImports(
      "components/safety.ts",
      'import { runCheck } from "../tools/check/run";\nexport const x = runCheck;\n',
    );
    expect(messages).toEqual([expect.stringContaining("never imports the tools")]);
  });

  it("stack.ts and a nested component file importing a script or a tool fail lint", async () => {
    expect(
      await restrictedImports("stack.ts", 'import { evaluateStack } from "./tools/evaluate/evaluate";\nexport const x = evaluateStack;\n'),
    ).toHaveLength(1);
    expect(await restrictedImports("components/openshift/resource.ts", 'import "../../scripts/render";\n')).toHaveLength(1);
  });

  it("the tools may import the program", async () => {
    expect(
      await restrictedImports(
        "tools/check/objects-probe.ts",
        'import { stackNames } from "../../components/names";\nexport const x = stackNames;\n',
      ),
    ).toEqual([]);
  });
});

describe("config/ imports nothing above it", () => {
  it("config importing a component fails lint", async () => {
    const messages = await restrictedImports(
      "config/index.ts",
      'import { stackNames } from "../components/names";\nexport const x = stackNames;\n',
    );
    expect(messages).toEqual([expect.stringContaining("config/ imports nothing above it")]);
  });

  it("config importing its own modules and packages passes", async () => {
    expect(
      await restrictedImports(
        "config/index.ts",
        'import { z } from "zod";\nimport { QUANTITY } from "./quantity";\nexport const x = [z, QUANTITY];\n',
      ),
    ).toEqual([]);
  });
});
