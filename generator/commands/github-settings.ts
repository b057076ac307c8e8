// The GitHub settings comment and repository read from the command's environment: one missing or
// malformed is a usage error (exit 2, with the command's --help hint), like a bad flag.
import { GithubSettingsError, settingsFromEnv, type GithubSettings } from '../github/sticky-comment.ts';
import { UsageError } from './command.ts';

export function githubSettings(env: NodeJS.ProcessEnv): GithubSettings {
  try {
    return settingsFromEnv(env);
  } catch (e) {
    throw e instanceof GithubSettingsError ? new UsageError(e.message) : e;
  }
}
