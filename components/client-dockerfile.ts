/**
 * The Dockerfile of the hcap-client image, given inline to its BuildConfig (`source.dockerfile`,
 * built in the app repository's `client/` folder). The app repository has no Dockerfile that builds
 * the client alone: its root Dockerfile copies the client build into the server image.
 *
 * Stage 1 builds the React app as the root Dockerfile does (same Node image, `npm ci`, `npm run build`
 * with `INLINE_RUNTIME_CHUNK=false` so no inline script needs a CSP exception; output `build/`).
 * `REACT_APP_API_URL` is left unset, so the client calls the API at `/api/v1` on its own origin, which
 * the client host's `/api` Route sends to hcap-server: one image serves every environment.
 *
 * Stage 2 serves it with nginx from the UBI nginx image (unprivileged, port 8080, root
 * `/opt/app-root/src`, server-block snippets read from `$NGINX_DEFAULT_CONF_PATH`). Unknown paths get
 * `index.html` (client-side routing). `index.html` carries placeholders that hcap-server fills per
 * request when it serves the client (server/server.ts): nginx does the same here, with the same
 * Content-Security-Policy and a fresh nonce per response.
 */

/** Base images, pinned (a new tag is a deliberate change, and a BuildConfig change starts a build). */
export const CLIENT_BUILD_IMAGES = {
  /**
   * The Node image the app repository's own Dockerfile builds the client with (client/package.json
   * engines: node >= 24.14.1), Docker Hub's `library/node` pulled through Artifactory's caching
   * `docker-remote`: builds share the cluster's egress and Docker Hub's pull limit
   * (developer.gov.bc.ca "Artifact Repositories (Artifactory)"). Needs the build pull secret
   * ({@link StackNames.buildPullSecret}, README "Deploying and promoting").
   */
  node: "artifacts.developer.gov.bc.ca/docker-remote/library/node:24.14.1-trixie-slim",
  /** Red Hat UBI 9 nginx 1.26: pulled without credentials or Docker Hub rate limits. */
  nginx: "registry.access.redhat.com/ubi9/nginx-126:1-1779858291",
} as const;

/** Folder of the client in the app repository: the build context. */
export const CLIENT_CONTEXT_DIR = "client";

/** Where the build stage puts the client (`react-scripts build` writes `build/`). */
const BUILD_DIR = "/client/build";

/**
 * The per-response nonce: nginx's random `$request_id` (32 hex digits). The leading letter matters:
 * `index.html` also uses the placeholder as a property name (`window.__CSP_NONCE__ = ...`), which
 * must stay a valid JavaScript identifier once replaced.
 */
const NONCE = "n$request_id";

/**
 * hcap-server's Content-Security-Policy (helmet directives in server/server.ts), with {@link NONCE}.
 * Keep it in step with the server's when that changes.
 */
export const CLIENT_CSP = [
  "default-src 'self'",
  "connect-src 'self' https://orgbook.gov.bc.ca https://common-logon-dev.hlth.gov.bc.ca https://common-logon-test.hlth.gov.bc.ca https://common-logon.hlth.gov.bc.ca https://spm.apps.gov.bc.ca https://spt.apps.gov.bc.ca",
  "base-uri 'self'",
  "block-all-mixed-content",
  "font-src 'self'",
  "frame-ancestors 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  `script-src 'self' https://www2.gov.bc.ca 'nonce-${NONCE}'`,
  "script-src-attr 'none'",
  `style-src 'self' 'nonce-${NONCE}'`,
  "upgrade-insecure-requests",
  "form-action 'self'",
].join("; ");

/**
 * Placeholders in the client's `index.html` and what replaces them. The nonce is per response; the
 * other two are optional server settings (`REACT_APP_GOOGLE_SITE_VERIFICATION`, `COLLECTOR_VARIABLE`)
 * that no environment of this system sets, so they become empty as the server makes them.
 */
export const INDEX_PLACEHOLDERS: Readonly<Record<string, string>> = {
  __CSP_NONCE__: NONCE,
  __GOOGLE_VERIFICATION_CONTENT__: "",
  __COLLECTOR_VARIABLE__: "",
};

/** The nginx server-block snippet (one line per directive; nginx variables stay literal). */
export function clientNginxConfig(): string[] {
  const headers = [
    // The nonce changes on every response, so index.html must never be cached.
    `add_header Cache-Control "no-store" always;`,
    `add_header Content-Security-Policy "${CLIENT_CSP}" always;`,
    `add_header X-Content-Type-Options "nosniff" always;`,
    `add_header Referrer-Policy "no-referrer" always;`,
  ];
  return [
    "location / {",
    // Client-side routes have no file: they get index.html.
    "  try_files $uri /index.html;",
    "}",
    "location = /index.html {",
    ...headers.map((h) => `  ${h}`),
    "  sub_filter_once off;",
    ...Object.entries(INDEX_PLACEHOLDERS).map(([from, to]) => `  sub_filter "${from}" "${to}";`),
    "}",
  ];
}

/** `s` as one single-quoted shell word. */
function shellWord(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The inline Dockerfile. Pure: the same inputs always give the same text (a change starts a build). */
export function clientDockerfile(images: typeof CLIENT_BUILD_IMAGES = CLIENT_BUILD_IMAGES): string {
  const confLines = clientNginxConfig().map((line) => `      ${shellWord(line)} \\`);
  return [
    `FROM ${images.node} AS build`,
    "WORKDIR /client",
    // The context is the repository's client/ folder (its .dockerignore leaves node_modules out).
    "COPY . .",
    "RUN npm ci --no-audit --no-fund --no-update-notifier --ignore-scripts",
    "RUN INLINE_RUNTIME_CHUNK=false npm run build",
    "",
    `FROM ${images.nginx}`,
    `COPY --from=build ${BUILD_DIR}/ /opt/app-root/src/`,
    // RUN is not subject to Dockerfile variable expansion, and single quotes keep nginx's $ variables.
    "RUN printf '%s\\n' \\",
    ...confLines,
    '    > "${NGINX_DEFAULT_CONF_PATH}/hcap-client.conf"',
    // The image's run script: logs to stdout/stderr, then nginx in the foreground.
    'CMD ["/usr/libexec/s2i/run"]',
    "",
  ].join("\n");
}
