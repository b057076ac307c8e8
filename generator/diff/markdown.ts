// The diff for a pull request: summary table first, dangers with their reasons, then collapsible
// details per environment, within GitHub's comment size with an explicit note when cut.
import type { Issue } from '../issues.ts';
import { redact } from '../secrets.ts';
import type { DiffReport, EnvironmentDiff, FileChanges } from './compare.ts';
import type { RenderedRelease } from './rendered.ts';
import { isDowngrade } from './semver.ts';

/** Hidden marker of the sticky comment (slipway comment finds its comment by it). */
export const DIFF_MARKER = '<!-- slipway:diff -->';
export const DEFAULT_BUDGET = 60_000;
const MAX_ROWS = 200;

const cell = (v: unknown) => {
  if (v === undefined) return '—';
  const text = redact(JSON.stringify(v) ?? 'null');
  const short = text.length > 80 ? `${text.slice(0, 77)}...` : text;
  return `\`${short.replace(/`/g, "'").replace(/\|/g, '\\|')}\``;
};

function counts(e: EnvironmentDiff, rendered: boolean): string[] {
  const r = e.releases;
  const downgrades = r.versions.filter((v) => isDowngrade(v.old, v.new)).length;
  const bumps = r.versions.length - downgrades;
  const releaseParts = [
    r.added.length && `+${r.added.length} added`,
    r.removed.length && `${r.removed.length} removed`,
    bumps && `${bumps} chart bump${bumps === 1 ? '' : 's'}`,
    downgrades && `${downgrades} chart downgrade${downgrades === 1 ? '' : 's'}`,
    r.values.length && `${r.values.length} value${r.values.length === 1 ? '' : 's'}`,
  ].filter(Boolean);
  return [
    e.name,
    e.status,
    String(e.terraform.length || '—'),
    releaseParts.join(', ') || '—',
    tally(e.objects),
    ...(rendered ? [e.rendered ? tally(renderedTotals(e.rendered)) : e.status === 'changed' ? 'not compared' : '—'] : []),
    tally(e.files),
    e.dangers.length ? `**${e.dangers.length}**` : '—',
  ];
}

const renderedTotals = (releases: readonly RenderedRelease[]) => ({
  added: releases.flatMap((r) => r.added),
  removed: releases.flatMap((r) => r.removed),
  changed: releases.flatMap((r) => r.changed),
});

/** Per release, its added, removed and changed objects, MAX_ROWS lines at most. */
function renderedList(releases: readonly RenderedRelease[]): string[] {
  const rows: string[] = [];
  for (const r of releases) {
    const name = `\`${redact(r.release)}\``;
    for (const k of r.added) rows.push(`- ${name} added \`${redact(k)}\``);
    for (const k of r.removed) rows.push(`- ${name} removed \`${redact(k)}\``);
    for (const c of r.changed) {
      const more = c.paths.length - 8 + (c.morePaths ?? 0);
      rows.push(`- ${name} changed \`${redact(c.key)}\`: ${c.paths.slice(0, 8).map((p) => `\`${redact(p)}\``).join(', ')}${more > 0 ? ` and ${more} more` : ''}`);
    }
  }
  return rows.length > MAX_ROWS ? [...rows.slice(0, MAX_ROWS), `- … and ${rows.length - MAX_ROWS} more`] : rows;
}

const tally = (c: { added: readonly unknown[]; removed: readonly unknown[]; changed: readonly unknown[] }) =>
  c.added.length + c.removed.length + c.changed.length ? `+${c.added.length} −${c.removed.length} ~${c.changed.length}` : '—';

function fileList(files: FileChanges): string[] {
  const rows = [...files.added.map((f) => `- added \`out/${f}\``), ...files.removed.map((f) => `- removed \`out/${f}\``), ...files.changed.map((f) => `- changed \`out/${f}\``)];
  return rows.length > MAX_ROWS ? [...rows.slice(0, MAX_ROWS), `- … and ${rows.length - MAX_ROWS} more`] : rows;
}

function limited<T>(rows: readonly T[], render: (row: T) => string): string[] {
  const lines = rows.slice(0, MAX_ROWS).map(render);
  if (rows.length > MAX_ROWS) lines.push(`| … | ${rows.length - MAX_ROWS} more rows | | |`);
  return lines;
}

