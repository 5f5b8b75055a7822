// BuildKit's progress names for Dockerfile steps:
// `[<platform>[->target] ][<stage> ]<i>/<n>] <INSTRUCTION> <text>`.

/** What a step's progress name is built from. */
export interface StepNameParts {
  /** The step's text, e.g. `RUN make`. */
  text: string;
  /** 1-based position among the stage's counted steps. */
  index: number;
  /** How many steps the stage counts (FROM, ADD, COPY, RUN, WORKDIR). */
  total: number;
  /** Stage display name; omitted when the build has a single stage. */
  stage?: string;
  /** Platform prefix, only in multi-platform mode (`linux/arm64`). */
  platform?: string;
  /** `->arm64` when the step's TARGET* values differ from the stage platform. */
  targetSuffix?: string;
  /** True for a step that an ONBUILD trigger added. */
  onbuild?: boolean;
}

/** Formats a step's progress name the way BuildKit's Dockerfile frontend does. */
export function formatStepName(parts: StepNameParts): string {
  if (parts.total === 0) return parts.text;
  let out = '[';
  if (parts.platform) out += `${parts.platform}${parts.targetSuffix ?? ''} `;
  if (parts.stage) out += `${parts.stage} `;
  const width = String(parts.total).length;
  out += `${String(parts.index).padStart(width, ' ')}/${parts.total}] `;
  if (parts.onbuild) out += 'ONBUILD ';
  return out + parts.text;
}

/** Tells whether an instruction is one BuildKit numbers as a step. */
export function isCountedStep(keyword: string): boolean {
  return ['ADD', 'COPY', 'RUN', 'WORKDIR'].includes(keyword.toUpperCase());
}
