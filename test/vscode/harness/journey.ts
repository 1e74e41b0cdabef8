// What a browser journey is (test/vscode/journeys/*.ts): a user's path through the real workbench with the
// packaged extension installed, a screenshot at each step. Each journey gets its own code-server, user data
// and copy of the fixture workspace.
import type { Page } from 'playwright-core';

/** Which fixture a session opens: test/fixtures/workspace, or both folders of multi-root.code-workspace. */
export type WorkspaceKind = 'folder' | 'multi-root';

/** What a journey can use. */
export interface JourneyContext {
  /** The workbench page, ready (explorer rendered). */
  readonly page: Page;
  /** The folders of the opened workspace (fresh copies: a journey may edit them). */
  readonly folders: readonly string[];
  /** Saves a screenshot named after the step (`.test-output/screenshots/<journey>/NN-<name>.png`). */
  step(name: string): Promise<void>;
  /** A line in the journey's log. */
  log(message: string): void;
}

/** One journey. */
export interface Journey {
  /** Shown in the report; also the screenshot folder's name. */
  readonly name: string;
  readonly workspace?: WorkspaceKind;
  /** User settings written before the workbench starts (the user's settings.json). */
  readonly userSettings?: Readonly<Record<string, unknown>>;
  /** Default 180 s, workbench start-up included. */
  readonly timeoutMs?: number;
  run(context: JourneyContext): Promise<void>;
}

/** Declares a journey (the default export of a file in test/vscode/journeys/). */
export function defineJourney(journey: Journey): Journey {
  return journey;
}
