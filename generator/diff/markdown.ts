// The diff for a pull request: summary table first, dangers with their reasons, then collapsible
// details per environment, within GitHub's comment size with an explicit note when cut.
import { redact } from '../secrets.ts';
import type { DiffReport, EnvironmentDiff } from './compare.ts';

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

function counts(e: EnvironmentDiff): string[] {
  const r = e.releases;
  const releaseParts = [
    r.added.length && `+${r.added.length} added`,
    r.removed.length && `${r.removed.length} removed`,
    r.versions.length && `${r.versions.length} chart bump${r.versions.length === 1 ? '' : 's'}`,
    r.values.length && `${r.values.length} value${r.values.length === 1 ? '' : 's'}`,
  ].filter(Boolean);
  const o = e.objects;
  return [
    e.name,
    e.status,
    String(e.terraform.length || '—'),
    releaseParts.join(', ') || '—',
    o.added.length + o.removed.length + o.changed.length ? `+${o.added.length} −${o.removed.length} ~${o.changed.length}` : '—',
    e.dangers.length ? `**${e.dangers.length}**` : '—',
  ];
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
    for (const v of r.versions) out.push(`- chart bump: \`${v.release}\` ${v.old} → ${v.new}`);
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
  out.push('</details>', '');
  return out.join('\n');
}

export function toMarkdown(report: DiffReport, budget = DEFAULT_BUDGET): string {
  const changed = report.environments.filter((e) => e.status !== 'unchanged');
  const head = [DIFF_MARKER, `### Slipway diff \`${report.base}\` → ${report.head}`, ''];
  if (changed.length === 0) head.push('No changes to the generated infrastructure, releases or manifests.', '');
  else {
    head.push('| environment | change | Terraform inputs | releases | Kubernetes objects | dangers |', '| --- | --- | --- | --- | --- | --- |');
    for (const e of changed) head.push(`| ${counts(e).join(' | ')} |`);
    head.push('');
  }
  const flagged = changed.flatMap((e) => e.dangers.map((d) => `- :warning: **${e.name}**: ${redact(d.what)}. ${d.reason}`));
  if (flagged.length) head.push('#### Dangerous changes', '', ...flagged, '');
  for (const p of report.problems) head.push(`> [!WARNING]`, `> ${p}`, '');

  let body = `${head.join('\n')}\n`;
  const sections = changed.map(details);
  for (let i = 0; i < sections.length; i++) {
    const rest = sections.slice(i).join('');
    const note = `\n_Truncated: the details of ${sections.length - i} environment(s) (${rest.length} characters) are left out to stay within ${budget} characters. Run \`npx slipway diff --base ${report.base}\` or see the job summary for everything._\n`;
    if (body.length + sections[i]!.length + note.length > budget) return body + note;
    body += sections[i];
  }
  return body;
}

/** The report as JSON, with anything that looks like a secret redacted. */
export function toJson(report: DiffReport): string {
  return `${JSON.stringify(report, (_key, value) => (typeof value === 'string' ? redact(value) : value), 2)}\n`;
}