function details(e: EnvironmentDiff): string {
  const out: string[] = [`<details><summary><b>${e.name}</b> (${e.status})</summary>`, ''];
  if (e.terraform.length) {
    out.push('**Terraform module inputs**', '', '| input | old | new |', '| --- | --- | --- |', ...limited(e.terraform, (c) => `| \`${c.path}\` | ${cell(c.old)} | ${cell(c.new)} |`), '');
  }
  const r = e.releases;
  if (r.added.length || r.removed.length || r.versions.length) {
    out.push('**Releases**', '');
    for (const name of r.added) out.push(`- added: \`${name}\``);
    for (const name of r.removed) out.push(`- removed: \`${name}\``);
    for (const v of r.versions) out.push(`- chart ${isDowngrade(v.old, v.new) ? 'downgrade' : 'bump'}: \`${v.release}\` ${v.old} → ${v.new}`);
    out.push('');
  }
  if (r.values.length) {
    out.push('**Release values**', '', '| release | path | old | new |', '| --- | --- | --- | --- |', ...limited(r.values, (c) => `| \`${c.release}\` | \`${c.path}\` | ${cell(c.old)} | ${cell(c.new)} |`), '');
  }
  const o = e.objects;
  if (o.added.length || o.removed.length || o.changed.length) {
    out.push('**Kubernetes objects** (kind/namespace/name)', '');
    for (const k of o.added.slice(0, MAX_ROWS)) out.push(`- added \`${k}\``);
    for (const k of o.removed.slice(0, MAX_ROWS)) out.push(`- removed \`${k}\``);
    for (const c of o.changed.slice(0, MAX_ROWS)) out.push(`- changed \`${c.key}\`: ${c.paths.slice(0, 8).map((p) => `\`${p}\``).join(', ')}${c.paths.length > 8 ? ` and ${c.paths.length - 8} more` : ''}`);
    out.push('');
  }
  if (e.rendered) {
    out.push('**Rendered objects (helm template)** (release: kind/namespace/name)', '');
    if (e.rendered.length) out.push(...renderedList(e.rendered), '');
    else out.push('The charts render the same objects on both sides.', '');
  }
  if (e.files.added.length + e.files.removed.length + e.files.changed.length) {
    out.push('**Other files** (what changed in them is not shown above)', '', ...fileList(e.files), '');
  }
  out.push('</details>', '');
  return out.join('\n');
}

function sharedDetails(files: FileChanges): string {
  const count = files.added.length + files.removed.length + files.changed.length;
  return ['<details><summary><b>Shared files</b> (out/base, out/modules, …: ' + `${count} file${count === 1 ? '' : 's'})</summary>`, '', ...fileList(files), '', '</details>', ''].join('\n');
}

export function toMarkdown(report: DiffReport, budget = DEFAULT_BUDGET): string {
  const changed = report.environments.filter((e) => e.status !== 'unchanged');
  const shared = report.files.added.length + report.files.removed.length + report.files.changed.length;
  const head = [DIFF_MARKER, `### Slipway diff \`${report.base}\` → ${report.head}`, ''];
  if (changed.length === 0 && shared === 0) head.push('No changes to the generated infrastructure, releases or manifests.', '');
  else if (changed.length === 0) head.push(`No environment changes; ${shared} shared file${shared === 1 ? '' : 's'} under out/ changed (listed below).`, '');
  else {
    // The rendered column only when charts were rendered, so --no-render gives the table it always gave.
    const rendered = report.rendering === 'compared';
    const columns = ['environment', 'change', 'Terraform inputs', 'releases', 'Kubernetes objects', ...(rendered ? ['rendered objects'] : []), 'other files', 'dangers'];
    head.push(`| ${columns.join(' | ')} |`, `| ${columns.map(() => '---').join(' | ')} |`);
    for (const e of changed) head.push(`| ${counts(e, rendered).join(' | ')} |`);
    head.push('');
  }
  const flagged = changed.flatMap((e) => e.dangers.map((d) => `- :warning: **${e.name}**: ${redact(d.what)}. ${d.reason}`));
  if (flagged.length) head.push('#### Dangerous changes', '', ...flagged, '');
  for (const p of report.problems) head.push(`> [!WARNING]`, `> ${redact(p)}`, '');

  let body = `${head.join('\n')}\n`;
  const sections = [...(shared ? [sharedDetails(report.files)] : []), ...changed.map(details)];
  for (let i = 0; i < sections.length; i++) {
    const rest = sections.slice(i).join('');
    const sharedLeft = shared > 0 && i === 0;
    const note = `\n_Truncated: the details of ${sections.length - i - (sharedLeft ? 1 : 0)} environment(s)${sharedLeft ? ' and the shared files' : ''} (${rest.length} characters) are left out to stay within ${budget} characters. Run \`npx slipway diff --base ${report.base}\` or see the job summary for everything._\n`;
    if (body.length + sections[i]!.length + note.length > budget) return body + note;
    body += sections[i];
  }
  return body;
}

/**
 * What the pull request gets instead of a diff when its environment files do not validate: the
 * located errors, under the same marker, so the sticky comment never keeps an outdated diff.
 */
export function invalidMarkdown(base: string, head: string, issues: readonly Issue[], budget = DEFAULT_BUDGET): string {
  const lines = [
    DIFF_MARKER,
    `### Slipway diff \`${base}\` → ${head}`,
    '',
    `> [!CAUTION]`,
    `> The environment files do not validate, so there is nothing to compare. Fix ${issues.length === 1 ? 'this error' : `these ${issues.length} errors`} (\`npx slipway validate\` lists the same), then push again.`,
    '',
  ];
  let body = `${lines.join('\n')}\n`;
  for (const [n, i] of issues.entries()) {
    const where = i.line > 0 ? `${i.file}:${i.line}:${i.column}` : i.file;
    const entry = `- \`${where}\` **${i.code}** ${redact(i.message)}${i.hint ? `\n  hint: ${redact(i.hint)}` : ''}\n`;
    const note = `\n_Truncated: ${issues.length - n} more error(s) are left out to stay within ${budget} characters. Run \`npx slipway validate\` for everything._\n`;
    if (body.length + entry.length + note.length > budget) return body + note;
    body += entry;
  }
  return body;
}

/** The report as JSON, with anything that looks like a secret redacted. */
export function toJson(report: DiffReport): string {
  return `${JSON.stringify(report, (_key, value) => (typeof value === 'string' ? redact(value) : value), 2)}\n`;
}
