// <slipway-app>: the playground page. It holds the editors' state, sends it
// to the planner worker on each edit, and shows the plan that comes back.
// The build panel (v86, xterm.js) loads after the first paint.

import { LitElement, html, css, nothing, type PropertyValues } from 'lit';
import type {
  BuildOptions,
  CdiSpecFile,
  Diagnostic,
} from '../../core/src/index.ts';
import {
  describeRequirements,
  loadExample,
  parseExampleIndex,
  type Example,
  type ExampleSummary,
  type FileLoaders,
} from './examples.ts';
import {
  mergeHostCdiSpecs,
  type HostCdiSource,
  type HostCdiView,
} from './host-cdi-specs.ts';
import {
  createEmptyDraft,
  toBuildOptions,
  type OptionsDraft,
} from './options-draft.ts';
import { createPlannerClient, type PlannerClient } from './planner-client.ts';
import type { FileUrls } from './example-context.ts';
import type { ContextFiles } from './build-context.ts';
import type { ContextInputDetail } from './context-drop.ts';
import { formatAddress, readAddress, type SharedState } from './share-link.ts';
import { sharedStyles } from './shared-styles.ts';
import type { PlanResponse } from './worker/protocol.ts';
import type { V86Config } from './worker/v86-protocol.ts';
import type { DiagnosticSelectDetail } from './diagnostic-list.ts';
import type { BuildVariant } from './v86/build-panel.ts';
import './build-options-form.ts';
import './cdi-spec-editors.ts';
import './devices-panel.ts';
import './dockerfile-editor.ts';
import './example-list.ts';
import './plan-view.ts';

const INDEX_PATH = '/examples/index.json';
const PLAN_DELAY_MS = 120;
const STARTER = `FROM busybox:1.36
RUN echo hello
`;

