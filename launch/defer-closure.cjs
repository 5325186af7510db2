// @ts-check
/**
 * Preload (`node -r`) that keeps `typescript` and `@npmcli/arborist` out of start-up.
 *
 * @pulumi/pulumi 3.248 requires both eagerly from its closure serializer (runtime/index.js →
 * closure/parseFunction.js → typescript-shim.js → typescript; closure/codePaths.js → @npmcli/arborist),
 * which only runs when a program serializes a function (dynamic providers, callback functions).
 * This program never does, yet the two cost over half of @pulumi/pulumi's load time. 3.249.0 and later
 * need Node ≥ 22 (this project and its CI run Node 20); 3.276.0 drops arborist but still loads
 * typescript eagerly. So, here: when that closure code (and only it) requires either module, it gets a
 * stand-in that loads the real module on first use. Nothing else changes: a program that does
 * serialize a function loads them then. test/startup.test.ts proves renders are byte-identical and
 * neither module is loaded.
 */
const Module = require("node:module");

const DEFERRED = new Set(["typescript", "@npmcli/arborist"]);
/** The only requirers that get a stand-in: @pulumi/pulumi's closure serializer and its typescript shim. */
const CLOSURE_CODE = /[\\/]@pulumi[\\/]pulumi[\\/](runtime[\\/]closure[\\/]|typescript-shim\.js$)/;

/** @type {any} */
const M = Module;
const load = M._load;
M._load = function (/** @type {string} */ request, /** @type {any} */ parent, /** @type {boolean} */ isMain) {
  if (!DEFERRED.has(request) || !parent || !CLOSURE_CODE.test(parent.filename)) return load.apply(this, arguments);
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
