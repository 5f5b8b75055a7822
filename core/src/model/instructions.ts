// Typed instructions: the syntax tree checked against each instruction's
// flags and argument rules. Values are as written (not yet expanded); the
// planner expands them with the ARG and ENV scope of their stage.

import type { Range } from './diagnostic.ts';
import type { Heredoc } from './syntax.ts';

/** A value taken from the text, with where it came from. */
export interface Word {
  value: string;
  range: Range;
}

interface Base {
  range: Range;
  /** The source text, continuations joined, for progress names. */
  original: string;
}

export interface FromInstruction extends Base {
  kind: 'FROM';
  image: Word;
  /** `--platform=` value, unexpanded. */
  platform?: Word;
  /** The `AS name`, lower-cased as BuildKit stores it. */
  stageName?: Word;
}

/** How a command is given: exec form (JSON array) or shell form. */
export type CommandLine =
  { form: 'exec'; args: string[] } | { form: 'shell'; script: string };

export interface RunMount {
  type: 'bind' | 'cache' | 'tmpfs' | 'secret' | 'ssh';
  target?: string;
  source?: string;
  from?: string;
  readonly?: boolean;
  id?: string;
  sharing?: 'shared' | 'private' | 'locked';
  mode?: string;
  uid?: string;
  gid?: string;
  required?: boolean;
  size?: string;
  env?: string;
  /** Every key=value as written, for display. */
  raw: string;
}

/** One `--device=NAME[,required=BOOL]` request. */
export interface DeviceFlag {
  name: string;
  required: boolean;
  range: Range;
}

export interface RunInstruction extends Base {
  kind: 'RUN';
  command: CommandLine;
  heredocs: Heredoc[];
  mounts: RunMount[];
  network?: 'default' | 'none' | 'host';
  security?: 'sandbox' | 'insecure';
  devices: DeviceFlag[];
}

export interface CopyInstruction extends Base {
  kind: 'COPY' | 'ADD';
  sources: Word[];
  dest: Word;
  heredocs: Heredoc[];
  /** `--from=`: never expanded, as in BuildKit. */
  from?: Word;
  chmod?: string;
  chown?: string;
  link: boolean;
  parents: boolean;
  exclude: string[];
  /** ADD only. */
  checksum?: string;
  keepGitDir?: boolean;
  unpack?: boolean;
}

export interface KeyValue {
  key: string;
  value: string;
}

export interface ArgInstruction extends Base {
  kind: 'ARG';
  args: { key: string; value?: string }[];
}

export interface EnvInstruction extends Base {
  kind: 'ENV';
  pairs: KeyValue[];
  /** True for the legacy `ENV key value` form (no `=`). */
  legacy?: boolean;
}

export interface LabelInstruction extends Base {
  kind: 'LABEL';
  pairs: KeyValue[];
  /** True for the legacy `LABEL key value` form (no `=`). */
  legacy?: boolean;
}

export interface WorkdirInstruction extends Base {
  kind: 'WORKDIR';
  path: string;
}

export interface UserInstruction extends Base {
  kind: 'USER';
  user: string;
}

export interface CommandInstruction extends Base {
  kind: 'CMD' | 'ENTRYPOINT';
  command: CommandLine;
}

export interface ShellInstruction extends Base {
  kind: 'SHELL';
  shell: string[];
}

export interface ExposeInstruction extends Base {
  kind: 'EXPOSE';
  ports: string[];
}

export interface VolumeInstruction extends Base {
  kind: 'VOLUME';
  paths: string[];
}

export interface StopsignalInstruction extends Base {
  kind: 'STOPSIGNAL';
  signal: string;
}

export interface HealthcheckInstruction extends Base {
  kind: 'HEALTHCHECK';
  /** `undefined` for `HEALTHCHECK NONE`. */
  test?: CommandLine;
  none: boolean;
  interval?: string;
  timeout?: string;
  startPeriod?: string;
  startInterval?: string;
  retries?: number;
}

export interface OnbuildInstruction extends Base {
  kind: 'ONBUILD';
  /** The trigger's text, stored in the image config. */
  expression: string;
}

export interface MaintainerInstruction extends Base {
  kind: 'MAINTAINER';
  maintainer: string;
}

export type Instruction =
  | FromInstruction
  | RunInstruction
  | CopyInstruction
  | ArgInstruction
  | EnvInstruction
  | LabelInstruction
  | WorkdirInstruction
  | UserInstruction
  | CommandInstruction
  | ShellInstruction
  | ExposeInstruction
  | VolumeInstruction
  | StopsignalInstruction
  | HealthcheckInstruction
  | OnbuildInstruction
  | MaintainerInstruction;

/** One `FROM` and the instructions under it. */
export interface Stage {
  index: number;
  /** Lower-cased `AS` name, if any. */
  name?: string;
  from: FromInstruction;
  commands: Instruction[];
}

/** A Dockerfile as typed stages, plus the ARGs before the first FROM. */
export interface Dockerfile {
  file: string;
  /** The `# syntax=` directive value, if any. */
  syntax?: string;
  escapeToken: string;
  globalArgs: ArgInstruction[];
  stages: Stage[];
}
