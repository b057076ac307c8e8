// Alertmanager's routing as Slipway models it, pinned to prometheus/alertmanager dispatch/route.go
// (Route.Match: children in order, a match without `continue` ends the search, no matching child
// means the route itself; a route without a receiver inherits its parent's) and pkg/labels/matcher.go
// (a missing label is the empty string; regular expressions are anchored).
import { describe, expect, it } from 'vitest';
import { parseMatcher, receiversFor, unreachableReceivers, type AlertRoute } from '../../../generator/model/rules/alert-routes.ts';

const tree: AlertRoute = {
  receiver: 'null',
  routes: [
    { receiver: 'null', matchers: ['alertname = "Watchdog"'] },
    { receiver: 'pager', matchers: ['severity = "critical"'], continue: true },
    { receiver: 'chat', matchers: ['severity =~ "critical|warning"'] },
    { receiver: 'never', matchers: ['severity = "warning"'] },
  ],
};

describe('Alertmanager routing', () => {
  it('reads the matcher syntax Slipway writes', () => {
    expect(parseMatcher('severity =~ "critical|warning"')).toEqual({ label: 'severity', op: '=~', value: 'critical|warning' });
    expect(parseMatcher('alertname=Watchdog')).toEqual({ label: 'alertname', op: '=', value: 'Watchdog' });
    expect(() => parseMatcher('severity ~ critical')).toThrow(/Cannot read/);
  });

  it('sends an alert down every matching route until one without continue', () => {
    expect(receiversFor(tree, { alertname: 'PostfactoDown', severity: 'critical' })).toEqual(['pager', 'chat']);
    expect(receiversFor(tree, { alertname: 'PostfactoDegraded', severity: 'warning' })).toEqual(['chat']);
    // Watchdog matches the first route, which has no continue: nothing after it sees the alert.
    expect(receiversFor(tree, { alertname: 'Watchdog', severity: 'critical' })).toEqual(['null']);
    // No child matches: the root takes it.
    expect(receiversFor(tree, { alertname: 'InfoInhibitor', severity: 'info' })).toEqual(['null']);
  });

  it('anchors regular expressions, compares a missing label as empty, and inherits the receiver', () => {
    const partial: AlertRoute = { receiver: 'root', routes: [{ matchers: ['severity =~ "crit"'], routes: [{ receiver: 'deep', matchers: ['team != ""'] }] }] };
    expect(receiversFor(partial, { severity: 'critical' })).toEqual(['root']);
    expect(receiversFor(partial, { severity: 'crit' })).toEqual(['root']);
    expect(receiversFor(partial, { severity: 'crit', team: 'retro' })).toEqual(['deep']);
  });

  it('finds the receivers no alert can reach: shadowed, contradictory or never routed to', () => {
    // "never" comes after "chat", which takes every warning without continue.
    expect(unreachableReceivers(tree, ['pager', 'chat', 'never'])).toEqual(['never']);
    const contradictory: AlertRoute = { receiver: 'null', routes: [{ receiver: 'a', matchers: ['severity = "critical"', 'severity =~ "info"'], continue: true }] };
    expect(unreachableReceivers(contradictory, ['a', 'b'])).toEqual(['a', 'b']);
    const watchdogOnly: AlertRoute = { receiver: 'null', routes: [tree.routes![0]!, { receiver: 'heartbeat', matchers: ['alertname = "Watchdog"'], continue: true }] };
    expect(unreachableReceivers(watchdogOnly, ['heartbeat'])).toEqual(['heartbeat']);
    // The same receiver first can reach it.
    expect(unreachableReceivers({ receiver: 'null', routes: [watchdogOnly.routes![1]!, tree.routes![0]!] }, ['heartbeat'])).toEqual([]);
  });

  it('counts a route whose regular expression it cannot enumerate as reachable', () => {
    expect(unreachableReceivers({ receiver: 'null', routes: [{ receiver: 'ns', matchers: ['namespace =~ "postfacto-.*"'] }] }, ['ns'])).toEqual([]);
  });
});
