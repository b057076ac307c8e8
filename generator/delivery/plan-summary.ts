// What a saved Terraform plan does, from its JSON representation (`terraform show -json PLAN`,
// "JSON Output Format", https://developer.hashicorp.com/terraform/internals/json-format): each
// entry of resource_changes has an address and change.actions, one of ["no-op"], ["create"],
// ["read"], ["update"], ["delete", "create"] or ["create", "delete"] (a replace, the order saying
// which comes first), ["delete"]; later versions add ["forget"] (a removed block that keeps the
// object), ["create", "forget"] (a replace that keeps the old object) and change.importing (an
// import block), as Terraform's own writer of the format lists them
// (internal/command/jsonplan/plan.go, type Change). Counted as `terraform plan` counts them: a
// replace is one to add and one to destroy; data sources ("read") are not counted. Only addresses
// and actions are kept: the plan's values (sensitive ones included) never leave this module.

export type Action = 'create' | 'update' | 'replace' | 'replace-forget' | 'delete' | 'forget' | 'import' | 'move' | 'other';

export interface ResourceChange {
  readonly address: string;
  readonly action: Action;
  /** The actions as the plan states them, e.g. delete,create. */
  readonly actions: string;
  /** action_reason (display hint), e.g. replace_because_cannot_update. */
  readonly reason?: string;
  /** The address before a moved block, when it moved. */
  readonly from?: string;
  /** Also imported into the state. */
  readonly importing?: boolean;
  /** A deposed object (left by a create_before_destroy that failed). */
  readonly deposed?: boolean;
}

export interface PlanSummary {
  readonly title: string;
  readonly counts: { readonly import: number; readonly add: number; readonly change: number; readonly destroy: number; readonly forget: number };
  /** Resources replaced (each also counted once in add and once in destroy). */
  readonly replaced: number;
  readonly moved: number;
  readonly changes: readonly ResourceChange[];
  /** Objects that changed outside Terraform since the last run (resource_drift). */
  readonly drifted: number;
  /** Root outputs whose value changes. */
  readonly outputs: readonly string[];
  /** The plan stopped with errors (its changes are incomplete). */
  readonly errored: boolean;
  /** Changes Terraform deferred to a later plan (deferred_changes). */
  readonly deferred: number;
}

export class PlanFormatError extends Error {}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function summarizePlan(plan: unknown, title: string): PlanSummary {
  if (!isObject(plan)) throw new PlanFormatError('not a JSON object: expected the output of "terraform show -json PLANFILE"');
  const version = plan.format_version;
  if (typeof version !== 'string') {
    throw new PlanFormatError(`no format_version: expected the output of "terraform show -json PLANFILE" (a plan file, not state or "terraform plan -json" log lines)`);
  }
  if (!/^1\./.test(version)) throw new PlanFormatError(`format_version ${version} is not supported: Slipway reads Terraform's JSON plan format 1.x`);
  if ('values' in plan && !('resource_changes' in plan) && !('planned_values' in plan)) {
    throw new PlanFormatError('this is a state, not a plan: run "terraform show -json" on the file "terraform plan -out" wrote');
  }
  const entries = plan.resource_changes ?? [];
  if (!Array.isArray(entries)) throw new PlanFormatError('resource_changes is not a list');
  const changes: ResourceChange[] = [];
  for (const [i, raw] of entries.entries()) {
    if (!isObject(raw) || typeof raw.address !== 'string' || !isObject(raw.change) || !Array.isArray(raw.change.actions)) {
      throw new PlanFormatError(`resource_changes[${i}] has no address or change.actions`);
    }
    if (raw.mode === 'data') continue;
    const actions = (raw.change.actions as unknown[]).map(String);
    const importing = isObject(raw.change.importing);
    const from = typeof raw.previous_address === 'string' && raw.previous_address !== raw.address ? raw.previous_address : undefined;
    const action = actionOf(actions, importing, from !== undefined);
    if (action === undefined) continue;
    changes.push({
      address: raw.address,
      action,
      actions: actions.join(','),
      ...(typeof raw.action_reason === 'string' && { reason: raw.action_reason }),
      ...(from !== undefined && { from }),
      ...(importing && { importing: true }),
      ...(typeof raw.deposed === 'string' && { deposed: true }),
    });
  }
  const count = (...actions: Action[]) => changes.filter((c) => actions.includes(c.action)).length;
  const outputs = isObject(plan.output_changes)
    ? Object.entries(plan.output_changes)
        .filter(([, v]) => isObject(v) && isObject(v.change) && Array.isArray(v.change.actions) && !(v.change.actions as unknown[]).every((a) => a === 'no-op'))
        .map(([k]) => k)
        .sort()
    : [];
  return {
    title,
    counts: {
      import: changes.filter((c) => c.importing).length,
      add: count('create', 'replace', 'replace-forget'),
      change: count('update'),
      destroy: count('delete', 'replace'),
      forget: count('forget', 'replace-forget'),
    },
    replaced: count('replace'),
    moved: changes.filter((c) => c.from !== undefined).length,
    changes,
    drifted: Array.isArray(plan.resource_drift) ? plan.resource_drift.length : 0,
    outputs,
    errored: plan.errored === true,
    deferred: Array.isArray(plan.deferred_changes) ? plan.deferred_changes.length : 0,
  };
}

