// The public entry of core: the only module web/ and executor-node/ import.

export type * from './model/diagnostic.ts';
export type * from './model/syntax.ts';
export type * from './model/instructions.ts';
export type * from './model/cdi.ts';
export type * from './model/options.ts';
export type * from './model/plan.ts';
export type * from './model/progress.ts';
export { parseCdiSpec } from './cdi/parse-spec.ts';
export type { ParsedCdiSpec } from './cdi/parse-spec.ts';
export {
  createCdiRegistry,
  parseGoBool,
  isSpecFileName,
  AUTOALLOW_ANNOTATION,
  CLASS_ANNOTATION,
} from './cdi/registry.ts';
export type { CdiRegistryOptions } from './cdi/registry.ts';
export { resolveDeviceRequest, findDevices } from './cdi/resolve.ts';
export type { DeviceRequest } from './cdi/resolve.ts';
export { applyCdiEdits, mergeEdits } from './cdi/apply-edits.ts';
export type { AppliedEdits } from './cdi/apply-edits.ts';
export {
  validateQualifiedName,
  parseDeviceReference,
  parseQualifier,
} from './cdi/names.ts';
export { minimumRequiredVersion, CDI_CURRENT_VERSION } from './cdi/version.ts';
export type * from './solve/backends.ts';
export { solveBuild } from './solve/solve-build.ts';
export type {
  SolveOptions,
  SolveResult,
  SolvedTarget,
} from './solve/solve-build.ts';
export { envValue, mergeEnv, mergeImageConfig } from './solve/image-config.ts';
export { emptyImageConfig } from './plan/dispatch-stage.ts';
export { processFailure } from './solve/solve-errors.ts';
export { runCdiCaseFile } from './cdi/cases.ts';
export type { CdiCaseReport, CdiCaseOptions } from './cdi/cases.ts';
export {
  cdiAnnotationKey,
  cdiAnnotationValue,
  parseCdiAnnotations,
} from './cdi/annotations.ts';
export { parseDockerfile } from './parse/parse-dockerfile.ts';
export { dumpBuildkitAst } from './parse/dump.ts';
export { expandWord, expandWords } from './expand/expand-word.ts';
export type { ExpandedWord, ExpandedWords } from './expand/expand-word.ts';
export type { LexOptions, Lookup } from './expand/shell-lexer.ts';
export {
  formatDiagnostic,
  formatLocation,
  formatSourceExcerpt,
} from './diagnostics/format.ts';
export { goQuote } from './diagnostics/go-quote.ts';
export { suggestName, withSuggestion } from './diagnostics/suggest.ts';
export { resolveStepDevices } from './cdi/step-devices.ts';
export type { StepDevices } from './cdi/step-devices.ts';
export {
  readDockerfile,
  readInstruction,
} from './instructions/read-dockerfile.ts';
export { parseMount } from './instructions/run-mount.ts';
export { parseDevice } from './instructions/run-device.ts';
export {
  parsePlatform,
  normalizePlatform,
  formatPlatform,
  formatPlatformAll,
  platformId,
  isSamePlatform,
  DEFAULT_PLATFORM,
} from './platform/platform.ts';
export type { Platform, PlatformResult } from './platform/platform.ts';
export {
  createPlatformArgs,
  AUTOMATIC_ARG_NAMES,
} from './platform/platform-args.ts';
export {
  resolveBuildOptions,
  isMultiPlatform,
  DEFAULT_BUILD_PLATFORM,
} from './options/resolve-options.ts';
export { parseOutput } from './options/output.ts';
export { parseAllow } from './options/allow.ts';
export type { Entitlements } from './options/allow.ts';
export { planBuild, isLabsSyntax } from './plan/plan-build.ts';
export { contentHash, canonicalJson } from './plan/content-hash.ts';
export { normalizeImageName, parseImageReference } from './plan/reference.ts';
export type { ImageReference } from './plan/reference.ts';
export {
  createPlainRenderer,
  renderPlainProgress,
} from './progress/plain-renderer.ts';
export type {
  PlainRenderer,
  PlainRendererOptions,
} from './progress/plain-renderer.ts';
export { formatStepName, isCountedStep } from './progress/step-name.ts';
export type { StepNameParts } from './progress/step-name.ts';
export { DEFAULT_PATH } from './plan/dispatch-stage.ts';
export { lintCdiSpec } from './cdi/lint-spec.ts';
export type { CdiSpecLint } from './cdi/lint-spec.ts';
export {
  formatGoDuration,
  parseGoDuration,
} from './instructions/go-duration.ts';
export { fromOciConfigBody, toOciConfigBody } from './image/oci-config-body.ts';
export type { OciImageConfigBody } from './image/oci-config-body.ts';
export { checkBuild } from './checks/check-build.ts';
export type { CheckResult } from './checks/check-build.ts';
export { CHECK_RULES, findCheckRule } from './checks/rules.ts';
export type { CheckRule } from './checks/rules.ts';
export { parseCheckOptions, CHECK_BUILD_ARG } from './checks/check-options.ts';
export type { CheckConfig } from './checks/check-options.ts';
export { buildNvidiaSpec, soLinkName } from './cdi/nvidia.ts';
export type {
  NvidiaHostFacts,
  NvidiaSpecOptions,
  NvidiaSpecResult,
  NvidiaMountFact,
  NvidiaLibraryFact,
  NvidiaDeviceNodeFact,
  NvidiaGpuFact,
} from './cdi/nvidia.ts';
export { formatCdiSpec } from './cdi/write-spec.ts';
export { createPlanner } from './plan/planner.ts';
export type { Planner } from './plan/planner.ts';
export { createSolveStatusWriter } from './progress/solve-status.ts';
export type {
  SolveLog,
  SolveStatus,
  SolveStatusWriter,
  SolveVertex,
} from './progress/solve-status.ts';
export { baseImageKey, findBaseImage } from './plan/base-images.ts';
export {
  createIgnoreMatcher,
  parseDockerignore,
  readDockerignore,
} from './context/dockerignore.ts';
export type {
  IgnoreMatcher,
  IgnoreMatcherResult,
} from './context/dockerignore.ts';
export {
  isCommitSha,
  isGitSource,
  isHttpSource,
  parseGitRef,
} from './plan/git-ref.ts';
export type { GitRef, GitRefResult } from './plan/git-ref.ts';
export { splitCsv } from './options/csv.ts';
export type { CsvResult } from './options/csv.ts';
export { formatCheckShort, isCheckWarning } from './checks/check-warnings.ts';
export {
  BUILD_DEFINITION_VERTEX,
  buildDefinitionEvents,
} from './progress/build-definition.ts';
export type { BuildDefinitionLoad } from './progress/build-definition.ts';
export { formatUnitBytes } from './progress/go-format.ts';
export type {
  SolveRange,
  SolveVertexStatus,
  SolveWarning,
} from './progress/solve-status.ts';
export type { SourceTexts } from './diagnostics/format.ts';
export { sourceRowId, sourceRowsOf } from './solve/source-rows.ts';
