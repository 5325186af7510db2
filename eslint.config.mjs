// ESLint (flat config): typescript-eslint's recommended rules, and the one-way dependency rule of the
// layout (README "Layout"): the program never imports the tools, and config/ imports nothing above it.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** Import specifiers that reach a tools folder from anywhere in the tree (`./tools/…`, `../../scripts/…`). */
const TOOLS = "^(\\./|(\\.\\./)+)(tools|scripts|policy|test)(/|$)";

export const PROGRAM_FILES = ["index.ts", "stack.ts", "stack-outputs.ts", "components/**/*.ts", "config/**/*.ts"];

export default tseslint.config(
  { ignores: ["node_modules/", "out/", "dist/", "coverage/", "policy/node_modules/"] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
    },
  },
  {
    files: PROGRAM_FILES,
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: TOOLS,
              message:
                "The program (index.ts, stack.ts, config/, components/) never imports the tools: move the shared fact down into config/ or components/.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["config/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { regex: "^\\.\\.(/|$)", message: "config/ imports nothing above it: move the fact into config/ and import it from there." },
          ],
        },
      ],
    },
  },
  {
    files: ["**/*.cjs"],
    languageOptions: {
      sourceType: "commonjs",
      globals: {
        require: "readonly",
        module: "writable",
        process: "readonly",
        __dirname: "readonly",
        __filename: "readonly",
        console: "readonly",
      },
    },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