/** The playground: examples and editors on the left, the plan on the right. */
export class SlipwayApp extends LitElement {
  static override properties = {
    files: { attribute: false },
    hostCdi: { attribute: false },
    examples: { state: true },
    selected: { state: true },
    readme: { state: true },
    dockerfile: { state: true },
    specs: { state: true },
    draft: { state: true },
    response: { state: true },
    busy: { state: true },
    reveal: { state: true },
    useHostCdi: { state: true },
    hostFiles: { state: true },
    hostError: { state: true },
    dropped: { state: true },
    ignoreText: { state: true },
    buildConfig: { attribute: false },
    contextUrls: { attribute: false },
  };

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: grid;
        grid-template-columns: minmax(20rem, 5fr) minmax(24rem, 7fr);
        gap: 1.5rem;
        padding: 1rem 1.5rem 2rem;
        max-width: 110rem;
        margin: 0 auto;
      }
      @media (min-width: 60.01rem) {
        /* The plan stays in view while the editors scroll. */
        .plan {
          align-self: start;
          position: sticky;
          top: 0;
          max-height: 100vh;
          overflow-y: auto;
          padding-bottom: 1rem;
        }
      }
      @media (max-width: 60rem) {
        :host {
          grid-template-columns: 1fr;
        }
      }
      .column {
        display: grid;
        gap: 1.1rem;
        align-content: start;
        min-width: 0;
      }
      .about {
        display: grid;
        gap: 0.35rem;
        padding: 0.5rem 0.7rem;
        border: 1px solid var(--border);
        border-radius: 8px;
        background: var(--bg);
      }
      .command {
        color: var(--fg);
      }
      a {
        color: var(--accent);
        font-size: 0.85rem;
      }
      .readme summary {
        cursor: pointer;
      }
      .readme pre {
        font-family: var(--font-sans);
        font-size: 0.9rem;
        color: var(--fg-muted);
        margin-top: 0.4rem;
      }
    `,
  ];

  /** The example files by path, `/examples/index.json` among them. */
  declare files: FileLoaders;
  declare examples: ExampleSummary[];
  declare selected: string | undefined;
  declare readme: string;
  declare dockerfile: string;
  declare specs: CdiSpecFile[];
  declare draft: OptionsDraft;
  declare response: PlanResponse | undefined;
  declare busy: boolean;
  declare reveal: { line: number } | undefined;
  /** This host's CDI specs from the dev server; unset in a production build. */
  declare hostCdi: HostCdiSource | undefined;
  declare useHostCdi: boolean;
  /** The host's files while the toggle is on and they have loaded. */
  declare hostFiles: CdiSpecFile[] | undefined;
  declare hostError: string | undefined;
  /** A build context the user dropped; the example's folder when unset. */
  declare dropped: ContextFiles | undefined;
  /** The context's ignore file, sent to the planner for CopyIgnoredFile. */
  declare ignoreText: string | undefined;
  /** Where the build panel finds the guest and images (tests set it). */
  declare buildConfig: Partial<V86Config> | undefined;

  /** URLs of the example files, for the build context (binary ones too). */
  declare contextUrls: FileUrls;

  private stopHostCdi: (() => void) | undefined;
  private hostVersion = 0;
  /** The selected example as it ships, to tell an edited state from it. */
  private pristine: SharedState | undefined;
  private planner: PlannerClient | undefined;
  /** The selected example as loaded, for its runnable variant and needs. */
  private example: Example | undefined;
  private ignoreVersion = 0;
  private buildOptions: BuildOptions | undefined;
  private indexText = '';
  private timer: ReturnType<typeof setTimeout> | undefined;
  private sequence = 0;
  // The plan's and the spec files' problems, made once per response so the
  // editors can tell a new list from a re-render.
  private diagnostics: Diagnostic[] = [];

  constructor() {
    super();
    this.files = {};
    this.examples = [];
    this.selected = undefined;
    this.readme = '';
    this.dockerfile = STARTER;
    this.specs = [];
    this.draft = createEmptyDraft();
    this.response = undefined;
    this.busy = false;
    this.reveal = undefined;
    this.hostCdi = undefined;
    this.useHostCdi = false;
    this.hostFiles = undefined;
    this.hostError = undefined;
    this.dropped = undefined;
    this.ignoreText = undefined;
    this.buildConfig = undefined;
    this.contextUrls = {};
  }

  override connectedCallback() {
    super.connectedCallback();
    // Below the plan, and heavy (v86's client, xterm.js on the first build):
    // the page paints first.
    void import('./v86/build-panel.ts');
    void import('./context-drop.ts');
    void import('./image-drop.ts');
    void import('./settings-panel.ts');
    this.planner = createPlannerClient();
    window.addEventListener('hashchange', this.onHashChange);
    this.schedulePlan(0);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.onHashChange);
    this.setUseHostCdi(false);
    clearTimeout(this.timer);
    this.planner?.dispose();
    this.planner = undefined;
  }

  override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('files')) void this.loadExamples();
    if (changed.has('dropped')) void this.readIgnoreFile();
    if (
      changed.has('draft') ||
      changed.has('specs') ||
      changed.has('hostFiles') ||
      changed.has('ignoreText')
    ) {
      // One object per change, so the build panel sees new options only then.
      this.buildOptions = this.planOptions();
    }
    if (changed.has('response')) {
      this.diagnostics = [
        ...(this.response?.plan?.diagnostics ?? []),
        ...(this.response?.registry?.diagnostics ?? []),
      ];
    }
  }

  override render() {
    const stageNames = (this.response?.plan?.platforms[0]?.stages ?? []).map(
      (s) => s.id,
    );
    return html`<div class="column">
        <section>
          <h2>Examples</h2>
          <example-list
            .examples=${this.examples}
            .selected=${this.selected}
            @example-select=${(e: CustomEvent<{ id: string }>) =>
              this.selectExample(e.detail.id)}
          ></example-list>
          ${this.renderAbout()}
        </section>
        <dockerfile-editor
          .text=${this.dockerfile}
          .file=${this.draft.file}
          .reveal=${this.reveal}
          .diagnostics=${this.diagnostics}
          @dockerfile-input=${(e: CustomEvent<{ text: string }>) => {
            this.dockerfile = e.detail.text;
            this.schedulePlan();
          }}
        ></dockerfile-editor>
        <cdi-spec-editors
          .specs=${this.specs}
          .hostAvailable=${!!this.hostCdi}
          .useHost=${this.useHostCdi}
          .diagnostics=${this.diagnostics}
          @host-cdi-toggle=${(e: CustomEvent<{ on: boolean }>) =>
            this.setUseHostCdi(e.detail.on)}
          @cdi-specs-input=${(e: CustomEvent<{ specs: CdiSpecFile[] }>) => {
            this.specs = e.detail.specs;
            this.schedulePlan();
          }}
        ></cdi-spec-editors>
        <devices-panel
          .summary=${this.response?.registry}
          .host=${this.hostPanelView()}
        ></devices-panel>
        <build-options-form
          .draft=${this.draft}
          .stageNames=${stageNames}
          @options-input=${(e: CustomEvent<{ draft: OptionsDraft }>) => {
            const file = this.draft.file;
            this.draft = e.detail.draft;
            if (this.draft.file !== file) void this.readIgnoreFile();
            this.schedulePlan();
          }}
        ></build-options-form>
      </div>
      <div class="column plan">
        <h2>Plan</h2>
        <plan-view
          .response=${this.response}
          .source=${this.dockerfile}
          .busy=${this.busy}
          @diagnostic-select=${(e: CustomEvent<DiagnosticSelectDetail>) => {
            this.reveal = { line: e.detail.line };
          }}
        ></plan-view>
        <h2>Run in the browser</h2>
        <v86-build-panel
          .dockerfile=${this.dockerfile}
          .options=${this.buildOptions}
          .plan=${this.response?.plan}
          .variant=${this.buildVariant()}
          .blocked=${this.blockedReason()}
          .config=${this.buildConfig}
          .context=${this.loadContext}
        ></v86-build-panel>
        <h2>Build context</h2>
        <context-drop
          .dropped=${this.dropped}
          .example=${this.selected}
          .examplePaths=${this.examplePaths()}
          @context-input=${(e: CustomEvent<ContextInputDetail>) => {
            this.dropped = e.detail.context;
          }}
        ></context-drop>
        <h2>Images</h2>
        <image-drop></image-drop>
        <h2>Stored in this browser</h2>
        <settings-panel></settings-panel>
      </div>`;
  }

  // A dropped context wins over the example's folder; .dockerignore applies.
  private loadContext = async (dockerfile = this.draft.file) => {
    const [{ resolveBuildContext }, { loadExampleContext }] = await Promise.all(
      [import('./build-context.ts'), import('./example-context.ts')],
    );
    return resolveBuildContext(
      this.dropped,
      async () =>
        this.selected
          ? loadExampleContext(this.selected, this.contextUrls)
          : undefined,
      dockerfile,
    );
  };

  /** The options the planner gets: the form's, specs and the ignore file. */
  private planOptions(): BuildOptions {
    const options = toBuildOptions(this.draft, this.planSpecs());
    if (this.ignoreText !== undefined) options.dockerignore = this.ignoreText;
    return options;
  }

  /**
   * Reads the ignore file BuildKit would send with the Dockerfile, from
   * the dropped context or the example's folder, and plans again.
   */
  private async readIgnoreFile() {
    const version = ++this.ignoreVersion;
    const dropped = this.dropped;
    const folder = `/examples/${this.selected}/`;
    const { readIgnoreText } = await import('./build-context.ts');
    const text = await readIgnoreText(
      dropped
        ? async (path) => {
            const file = dropped.files.find((f) => samePath(f.path, path));
            return file ? new TextDecoder().decode(file.data) : undefined;
          }
        : async (path) =>
            this.selected ? this.files[folder + path]?.() : undefined,
      this.draft.file,
    );
    if (version !== this.ignoreVersion || text === this.ignoreText) return;
    this.ignoreText = text;
    this.schedulePlan(0);
  }

  /** The example's runnable Dockerfile while the docs' one is unedited. */
  private buildVariant(): BuildVariant | undefined {
    const example = this.example;
    if (!example?.runnable || example.id !== this.selected) return undefined;
    const pristine =
      this.dockerfile === example.dockerfile &&
      this.draft.file === example.draft.file;
    return pristine ? example.runnable : undefined;
  }

  /** Why the unedited example cannot build in a browser, if it cannot. */
  private blockedReason(): string | undefined {
    const example = this.example;
    if (!example || example.id !== this.selected) return undefined;
    if (this.dockerfile !== example.dockerfile) return undefined;
    return describeRequirements(example.requires);
  }

  private examplePaths(): string[] {
    const folder = `/examples/${this.selected}/`;
    return Object.keys(this.contextUrls)
      .filter((p) => p.startsWith(folder))
      .map((p) => p.slice(folder.length));
  }

  private renderAbout() {
    const example = this.examples.find((e) => e.id === this.selected);
    if (!example) return nothing;
    return html`<div class="about">
      ${example.command ? html`<pre class="command">$ ${example.command}</pre>` : nothing}
      ${
        example.docsUrl
          ? html`<a href=${example.docsUrl} target="_blank" rel="noreferrer"
              >${example.section || 'Docker docs'}</a
            >`
          : nothing
      }
      ${
        this.readme
          ? html`<details class="readme">
              <summary>About this example</summary>
              <pre>${this.readme}</pre>
            </details>`
          : nothing
      }
    </div>`;
  }

  private async loadExamples() {
    const files = this.files;
    const indexText = (await files[INDEX_PATH]?.()) ?? '';
    if (files !== this.files) return;
    this.indexText = indexText;
    this.examples = parseExampleIndex(indexText);

    const { example, state } = readAddress(location.hash);
    const first =
      this.examples.find((e) => e.id === example) ?? this.examples[0];
    if (first) await this.selectExample(first.id, state);
  }

  // An edited address, a link or Back opens the example and state it names.
  private onHashChange = () => {
    const { example, state } = readAddress(location.hash);
    if (!state && example === this.selected) return;
    if (this.examples.some((e) => e.id === example)) {
      void this.selectExample(example!, state);
    }
  };

  private async selectExample(id: string, state?: SharedState) {
    const example = await loadExample(id, this.indexText, this.files);
    if (!example) return;
    this.example = example;
    this.selected = id;
    this.readme = example.readme;
    this.pristine = {
      example: id,
      dockerfile: example.dockerfile,
      specs: example.cdiSpecs,
      draft: example.draft,
    };
    this.dockerfile = state?.dockerfile ?? example.dockerfile;
    this.specs = state?.specs ?? example.cdiSpecs;
    this.draft = state?.draft ?? example.draft;
    this.schedulePlan(0);
    void this.readIgnoreFile();
  }

  // The address always reopens what is on the page (once an example loaded,
  // so a link's state is not overwritten before it is read).
  private writeAddress() {
    if (!this.pristine) return;
    const state: SharedState = {
      example: this.selected,
      dockerfile: this.dockerfile,
      specs: this.specs,
      draft: this.draft,
    };
    history.replaceState(null, '', formatAddress(state, this.pristine));
  }

  private schedulePlan(delay = PLAN_DELAY_MS) {
    this.writeAddress();
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.plan();
    }, delay);
  }

  /** Tells whether the plan shown answers the current text and options. */
  get planCurrent(): boolean {
    return !!this.response && !this.busy && this.timer === undefined;
  }

  private async plan() {
    const planner = this.planner;
    if (!planner) return;
    const sequence = ++this.sequence;
    this.busy = true;
    const response = await planner.api.plan({
      dockerfile: this.dockerfile,
      options: this.planOptions(),
    });
    // A newer edit may have been sent meanwhile; only its answer counts.
    if (sequence !== this.sequence) return;
    this.response = response;
    this.busy = false;
  }

  // The editor's specs, joined with the host's while the toggle is on.
  private planSpecs(): CdiSpecFile[] {
    if (!this.hostFiles) return this.specs;
    return mergeHostCdiSpecs(this.specs, this.hostFiles).specs;
  }

  private hostPanelView(): HostCdiView | undefined {
    if (!this.useHostCdi) return undefined;
    const files = this.hostFiles ?? [];
    const { hidden } = mergeHostCdiSpecs(this.specs, files);
    return { files, hidden, loading: !this.hostFiles, error: this.hostError };
  }

  // Switching on fetches the host's files and follows the server's event;
  // switching off plans with the example's files alone again.
  private setUseHostCdi(on: boolean) {
    const source = this.hostCdi;
    this.stopHostCdi?.();
    this.stopHostCdi = undefined;
    const version = ++this.hostVersion;
    this.useHostCdi = on && !!source;
    if (!on || !source) {
      if (this.hostFiles) this.schedulePlan(0);
      this.hostFiles = undefined;
      this.hostError = undefined;
      return;
    }
    this.stopHostCdi = source.subscribe((files) => {
      this.hostVersion++;
      this.showHostFiles(files);
    });
    source.load().then(
      (files) => version === this.hostVersion && this.showHostFiles(files),
      (error: Error) =>
        version === this.hostVersion && this.showHostFiles([], error.message),
    );
  }

  private showHostFiles(files: CdiSpecFile[], error?: string) {
    if (!this.useHostCdi) return;
    this.hostFiles = files;
    this.hostError = error;
    this.schedulePlan(0);
  }
}

/** Compares two context paths, ignoring `./` and a leading slash. */
function samePath(a: string, b: string): boolean {
  const clean = (p: string) =>
    p
      .split('/')
      .filter((part) => part !== '' && part !== '.')
      .join('/');
  return clean(a) === clean(b);
}

customElements.define('slipway-app', SlipwayApp);

declare global {
  interface HTMLElementTagNameMap {
    'slipway-app': SlipwayApp;
  }
}
