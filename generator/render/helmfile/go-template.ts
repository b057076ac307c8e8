// helmfile and Helm read some files as Go templates. Literal "{{" (alert templates, for example)
// is escaped, and ${VAR} placeholders become template actions that read the value at deploy time.
import { PLACEHOLDER } from '../../catalog/types.ts';

export const hasPlaceholders = (text: string) => new RegExp(PLACEHOLDER.source).test(text);

export function toGoTemplate(text: string, action: (variable: string) => string): string {
  return text.replace(/\{\{/g, '{{ "{{" }}').replace(PLACEHOLDER, (_, variable: string) => action(variable));
}

/** helmfile values file: the value comes from the deploying shell's environment, required. */
export const requiredEnv = (variable: string) => `{{ requiredEnv "${variable}" }}`;
/** Helm chart template: the value comes from the release values (key env.<VAR>). */
export const chartValue = (variable: string) => `{{ .Values.env.${variable} }}`;
