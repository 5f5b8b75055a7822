// The first vertex of every BuildKit build, `[internal] load build definition
// from Dockerfile`: the Dockerfile's transfer row, then the build checks'
// `WARN:` rows, which BuildKit attaches to this vertex.

import type { Diagnostic } from '../model/diagnostic.ts';
import type { ProgressEvent } from '../model/progress.ts';
import { formatCheckShort, isCheckWarning } from '../checks/check-warnings.ts';
import { findCheckRule } from '../checks/rules.ts';

/** The vertex id the definition events use. */
export const BUILD_DEFINITION_VERTEX = 'internal:load-build-definition';

/** What loading the build definition took and found. */
export interface BuildDefinitionLoad {
  /** The Dockerfile's name, as `-f` gave it (its base name). */
  file: string;
  /** Bytes transferred: the Dockerfile (and its own `.dockerignore`, if any). */
  bytes: number;
  /** The plan's diagnostics; its build-check warnings become `WARN:` rows. */
  diagnostics: readonly Diagnostic[];
  /** When reading started and ended (milliseconds). */
  start: number;
  end: number;
}

/** Returns the events of the build-definition vertex, check warnings included. */
export function buildDefinitionEvents(
  load: BuildDefinitionLoad,
): ProgressEvent[] {
  const vertex = BUILD_DEFINITION_VERTEX;
  const { start, end } = load;
  const events: ProgressEvent[] = [
    {
      kind: 'vertex-start',
      vertex,
      name: `[internal] load build definition from ${load.file}`,
      time: start,
    },
    {
      kind: 'vertex-status',
      vertex,
      id: 'transferring dockerfile:',
      current: load.bytes,
      started: start,
      completed: end,
      time: end,
    },
  ];
  for (const warning of load.diagnostics.filter(isCheckWarning)) {
    events.push(warningEvent(warning, end));
  }
  events.push({ kind: 'vertex-done', vertex, time: end });
  return events;
}

function warningEvent(warning: Diagnostic, time: number): ProgressEvent {
  const rule = findCheckRule(warning.code);
  const event: ProgressEvent = {
    kind: 'vertex-warning',
    vertex: BUILD_DEFINITION_VERTEX,
    short: formatCheckShort(warning),
    time,
  };
  if (rule) event.detail = [rule.description];
  if (warning.url) event.url = warning.url;
  if (warning.location) event.range = warning.location.range;
  return event;
}
