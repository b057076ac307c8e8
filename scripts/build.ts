// Builds dist/, the CLI as published: generator/main.ts and the fleet's worker bundled by esbuild
// into ES modules that share chunks, so a run reads a few files instead of ~250 modules (their
// resolution and compilation were most of the start-up). Commands stay lazily loaded (each
// dynamic import is a chunk of its own), and the Terraform templates arrive precompiled.
//   npm run build
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';
import Handlebars from 'handlebars';
import { TEMPLATE_NAMES, TEMPLATE_OPTIONS, templateSource } from '../generator/render/terraform/templates.ts';

/** templates.ts as the bundle has it: the specs Handlebars.precompile made, on its runtime alone. */
const precompiledTemplates: Plugin = {
  name: 'precompiled-templates',
  setup(b) {
    b.onLoad({ filter: /generator[\\/]render[\\/]terraform[\\/]templates\.ts$/ }, () => {
      const specs = TEMPLATE_NAMES.map((name) => `  ${JSON.stringify(name)}: ${Handlebars.precompile(templateSource(name), TEMPLATE_OPTIONS)},`).join('\n');
      return {
        loader: 'js',
        contents: `import Handlebars from 'handlebars/runtime.js';
const specs = {
${specs}
};
export function terraformTemplates(helpers) {
  const hb = Handlebars.create();
  for (const [name, helper] of Object.entries(helpers)) hb.registerHelper(name, helper);
  return Object.fromEntries(Object.entries(specs).map(([name, spec]) => [name, hb.template(spec)]));
}
`,
      };
    });
  },
};

// The load cache (generator/load/load-cache.ts) is kept per build: SLIPWAY_BUILD_ID is the sha256
// of the whole bundle, dependencies included, written in place of a placeholder of the same length
// once the bundle is made (the placeholder is the same in every build, so the hash is the code's).
const PLACEHOLDER = 'slipway-build-id-'.padEnd(64, '0');
const OUT = 'dist/generator';

rmSync('dist', { recursive: true, force: true });
const { outputFiles } = await build({
  // Both entries in dist/generator/ beside their chunks, where workers/pool.ts finds ./worker.js.
  // The bin stays dist/generator/main.js, the path published before: npx links a local package's bin
  // into its cache once and never refreshes the link, so a moved bin leaves `npx slipway` dangling
  // for everyone who ran it before (libnpmexec installs the project into ~/.npm/_npx/ and reuses it).
  entryPoints: { main: 'generator/main.ts', worker: 'generator/workers/worker.ts' },
  outdir: OUT,
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // The CommonJS dependencies (ajv, handlebars) call require() for Node's own modules.
  banner: { js: "import { createRequire as slipwayRequire } from 'node:module';\nconst require = slipwayRequire(import.meta.url);" },
  define: { SLIPWAY_BUILD_ID: JSON.stringify(PLACEHOLDER), SLIPWAY_PACKAGE_ROOT: JSON.stringify('../..') },
  plugins: [precompiledTemplates],
  logLevel: 'warning',
  write: false,
});
const files = [...outputFiles].sort((a, b) => (a.path < b.path ? -1 : 1));
const hash = createHash('sha256');
for (const f of files) hash.update(`${path.relative(OUT, f.path)}\0`).update(f.contents);
const id = hash.digest('hex');
for (const f of files) {
  mkdirSync(path.dirname(f.path), { recursive: true });
  writeFileSync(f.path, f.text.replaceAll(PLACEHOLDER, id));
}
chmodSync(`${OUT}/main.js`, 0o755);
