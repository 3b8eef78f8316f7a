/** What a scenario is: a name, what it measures, and a run that returns measurements (never asserts speed). */
import type { Measurement } from './results.ts';

export type ScenarioContext = {
  /** Smaller sizes so that the whole run takes under a minute. */
  quick: boolean;
  /** Progress for the person running the benchmark (stderr, so stdout stays the table). */
  log(message: string): void;
  /** A note kept in the results (sizes used, counts, skipped parts). */
  note(message: string): void;
};

export type Scenario = {
  name: string;
  description: string;
  run(context: ScenarioContext): Promise<Measurement[]>;
};
