// The Terraform file templates (templates/*.hbs), compiled once per process. The published CLI
// never compiles them: scripts/build.ts swaps this module for one holding the same templates
// precompiled with the same options, which needs only Handlebars' runtime.
import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { packagePath } from '../../package-root.ts';

export const TEMPLATE_NAMES = ['versions.tf', 'backend.tf', 'main.tf', 'variables.tf', 'outputs.tf'] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];
export type Helpers = Readonly<Record<string, (...args: never[]) => unknown>>;

/** Output is HCL, not HTML (no escaping); a missing field is an error, not an empty string. */
export const TEMPLATE_OPTIONS = { noEscape: true, strict: true } as const;

export const templateSource = (name: TemplateName): string => readFileSync(packagePath(`generator/render/terraform/templates/${name}.hbs`), 'utf8');

export function terraformTemplates(helpers: Helpers): Record<TemplateName, Handlebars.TemplateDelegate> {
  const hb = Handlebars.create();
  for (const [name, helper] of Object.entries(helpers)) hb.registerHelper(name, helper as Handlebars.HelperDelegate);
  return Object.fromEntries(TEMPLATE_NAMES.map((name) => [name, hb.compile(templateSource(name), TEMPLATE_OPTIONS)])) as Record<TemplateName, Handlebars.TemplateDelegate>;
}