/** The one action a change is listed under; undefined for a plain no-op. */
function actionOf(actions: readonly string[], importing: boolean, moved: boolean): Action | undefined {
  const key = actions.join(',');
  if (key === 'no-op' || key === '') return importing ? 'import' : moved ? 'move' : undefined;
  if (key === 'create') return 'create';
  if (key === 'update') return 'update';
  if (key === 'delete,create' || key === 'create,delete') return 'replace';
  if (key === 'delete') return 'delete';
  if (key === 'forget') return 'forget';
  if (key === 'create,forget') return 'replace-forget';
  if (key === 'read') return undefined; // a managed resource never reads; tolerated
  // Future combinations: anything that deletes is a destroy (the format's own advice: scan for "delete").
  return actions.includes('delete') ? 'delete' : 'other';
}

/** "2 to add, 1 to change, 1 to destroy" as terraform plan words it; "no changes" when nothing is planned. */
export function countsLine(s: PlanSummary): string {
  const parts = [
    s.counts.import && `${s.counts.import} to import`,
    `${s.counts.add} to add`,
    `${s.counts.change} to change`,
    `${s.counts.destroy} to destroy`,
    s.counts.forget && `${s.counts.forget} to forget`,
  ].filter(Boolean);
  const other = s.changes.filter((c) => c.action === 'other').length;
  if (s.changes.length === 0) return 'no changes';
  return parts.join(', ') + (other ? `, ${other} other` : '');
}

const LABELS: Record<Action, string> = {
  create: 'create',
  update: 'update',
  replace: 'replace',
  'replace-forget': 'replace (old object kept, forgotten)',
  delete: 'destroy',
  forget: 'forget (kept, no longer managed)',
  import: 'import',
  move: 'move',
  other: 'other',
};
const ORDER: Action[] = ['delete', 'replace', 'replace-forget', 'forget', 'update', 'create', 'import', 'move', 'other'];
const code = (text: string) => `\`${text.replace(/`/g, "'").replace(/\|/g, '\\|')}\``;
const REASONS: Record<string, string> = {
  replace_because_tainted: 'tainted',
  replace_because_cannot_update: 'cannot be updated in place',
  replace_by_request: 'replace requested',
  delete_because_no_resource_config: 'no longer configured',
  delete_because_no_module: 'its module is gone',
  delete_because_wrong_repetition: 'wrong repetition key',
  delete_because_count_index: 'count index out of range',
  delete_because_each_key: 'for_each key gone',
  delete_because_no_move_target: 'moved to nowhere',
};

/**
 * A markdown section for a pull request comment or a job summary: a heading with the counts, the
 * destroys (replacements included) called out, then every change in a collapsed table (at most
 * `limit` rows; the job log has the rest).
 */
export function summaryMarkdown(s: PlanSummary, limit = 100): string {
  const lines = [`#### ${code(s.title)}: ${countsLine(s)}`, ''];
  if (s.errored) lines.push('> [!WARNING]', '> The plan stopped with errors: the changes below are incomplete. See the job log.', '');
  const destroyed = s.changes.filter((c) => c.action === 'delete' || c.action === 'replace');
  if (destroyed.length > 0) {
    lines.push('> [!CAUTION]', `> ${destroyed.length} ${destroyed.length === 1 ? 'resource is' : 'resources are'} destroyed${s.replaced ? ` (${s.replaced} of them replaced: destroyed and created again)` : ''}:`);
    for (const c of destroyed.slice(0, limit)) lines.push(`> - ${code(c.address)}${c.action === 'replace' ? ' (replaced)' : ''}${c.deposed ? ' (deposed object)' : ''}${c.reason && REASONS[c.reason] ? `: ${REASONS[c.reason]}` : ''}`);
    if (destroyed.length > limit) lines.push(`> - and ${destroyed.length - limit} more`);
    lines.push('');
  }
  const notes = [
    s.drifted > 0 && `${s.drifted} ${s.drifted === 1 ? 'object' : 'objects'} changed outside Terraform since the last apply.`,
    s.deferred > 0 && `${s.deferred} ${s.deferred === 1 ? 'change is' : 'changes are'} deferred to a later plan.`,
    s.outputs.length > 0 && `Outputs that change: ${s.outputs.map(code).join(', ')}.`,
  ].filter(Boolean);
  if (notes.length) lines.push(...notes.map((n) => `${n}`), '');
  if (s.changes.length > 0) {
    const sorted = [...s.changes].sort((a, b) => ORDER.indexOf(a.action) - ORDER.indexOf(b.action) || (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
    lines.push(`<details><summary>${s.changes.length} ${s.changes.length === 1 ? 'change' : 'changes'}</summary>`, '', '| action | resource |', '| --- | --- |');
    for (const c of sorted.slice(0, limit)) {
      const extra = [c.importing && c.action !== 'import' && 'imported', c.from && `moved from ${code(c.from)}`, c.action === 'other' && c.actions].filter(Boolean);
      lines.push(`| ${LABELS[c.action]} | ${code(c.address)}${extra.length ? ` (${extra.join('; ')})` : ''} |`);
    }
    if (sorted.length > limit) lines.push(`| … | and ${sorted.length - limit} more: see the job log |`);
    lines.push('', '</details>', '');
  }
  return `${lines.join('\n').replace(/\n+$/, '')}\n`;
}
