// <slipway-app>: the playground page. It holds the editors' state, sends it
// to the planner worker on each edit, and shows the plan that comes back.

import { LitElement, html, css, nothing, type PropertyValues } from 'lit';
import type { CdiSpecFile, Diagnostic } from '../../core/src/index.ts';
import {
  loadExample,
  parseExampleIndex,
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
import { loadExampleContext, type FileUrls } from './example-context.ts';
import { resolveBuildContext, type ContextFiles } from './build-context.ts';
import type { ContextInputDetail } from './context-drop.ts';
import { formatAddress, readAddress, type SharedState } from './share-link.ts';
import { sharedStyles } from './shared-styles.ts';
import type { PlanResponse } from './worker/protocol.ts';
import type { DiagnosticSelectDetail } from './diagnostic-list.ts';
import './build-options-form.ts';
import './cdi-spec-editors.ts';
import './devices-panel.ts';
import './dockerfile-editor.ts';
import './example-list.ts';
import './plan-view.ts';
import './v86/build-panel.ts';
import './context-drop.ts';
import './image-drop.ts';
import './settings-panel.ts';

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

  /** URLs of the example files, for the build context (binary ones too). */
  contextUrls: FileUrls = {};

  private stopHostCdi: (() => void) | undefined;
  private hostVersion = 0;
  /** The selected example as it ships, to tell an edited state from it. */
  private pristine: SharedState | undefined;
  private planner: PlannerClient | undefined;
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
  }

  override connectedCallback() {
    super.connectedCallback();
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
            this.draft = e.detail.draft;
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
          .options=${toBuildOptions(this.draft, this.planSpecs())}
          .plan=${this.response?.plan}
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
  private loadContext = () =>
    resolveBuildContext(
      this.dropped,
      async () =>
        this.selected
          ? loadExampleContext(this.selected, this.contextUrls)
          : undefined,
      this.draft.file,
    );

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
    this.timer = setTimeout(() => void this.plan(), delay);
  }

  private async plan() {
    const planner = this.planner;
    if (!planner) return;
    const sequence = ++this.sequence;
    this.busy = true;
    const response = await planner.api.plan({
      dockerfile: this.dockerfile,
      options: toBuildOptions(this.draft, this.planSpecs()),
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
        version === this.hostVersion &&
        this.showHostFiles([], error.message),
    );
  }

  private showHostFiles(files: CdiSpecFile[], error?: string) {
    if (!this.useHostCdi) return;
    this.hostFiles = files;
    this.hostError = error;
    this.schedulePlan(0);
  }
}

customElements.define('slipway-app', SlipwayApp);

declare global {
  interface HTMLElementTagNameMap {
    'slipway-app': SlipwayApp;
  }
}
