// @ts-check
/**
 * Preload (`node -r`) that keeps modules this program never uses out of start-up: when a listed
 * requirer (and only it) requires a listed module, it gets a stand-in that loads the real module on
 * first use. Nothing else changes: code that does use one loads it then. test/startup.test.ts proves
 * renders are byte-identical and that none of them is loaded.
 *
 * - `typescript` and `@npmcli/arborist`: @pulumi/pulumi 3.248 requires both eagerly from its closure
 *   serializer (runtime/index.js → closure/parseFunction.js → typescript-shim.js → typescript;
 *   closure/codePaths.js → @npmcli/arborist), which only runs when a program serializes a function
 *   (dynamic providers, callback functions). This program never does, yet the two cost over half of
 *   @pulumi/pulumi's load time. 3.249.0 and later need Node ≥ 22 (the project supports Node ≥ 20.6);
 *   3.276.0 drops arborist but still loads typescript eagerly.
 * - zod 4's `locales` namespace: `zod` re-exports every message locale (about 50 modules) as
 *   `z.locales`; the schemas use English, which zod loads on its own (v4/classic/schemas.cjs →
 *   locales/en.cjs), and nothing reads `z.locales`.
 */
const Module = require("node:module");

/** Module → the requirers that get a stand-in for it. */
const DEFERRED = new Map([
  ["typescript", /[\\/]@pulumi[\\/]pulumi[\\/](runtime[\\/]closure[\\/]|typescript-shim\.js$)/],
  ["@npmcli/arborist", /[\\/]@pulumi[\\/]pulumi[\\/]runtime[\\/]closure[\\/]/],
  ["../locales/index.cjs", /[\\/]zod[\\/]v4[\\/](core[\\/]index|classic[\\/]external|mini[\\/]external)\.cjs$/],
]);

/** @type {any} */
const M = Module;
const load = M._load;
M._load = function (/** @type {string} */ request, /** @type {any} */ parent, /** @type {boolean} */ isMain) {
  const requirers = DEFERRED.get(request);
  if (!requirers || !parent || !requirers.test(parent.filename)) return load.apply(this, arguments);
  // Unresolvable (e.g. typescript not installed): fail now, as without this preload, so the shim's
  // fallback to its vendored copy still happens.
  M._resolveFilename(request, parent, isMain);
  /** @type {any} */
  let real;
  // eslint-disable-next-line @typescript-eslint/no-this-alias -- Module._load's receiver, kept for the deferred call
  const self = this;
  const get = () => (real ??= load.call(self, request, parent, isMain));
  return new Proxy(
    {},
    {
      // `__esModule` is what tsc's __importStar/__importDefault ask before touching anything else.
      get: (_, key) => (key === "__esModule" ? true : get()[key]),
      has: (_, key) => key in get(),
      ownKeys: () => Reflect.ownKeys(get()),
      getOwnPropertyDescriptor: (_, key) => {
        if (key === "__esModule") return { value: true, configurable: true, enumerable: false, writable: false };
        const d = Object.getOwnPropertyDescriptor(get(), key);
        if (d) d.configurable = true;
        return d;
      },
    },
  );
};
